"""Media library benchmark, one run, a markdown table on stdout.

1. Processing a video through `video_process` vs the same ffmpeg commands run by hand
   (target: within 1.05x).
1b. Watchable sooner (`--only playable`): a web-ready upload, upload complete → playable
   (`video_process`: probe, remux, thumbnail, stored), against a full transcode of the same
   file in the same run (target: ≤ 0.1x), and until its lower renditions have landed.
2. Streaming a 200 MB file by 8 MB ranges through the Django view vs reading it from disk.
3. The upload-time truncation check vs ffprobe vs a full demux on a 1080p 30 s MP4.
4. Peak RSS growth of a gunicorn web worker while it receives a 1 GB multipart upload
   through POST /api/v1/videos (target: under 64 MB), from /proc/<pid>/status VmHWM.

`--only NAME[,NAME]` runs only those parts (processing, playable, probe, streaming,
upload-memory): the machine is shared.

Needs DATABASE_URL (PostgreSQL; migrated here) like the tests. MEDIA_X264_PRESET defaults
to veryfast here so the run stays short; the ratios do not depend on the preset.
"""

import argparse
import http.client
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="media-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")
os.environ.setdefault("MEDIA_X264_PRESET", "veryfast")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["CELERY_BROKER_URL"] = "memory://"  # processing is timed here, not queued

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.authentication import refresh_token_for  # noqa: E402
from accounts.models import User  # noqa: E402
from media_library import transcode  # noqa: E402
from media_library.models import Video  # noqa: E402
from media_library.probe import probe_video, run_ffprobe  # noqa: E402
from media_library.services import video_process, video_renditions_process  # noqa: E402
from media_library.truncation import truncation_problem  # noqa: E402

MB = 1024 * 1024
rows: list[tuple[str, str, str]] = []


# Runs of each processing measurement (interleaved with its floor).
REPEATS = 3


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_with_cpu(fn) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and the ffmpeg it waited for): the CPU
    figure is the work done, untouched by what else the 2 cores were doing."""
    cpu, start = _cpu_seconds(), time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu_seconds() - cpu


def make_video_row(user, source: Path, ext: str) -> Video:
    video = Video(title="bench", uploaded_by=user, original_size=source.stat().st_size)
    name = f"videos/{video.key}/original.{ext}"
    target = Path(os.environ["MEDIA_ROOT"]) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    video.original.name = name
    video.save()
    return video


def _sources() -> tuple[Path, Path]:
    """1080p, 20 s: MPEG-4 part 2 in MKV (the full transcode path, 1080p + 720p + 480p),
    and the same picture as web-ready H.264/AAC MP4 (the remux path). Made once."""
    src, ready = WORK / "src1080.mkv", WORK / "ready1080.mp4"
    if not src.exists():
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=20",
               "-f", "lavfi", "-i", "sine=duration=20", "-c:v", "mpeg4", "-q:v", "3",
               "-c:a", "libmp3lame", "-shortest", str(src))  # fmt: skip
        ffmpeg("-i", str(src), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
               "-c:a", "aac", str(ready))  # fmt: skip
    return src, ready


def bench_processing(user) -> None:
    # Processing adds a fixed ~0.15 s to the raw command (the service probes the file again and
    # copies it through storage); 20 s is a short real upload, and shows the per-second cost.
    src, ready = _sources()

    def raw(path: Path):
        probe = probe_video(str(path))
        out = WORK / f"raw-{path.stem}"
        out.mkdir(exist_ok=True)
        plans = transcode.plan_renditions(probe)
        plans = plans[:1] if probe.web_ready else plans  # what video_process encodes itself
        outputs = {p.rendition: str(out / f"{p.rendition}.mp4") for p in plans}
        cmd = transcode.build_command(source=str(path), probe=probe, outputs=outputs, plans=plans)
        thumb = transcode.build_thumbnail_command(
            source=str(path), probe=probe, output=str(out / "t.jpg")
        )
        return lambda: (subprocess.run(cmd, check=True), subprocess.run(thumb, check=True))

    for label, path, ext in (("transcode (MKV/MPEG-4 1080p, 20 s)", src, "mkv"),
                             ("remux (web-ready H.264/AAC 1080p, 20 s)", ready, "mp4"),
                             ):  # fmt: skip
        # Interleaved runs, medians: one encode on 2 shared cores varies by several % in wall
        # time, so the CPU time (the work done) is reported beside it.
        raw_runs, service_runs = [], []
        for _ in range(REPEATS):
            raw_runs.append(timed_with_cpu(raw(path)))
            video = make_video_row(user, path, ext)
            service_runs.append(timed_with_cpu(lambda v=video: video_process(video_id=v.id)))
            video.refresh_from_db()
            assert video.status == Video.Status.COMPLETED, video.error
        raw_wall, raw_cpu = (statistics.median(x) for x in zip(*raw_runs, strict=True))
        wall, cpu = (statistics.median(x) for x in zip(*service_runs, strict=True))
        result = (
            f"wall {wall:.2f} s vs raw ffmpeg {raw_wall:.2f} s; CPU {cpu:.2f} s vs "
            f"{raw_cpu:.2f} s (medians of {REPEATS})"
        )
        ratios = f"wall {wall / raw_wall:.3f}x, CPU {cpu / raw_cpu:.3f}x (target ≤ 1.05x)"
        rows.append((f"processing: {label}", result, ratios))


def bench_playable(user) -> None:
    """Upload complete → playable for a web-ready file, against a full transcode (every
    rendition encoded, none copied: what a non-web-ready upload of it would cost) of the
    same file, interleaved, medians; and until its lower renditions have landed."""
    _, ready = _sources()
    probe = probe_video(str(ready))
    plans = [transcode.RenditionPlan(p.rendition, p.lines, copy=False)
             for p in transcode.plan_renditions(probe)]  # fmt: skip
    out = WORK / "forced"
    out.mkdir(exist_ok=True)
    outputs = {p.rendition: str(out / f"{p.rendition}.mp4") for p in plans}
    forced = transcode.build_command(source=str(ready), probe=probe, outputs=outputs, plans=plans)
    full_runs, playable_runs, landed_runs = [], [], []
    for _ in range(REPEATS):
        full_runs.append(timed(lambda: subprocess.run(forced, check=True)))
        video = make_video_row(user, ready, "mp4")  # the upload is complete: row + original
        start = time.perf_counter()
        video_process(video_id=video.id)
        playable_runs.append(time.perf_counter() - start)
        video.refresh_from_db()
        assert video.status == Video.Status.COMPLETED, video.error
        assert video.renditions_pending, "the lower renditions must still be to come"
        video_renditions_process(video_id=video.id)
        landed_runs.append(time.perf_counter() - start)
        video.refresh_from_db()
        assert video.available_renditions == ["1080p", "720p", "480p"], video.stream_info
    full, playable, landed = (statistics.median(x) for x in (full_runs, playable_runs, landed_runs))
    rows.append(("watchable sooner: upload complete → playable (web-ready H.264/AAC 1080p, 20 s) "
                 "vs full transcode of the same file",
                 f"{playable:.2f} s vs {full:.2f} s; every rendition landed at {landed:.2f} s "
                 f"(medians of {REPEATS})",
                 f"{playable / full:.3f}x (target ≤ 0.1x); all landed "
                 f"{landed / full:.2f}x"))  # fmt: skip


def bench_acceptance_probe() -> None:
    # What the upload-time probe costs on a 1080p 30 s +faststart MP4: ffprobe (headers),
    # the truncation check (declared atom sizes vs file size), and the alternative we did
    # not take, a full packet demux (`-c copy -f null`, reads every byte). Best of 5.
    src = WORK / "accept1080.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=30",
           "-f", "lavfi", "-i", "sine=duration=30", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart",
           str(src))  # fmt: skip
    fmt = probe_video(str(src)).format_name
    demux = ["ffmpeg", "-nostdin", "-v", "error", "-xerror", "-protocol_whitelist", "file",
             "-i", f"file:{src}", "-map", "0", "-c", "copy", "-f", "null", "-"]  # fmt: skip

    def best(fn) -> float:
        return min(timed(fn) for _ in range(5))

    size = src.stat().st_size / MB
    check = best(lambda: truncation_problem(str(src), fmt))
    probe = best(lambda: run_ffprobe(str(src)))
    full = best(lambda: subprocess.run(demux, check=True))
    rows.append((f"acceptance: truncation check, 1080p 30 s MP4 ({size:.0f} MB)",
                 f"{check * 1e6:.0f} µs (ffprobe {probe * 1e3:.0f} ms)",
                 f"full demux check would be {full * 1e3:.0f} ms"))  # fmt: skip


def bench_streaming(user) -> None:
    video = Video(title="stream", uploaded_by=user, status=Video.Status.COMPLETED)
    name = f"videos/{video.key}/1080p.mp4"
    path = Path(os.environ["MEDIA_ROOT"]) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for _ in range(200):
            handle.write(os.urandom(MB))
    video.rendition_1080p.name = name
    video.save()
    size = path.stat().st_size
    step = 8 * MB

    def disk():
        with open(path, "rb") as handle:
            while handle.read(step):
                pass

    client = Client()

    def view():
        got = 0
        for start in range(0, size, step):
            end = min(start + step, size) - 1
            response = client.get(
                f"/api/v1/videos/{video.id}/stream", HTTP_RANGE=f"bytes={start}-{end}"
            )
            assert response.status_code == 206
            for chunk in response.streaming_content:
                got += len(chunk)
        assert got == size

    disk()  # warm the page cache for both
    disk_time, view_time = timed(disk), timed(view)
    rows.append(("stream 200 MB by 8 MB ranges (Django view, in-process client)",
                 f"{size / MB / view_time:.0f} MB/s vs disk read {size / MB / disk_time:.0f} MB/s",
                 f"{view_time / disk_time:.2f}x disk time"))  # fmt: skip


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def bench_upload_memory(user) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "filmstudio.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "600"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        token = str(refresh_token_for(user).access_token)
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/videos")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        worker = int(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                    text=True, check=True).stdout.split()[0])  # fmt: skip
        # A real (faststart) MP4 followed by ~1 GB of padding the demuxer skips.
        head = WORK / "head.mp4"
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:duration=2", "-c:v", "libx264",
               "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(head))  # fmt: skip
        head_bytes = head.read_bytes()
        padding = 1024 * MB - len(head_bytes)
        boundary = "benchboundary7d3"
        pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nbig\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode()  # fmt: skip
        post = f"\r\n--{boundary}--\r\n".encode()
        total = len(pre) + len(head_bytes) + padding + len(post)
        before = _vm_hwm_kb(worker)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.putrequest("POST", "/api/v1/videos")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(total))
        conn.endheaders()
        start = time.perf_counter()
        conn.send(pre + head_bytes)
        zeros = bytes(4 * MB)
        left = padding
        while left:
            piece = zeros[: min(left, len(zeros))]
            conn.send(piece)
            left -= len(piece)
        conn.send(post)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        after = _vm_hwm_kb(worker)
        status = response.status
        growth = (after - before) / 1024
        rows.append(("1 GB multipart upload: web worker peak RSS growth (VmHWM)",
                     f"{growth:.1f} MB (HTTP {status}, {1024 / elapsed:.0f} MB/s)",
                     "target < 64 MB" + ("" if status == 201 else f" {body[:120]!r}")))  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)


PARTS = {
    "processing": bench_processing,
    "playable": bench_playable,
    "probe": lambda user: bench_acceptance_probe(),
    "streaming": bench_streaming,
    "upload-memory": bench_upload_memory,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    chosen = [name.strip() for name in parser.parse_args().only.split(",") if name.strip()]
    unknown = set(chosen) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(email="media-bench@example.com")
    try:
        for name in chosen:
            PARTS[name](user)
    finally:
        Video.objects.filter(uploaded_by=user).delete()
        user.delete()
        shutil.rmtree(WORK, ignore_errors=True)
    print("| measurement | result | ratio / target |")
    print("| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
