"""Camera moves over depth layers, encoded by ffmpeg (layers drawn once, moved per frame by
ffmpeg's crop/overlay expressions, never redrawn in Python).

pan_left / pan_right: every layer slides at its own speed (parallax); push_in / pull_out: a
slow zoom on the flattened layers; static: the flattened picture held. Rain and snow fall as a
scrolling tile; a storm adds lightning. Fades give the dip to black between scenes.

Clips are raw H.264 (Annex B): joined by byte concatenation they form one stream that the
compose muxes with exact frame timestamps (no gaps at joins, unlike concatenated MP4s).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from film import ffmpeg_cli
from film.scenery import DEPTH, LAYERS

MOTIONS = ("push_in", "pull_out", "pan_right", "pan_left", "static")
ZOOM = 1.08
PAN_SPEED = 70  # px/s of the nearest layer at 1080p scale
RAIN_DROPS = 220
PRESET = "superfast"


@dataclass(frozen=True)
class Segment:
    frames: int
    motion: str
    fade_in: int = 0
    fade_out: int = 0
    weather: str = "clear"
    outdoors: bool = True  # rain and snow fall in front of the camera only outside


def x264_args(fps: int, *, crf: int = 20, preset: str = "ultrafast") -> list[str]:
    """The delivery encoding of every clip: H.264 High, closed 2 s GOPs, no B-frames (YouTube
    asks for at most 2 in a row), capped at 8 Mb/s (YouTube's 1080p figure). x264's ultrafast
    analysis with CABAC and the deblocking filter put back: ~30% less CPU than superfast on
    drawn pictures, at a bitrate still far under the cap. Without B-frames the encode costs
    ~15-20% less CPU a frame for ~10% more bits (measured in docs/benchmarks.md)."""
    gop = 2 * fps
    params = (
        f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0"
        ":bframes=0:cabac=1:deblock=1,0,0:8x8dct=1"
    )
    return [
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-maxrate",
        "8M",
        "-bufsize",
        "16M",
        "-g",
        str(gop),
        "-bf",
        "0",
        "-x264-params",
        params,
        "-r",
        str(fps),
        "-threads",
        "1",
    ]


def flatten(layers: dict[str, Image.Image]) -> Image.Image:
    flat = layers["sky"].copy()
    for name in LAYERS[1:]:
        flat.alpha_composite(layers[name])
    return flat


def precipitation_tile(kind: str, w: int, h: int, folder: Path, seed: int = 7) -> str:
    """A transparent tile twice the frame height with rain streaks or snowflakes, made once
    per size in `folder` (the same for every render)."""
    path = Path(folder) / f"precipitation-{kind}-{w}x{h}-v1.png"
    if path.exists():
        return str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    im = Image.new("RGBA", (w, h * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    s = (w * h / (1920 * 1080)) ** 0.5
    if kind in ("rain", "storm"):
        for _ in range(int(RAIN_DROPS * s)):
            x, y = rng.uniform(0, w), rng.uniform(0, 2 * h)
            ln = rng.uniform(20, 46) * s
            d.line(
                [(x, y), (x - ln * 0.18, y + ln)],
                fill=(210, 220, 235, rng.randint(50, 110)),
                width=max(1, round(1.6 * s)),
            )
    else:
        for _ in range(int(500 * s)):
            x, y = rng.uniform(0, w), rng.uniform(0, 2 * h)
            r = rng.uniform(1.5, 4.5) * s
            d.ellipse([x - r, y - r, x + r, y + r], fill=(250, 250, 255, rng.randint(150, 230)))
        im = im.filter(ImageFilter.GaussianBlur(0.6))
    # Seamless vertical wrap: the lower half repeats the upper half.
    top = im.crop((0, 0, w, h))
    im.paste(top, (0, h))
    tmp = path.with_name(f".{path.name}.{random.getrandbits(32)}.png")
    im.save(tmp, compress_level=1)
    tmp.replace(path)
    return str(path)


def _save(im: Image.Image, path: Path) -> tuple[int, int, list[str]]:
    """Write the opaque part of a layer (its bbox) as raw RGBA; returns where it goes and the
    ffmpeg input arguments that read it."""
    box = im.getchannel("A").getbbox() or (0, 0, 2, 2)
    x0, y0 = box[0] & ~1, box[1] & ~1
    part = im.crop((x0, y0, box[2] + (box[2] - x0) % 2, box[3] + (box[3] - y0) % 2))
    return x0, y0, _raw(part, path)


def _raw(im: Image.Image, path: Path) -> list[str]:
    im = im if im.mode == "RGBA" else im.convert("RGBA")
    path.write_bytes(im.tobytes())
    return ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{im.width}x{im.height}", "-i", str(path)]


def render_segment(
    layers: dict[str, Image.Image],
    seg: Segment,
    *,
    size: tuple[int, int],
    fps: int,
    out_path: Path,
    work: Path,
    tiles: Path,
    seed: int = 0,
    crf: int = 20,
    preset: str = "ultrafast",
    cues: list | None = None,
) -> list[str]:
    """Encode one segment to raw H.264 at `out_path`, with `cues` ((first frame, last frame
    + 1, (caption image, box))) drawn in; returns the ffmpeg command."""
    W, H = size
    n = seg.frames
    work.mkdir(parents=True, exist_ok=True)
    inputs: list[str] = []
    chains: list[str] = []
    last = max(1, n - 1)
    if seg.motion in ("pan_left", "pan_right"):
        lw = layers["sky"].width
        travel = min(lw - W, PAN_SPEED * (H / 1080) * n / fps)
        sign = 1 if seg.motion == "pan_right" else -1
        for i, name in enumerate(LAYERS):
            x0, y0, args = _save(layers[name], work / f"{name}.rgba")
            inputs += args
            k = travel * DEPTH[name]
            start = (lw - W) / 2 - sign * k / 2
            # x of the frame's left edge inside the layer, moving by k over the segment
            pos = f"({start:.2f}+{sign * k:.3f}*n/{last})"
            if i == 0:
                chains.append(
                    f"[0]format=yuv420p,loop=loop={n - 1}:size=1,crop={W}:{H}:x='{pos}':y=0[v0]"
                )
            else:
                chains.append(f"[{i}]format=yuva420p,loop=loop={n - 1}:size=1[l{i}]")
                chains.append(
                    f"[v{i - 1}][l{i}]overlay=x='{x0}-{pos}':y={y0}:eval=frame:format=yuv420[v{i}]"
                )
        head = f"[v{len(LAYERS) - 1}]"
    else:
        flat = flatten(layers)
        lw = flat.width
        flat = flat.crop(((lw - W) // 2, 0, (lw - W) // 2 + W, H))
        inputs += _raw(flat, work / "flat.rgba")
        if seg.motion == "static":
            chains.append(f"[0]format=yuv420p,loop=loop={n - 1}:size=1[v0]")
        else:
            prog = f"(on/{last})"
            z = f"1+{ZOOM - 1}*{prog}" if seg.motion == "push_in" else f"{ZOOM}-{ZOOM - 1}*{prog}"
            chains.append(
                f"[0]zoompan=z='{z}':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d={n}:s={W}x{H}:fps={fps},format=yuv420p[v0]"
            )
        head = "[v0]"
    idx = sum(a == "-i" for a in inputs)
    if seg.weather in ("rain", "snow", "storm") and seg.outdoors:
        tile = precipitation_tile("snow" if seg.weather == "snow" else "rain", W, H, tiles)
        inputs += ["-i", tile]
        speed = (H / fps) * (1.6 if seg.weather != "snow" else 0.12)  # px per frame
        chains.append(f"[{idx}]format=yuva420p,loop=loop={n - 1}:size=1[p]")
        chains.append(
            f"{head}[p]overlay=x=0:y='-{H}+mod(n*{speed:.2f},{H})':eval=frame:format=yuv420[w]"
        )
        head = "[w]"
        if seg.weather == "storm":
            rng = random.Random(seed)
            flashes = [rng.randrange(0, max(1, n - 3)) for _ in range(max(1, n // (fps * 4)))]
            enable = "+".join(f"between(n,{f},{f + 2})" for f in flashes)
            chains.append(
                f"{head}drawbox=x=0:y=0:w=iw:h=ih:color=white@0.35:t=fill:enable='{enable}'[s]"
            )
            head = "[s]"
    for k, (a, b, (im, box)) in enumerate(cues or []):
        j = sum(a == "-i" for a in inputs)
        inputs += _raw(im, work / f"cue{k}.rgba")
        chains.append(f"[{j}]format=yuva420p,loop=loop={n - 1}:size=1[c{k}]")
        shown = f"enable='between(n,{a},{b - 1})'"
        chains.append(f"{head}[c{k}]overlay=x={box[0]}:y={box[1]}:{shown}:format=yuv420[cv{k}]")
        head = f"[cv{k}]"
    post = []
    if seg.fade_in:
        post.append(f"fade=t=in:s=0:n={seg.fade_in}")
    if seg.fade_out:
        post.append(f"fade=t=out:s={n - seg.fade_out}:n={seg.fade_out}")
    post.append(f"setpts=N/{fps}/TB")
    chains.append(f"{head}{','.join(post)}[out]")
    cmd = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-nostdin",
        *inputs,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[out]",
        "-frames:v",
        str(n),
        *x264_args(fps, crf=crf, preset=preset),
        "-an",
        "-f",
        "h264",
        str(out_path),
    ]
    ffmpeg_cli.run(cmd, stage="clips")
    return cmd


def frame_count(path: Path) -> int:
    """Frames in a raw H.264 clip (decoded, so it is the truth)."""
    out, _ = ffmpeg_cli.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
            "-f",
            "h264",
            str(path),
        ],
        stage="probe",
    )
    return int(out.decode().strip())
