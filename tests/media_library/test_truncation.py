"""Files cut short are refused at the probe, even when their index is intact."""

import subprocess
from pathlib import Path

import pytest

from media_library.probe import ProbeError, probe_video, run_ffprobe
from media_library.truncation import truncation_problem


def _cut(source: Path, folder: Path, fraction: float) -> Path:
    data = source.read_bytes()
    out = folder / f"cut-{fraction}-{source.name}"
    out.write_bytes(data[: int(len(data) * fraction)])
    return out


@pytest.mark.parametrize("container", ["mp4", "mov", "avi", "mkv", "webm", "faststart"])
@pytest.mark.parametrize("fraction", [0.5, 0.99])
def test_video_cut_short_is_refused_by_the_probe(videos, tmp_path, container, fraction):
    # given a real video of this container missing its tail
    cut = _cut(videos[container], tmp_path, fraction)

    # when it is probed, then it is refused (ffprobe itself notices a lost index; the size
    # check catches the rest) and the message never shows the server's path
    with pytest.raises(ProbeError) as refused:
        probe_video(str(cut))
    assert str(tmp_path) not in str(refused.value)
    if container not in ("mp4", "mov"):  # index first or none: only the size check sees it
        assert "cut short" in str(refused.value)


def test_faststart_mp4_cut_after_its_index_passes_ffprobe_alone(videos):
    # the case the size check exists for: ffprobe's header read sees a whole, valid file
    raw = run_ffprobe(str(videos["truncated_faststart"]))
    assert float(raw["format"]["duration"]) > 1.9
    assert "cut short" in truncation_problem(str(videos["truncated_faststart"]), "mov,mp4")


def test_mp4_cut_right_after_its_index_has_no_media_data(videos, tmp_path):
    data = videos["faststart"].read_bytes()
    head = tmp_path / "index-only.mp4"
    head.write_bytes(data[: data.index(b"mdat") - 4])
    assert "no media data" in truncation_problem(str(head), "mov,mp4")


@pytest.mark.parametrize("container", ["mp4", "mov", "avi", "mkv", "webm", "faststart"])
def test_complete_videos_pass(videos, container):
    assert (
        truncation_problem(str(videos[container]), probe_video(str(videos[container])).format_name)
        is None
    )


def test_fragmented_mp4_and_live_written_matroska_pass_the_size_check(tmp_path):
    # fragmented MP4 (moof/mdat pairs) and a Matroska written to a pipe (Segment of unknown
    # size: nothing to compare, so it is trusted)
    fragmented = tmp_path / "frag.mp4"
    live = tmp_path / "live.mkv"
    source = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
              "testsrc=size=160x120:rate=25:duration=2", "-c:v", "libx264", "-preset",
              "ultrafast", "-g", "25"]  # fmt: skip
    subprocess.run(
        [*source, "-movflags", "+frag_keyframe+empty_moov", str(fragmented)],
        check=True,
        timeout=60,
    )
    with open(live, "wb") as out:
        subprocess.run([*source, "-f", "matroska", "-"], stdout=out, check=True, timeout=60)
    assert truncation_problem(str(fragmented), "mov,mp4,m4a,3gp,3g2,mj2") is None
    assert truncation_problem(str(live), "matroska,webm") is None
