"""Turning one recorded voice into a cast, with Praat (praat-parselmouth).

`Change Gender` moves the formants (vocal tract length) and the pitch together, so a
female or child voice is a different speaker, not the male one played higher. Deliveries:
a whisper is the voice's own spectral envelope (LPC) over a noise source, at a lower level;
a shout is higher, wider in pitch, faster and a little strained; a sung line follows a simple
tune (PSOLA). Praat places pulses at random in unvoiced stretches, so every call seeds its
generator: the same line gives the same samples.
"""

from __future__ import annotations

import threading

import numpy as np

from film.providers.voice import Delivery, VoiceProfile

DELIVERIES = {
    "normal": Delivery(),
    "whisper": Delivery("whisper", gain_db=-9.0, pace=0.88),
    "shout": Delivery("shout", gain_db=3.0, pace=1.1, pitch=1.3, range=1.4),
    "sing": Delivery("sing", pace=0.8, range=0.3),
}
# Praat's random generator is process-wide.
_LOCK = threading.Lock()
_TUNE = (0, 2, 4, 7, 9, 7, 4, 2)  # pentatonic steps of a sung line, one every 0.4 s


def transform(
    samples: np.ndarray, *, rate: int, profile: VoiceProfile, delivery: Delivery, seed: int
) -> np.ndarray:
    """The voice of `profile` saying `samples` with `delivery`; same length (within a few
    ms), peak 0.9 lowered by a negative delivery gain. Deterministic for `seed`."""
    import parselmouth
    from parselmouth.praat import call, run

    snd = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=rate)
    with _LOCK:
        run(f"random_initializeWithSeedUnsafelyButPredictably ({seed % 2_000_000_000})")
        f0 = profile.f0 * delivery.pitch if profile.f0 else 0.0
        if profile.formant != 1.0 or f0 or profile.range * delivery.range != 1.0:
            snd = call(
                snd,
                "Change gender",
                60,
                400,
                profile.formant,
                f0,
                profile.range * delivery.range,
                1.0,
            )
        if delivery.name == "whisper":
            snd = _whisper(snd, call)
        elif delivery.name == "sing":
            snd = _sing(snd, f0 or 110.0, call)
        run("random_initializeSafelyAndUnpredictably ()")
    out = snd.values[0].astype(np.float32)
    peak = float(np.abs(out).max()) or 1.0
    out = out / peak * 0.9 * 10 ** (min(0.0, delivery.gain_db) / 20)
    if delivery.name == "shout":
        out = (np.tanh(out * 1.8) / np.tanh(1.8) * 0.9).astype(np.float32)
    return out


def _whisper(snd, call):
    import parselmouth

    low = snd.resample(11025)
    lpc = call(low, "To LPC (burg)", 12, 0.025, 0.005, 50.0)
    noise = call(
        "Create Sound from formula", "noise", 1, 0, low.duration, 11025, "randomGauss(0,0.1)"
    )
    out = call([lpc, noise], "Filter", "no")
    envelope = np.convolve(np.abs(low.values[0]), np.ones(220) / 220, mode="same")
    values = out.values[0] / (np.abs(out.values[0]).max() + 1e-9)
    values = values * envelope / (envelope.max() + 1e-9)
    return parselmouth.Sound(values, sampling_frequency=11025).resample(snd.sampling_frequency)


def _sing(snd, f0: float, call):
    manipulation = call(snd, "To Manipulation", 0.01, 60, 500)
    tier = call("Create PitchTier", "tune", 0, snd.duration)
    t, k = 0.0, 0
    while t < snd.duration:
        hz = f0 * 2 ** (_TUNE[k % len(_TUNE)] / 12)
        call(tier, "Add point", t + 0.02, hz)
        call(tier, "Add point", t + 0.38, hz)
        t, k = t + 0.4, k + 1
    call([tier, manipulation], "Replace pitch tier")
    return call(manipulation, "Get resynthesis (overlap-add)")


def measure_voice(samples: np.ndarray, *, rate: int) -> dict[str, float]:
    """Median F0 and median F1/F2 over voiced frames (Praat; formant ceiling 5000 Hz for a
    median pitch under 165 Hz, else 5500, the usual male/female settings)."""
    import parselmouth

    snd = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=rate)
    pitch = snd.to_pitch_ac(time_step=0.01, pitch_floor=60, pitch_ceiling=500)
    f0 = pitch.selected_array["frequency"]
    voiced = f0 > 0
    if not voiced.any():
        return {"f0": 0.0, "f1": 0.0, "f2": 0.0}
    median = float(np.median(f0[voiced]))
    formant = snd.to_formant_burg(
        time_step=0.01, max_number_of_formants=5, maximum_formant=5000 if median < 165 else 5500
    )
    times = pitch.xs()[voiced]
    f1 = np.nanmedian([formant.get_value_at_time(1, t) for t in times])
    f2 = np.nanmedian([formant.get_value_at_time(2, t) for t in times])
    return {"f0": median, "f1": float(f1), "f2": float(f2)}
