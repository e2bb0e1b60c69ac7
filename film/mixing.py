"""The film's soundtrack before mastering.

Voices are centred (the same on both channels); the score and the scene ambience are stereo.
Levels are set by measuring the stems (ITU BS.1770 integrated loudness, `lufs`), so
the stated differences hold whatever the script: the score sits `MUSIC_UNDER_DIALOGUE_LU`
under the dialogue while someone speaks, ducked by `DUCK_DB` (so it is that much louder in
the intro, the outro and between lines), and the ambience `AMBIENCE_UNDER_DIALOGUE_LU` under.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import sosfilt

from film.audio import SAMPLE_RATE as RATE

MUSIC_UNDER_DIALOGUE_LU = 20.0  # 18-22 LU: audible under speech, never competing with it
DUCK_DB = 7.0  # 6-8 dB: the score rises between lines and in the intro and outro
AMBIENCE_UNDER_DIALOGUE_LU = 24.0  # a bed of place, under the score
DUCK_ATTACK_SECONDS = 0.3
DUCK_RELEASE_SECONDS = 0.8


# ITU-R BS.1770-4's K-weighting at 48 kHz (a high shelf, then a high pass) as second-order
# sections (b0, b1, b2, a0, a1, a2).
K_WEIGHTING = np.array(
    [
        [
            1.53512485958697,
            -2.69169618940638,
            1.19839281085285,
            1.0,
            -1.69065929318241,
            0.73248077421585,
        ],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ]
)
BLOCK, HOP = RATE * 4 // 10, RATE // 10  # 400 ms gating blocks, 75% overlap


def lufs(x: np.ndarray) -> float:
    """Integrated loudness (ITU-R BS.1770-4: K-weighted, 400 ms blocks, absolute gate at -70
    LUFS, relative gate 10 LU under) of float samples at 48 kHz, mono or (n, 2); -inf when
    silent or shorter than a block. In numpy: the same figure as ffmpeg's ebur128 (to its 0.1
    LU display) at a tenth of the cost of piping the stem through ffmpeg."""
    stereo = x if x.ndim == 2 else np.repeat(x[:, None], 2, axis=1)
    power = (sosfilt(K_WEIGHTING, stereo.astype(np.float64), axis=0) ** 2).sum(axis=1)
    if power.size < BLOCK:
        return float("-inf")
    total = np.concatenate([[0.0], np.cumsum(power)])
    starts = np.arange(0, power.size - BLOCK + 1, HOP)
    blocks = (total[starts + BLOCK] - total[starts]) / BLOCK
    blocks = blocks[blocks > 10 ** ((-70 + 0.691) / 10)]
    if blocks.size == 0:
        return float("-inf")
    relative = blocks.mean() / 10  # 10 LU under the loudness of the blocks above -70 LUFS
    return float(-0.691 + 10 * np.log10(blocks[blocks > relative].mean()))


def speech_mask(speech: list[tuple[float, float]], n: int) -> np.ndarray:
    mask = np.zeros(n, bool)
    for start, end in speech:
        mask[max(0, round(start * RATE)) : round(end * RATE)] = True
    return mask


def duck_gain(
    speech: list[tuple[float, float]], n: int, *, depth_db: float = DUCK_DB
) -> np.ndarray:
    """Linear gain for the score: 1 in the clear, -`depth_db` dB under speech, smooth ramps
    that start before a line and release after it (on a 10 ms grid)."""
    grid = np.arange(0, n / RATE + 0.01, 0.01)
    depth = np.zeros(grid.size)
    for start, end in speech:
        rise = np.clip((grid - (start - DUCK_ATTACK_SECONDS)) / DUCK_ATTACK_SECONDS, 0, 1)
        fall = np.clip(1 - (grid - end) / DUCK_RELEASE_SECONDS, 0, 1)
        depth = np.maximum(depth, np.minimum(rise, fall))
    fine = np.interp(np.arange(n) / RATE, grid, depth)
    return (10 ** (-depth_db * fine / 20)).astype(np.float32)


def _fit(x: np.ndarray | None, n: int) -> np.ndarray | None:
    if x is None:
        return None
    out = np.zeros((n, 2), np.float32)
    out[: min(n, x.shape[0])] = x[:n]
    return out


def mix_soundtrack(
    voice: np.ndarray,
    speech: list[tuple[float, float]],
    *,
    music: np.ndarray | None = None,
    ambience: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """Stereo `(n, 2)` mix of the mono `voice` stem (lines in place) with the stems; returns
    it and the measured figures (LU under the dialogue)."""
    n = voice.shape[0]
    out = np.repeat(voice[:, None], 2, axis=1).astype(np.float32)
    speaking = speech_mask(speech, n)
    figures: dict[str, float] = {}
    dialogue = lufs(out[speaking]) if speaking.any() else float("-inf")
    figures["dialogue_lufs"] = dialogue
    music, ambience = _fit(music, n), _fit(ambience, n)
    if music is not None and np.isfinite(dialogue):
        ducked = music * duck_gain(speech, n)[:, None]
        under = lufs(ducked[speaking])
        if np.isfinite(under):
            ducked *= 10 ** ((dialogue - MUSIC_UNDER_DIALOGUE_LU - under) / 20)
            figures["music_under_speech_lu"] = dialogue - lufs(ducked[speaking])
            if (~speaking).any():
                figures["music_in_the_clear_lu"] = dialogue - lufs(ducked[~speaking])
        out += ducked
    elif music is not None:  # nobody speaks: the score alone
        out += music
    if ambience is not None and np.isfinite(dialogue):
        level = lufs(ambience)
        if np.isfinite(level):
            ambience = ambience * 10 ** ((dialogue - AMBIENCE_UNDER_DIALOGUE_LU - level) / 20)
            figures["ambience_under_dialogue_lu"] = dialogue - lufs(ambience)
            out += ambience
    return out, figures
