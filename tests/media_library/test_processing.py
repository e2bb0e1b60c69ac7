"""Processing: renditions from one ffmpeg run, remux of web-ready input, failures, publish."""

import json
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from filmstudio.models import SiteConfig
from media_library import transcode
from media_library.models import Video
from media_library.probe import probe_video
from media_library.services import video_process, video_renditions_process
from projects.models import Asset
from tests.factories import ProjectFactory
from tests.media_library.conftest import stored_files, upload

pytestmark = pytest.mark.slow


def _streams(name: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json",
         default_storage.path(name)],
        capture_output=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def _processed(client, path: Path) -> Video:
    response = upload(client, path)
    assert response.status_code == 201, response.json()
    video_process(video_id=response.json()["id"])
    return Video.objects.get(id=response.json()["id"])


def test_720p_source_gets_720p_and_480p_from_one_ffmpeg_run_and_no_1080p(auth_client, videos):
    # given a 1280x720 MPEG-4 part 2 source; when processed (ffmpeg calls are counted)
    real_run = transcode.run_ffmpeg
    with mock.patch.object(transcode, "run_ffmpeg", side_effect=real_run) as run:
        video = _processed(auth_client, videos["hd720"])

    # then: 720p and 480p H.264/AAC renditions, no upscaled 1080p, one run + one thumbnail
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["720p", "480p"]
    assert run.call_count == 2
    encode_command = run.call_args_list[0].args[0]
    assert "split=2[s0][s1]" in " ".join(encode_command)
    assert encode_command[encode_command.index("-protocol_whitelist") + 1] == "file,pipe"
    for rendition, height in (("720p", 720), ("480p", 480)):
        info = _streams(video.rendition_file(rendition).name)
        v = next(s for s in info["streams"] if s["codec_type"] == "video")
        a = next(s for s in info["streams"] if s["codec_type"] == "audio")
        assert (v["codec_name"], v["height"], v["pix_fmt"]) == ("h264", height, "yuv420p")
        assert a["codec_name"] == "aac"
    assert video.stream_info["remuxed"] is False
    # +faststart: the index (moov) comes before the media data
    data = default_storage.open(video.rendition_720p.name).read()
    assert data.index(b"moov") < data.index(b"mdat")


def test_web_ready_source_is_remuxed_not_reencoded(auth_client, videos):
    # given a web-ready 720p H.264/AAC MP4
    source = probe_video(str(videos["hd720_ready"]))
    assert source.web_ready

    # when processed (the remux, then the lower renditions' task)
    video = _processed(auth_client, videos["hd720_ready"])
    assert video.available_renditions == ["720p"]
    video = video_renditions_process(video_id=video.id)

    # then the 720p rendition carries the very same video packets (copy), 480p is encoded
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.stream_info["remuxed"] is True
    assert video.available_renditions == ["720p", "480p"]

    def packets(path: str) -> list[str]:
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
             "packet=size,pts", "-of", "csv=p=0", path],
            capture_output=True, check=True, text=True,
        )  # fmt: skip
        return out.stdout.split()

    assert packets(default_storage.path(video.rendition_720p.name)) == packets(
        str(videos["hd720_ready"])
    )
    assert _streams(video.rendition_480p.name)["streams"][0]["height"] == 480


def test_plan_never_upscales_and_names_tiers_by_short_side():
    def plan(width, height, web_ready=False):
        probe = mock.Mock(short_side=min(width, height), web_ready=web_ready)
        return [(p.rendition, p.lines, p.copy) for p in transcode.plan_renditions(probe)]

    assert plan(3840, 2160) == [("1080p", 1080, False), ("720p", 720, False), ("480p", 480, False)]
    assert plan(1920, 1080, True) == [
        ("1080p", 1080, True),
        ("720p", 720, False),
        ("480p", 480, False),
    ]
    assert plan(1080, 1920) == [("1080p", 1080, False), ("720p", 720, False), ("480p", 480, False)]
    assert plan(1600, 900) == [("1080p", 900, False), ("720p", 720, False), ("480p", 480, False)]
    assert plan(640, 480) == [("480p", 480, False)]
    assert plan(320, 240) == [("480p", 240, False)]


def test_thumbnail_is_taken_at_one_second_or_ten_percent_of_short_videos():
    assert transcode.thumbnail_at(60) == 1.0
    assert transcode.thumbnail_at(2) == pytest.approx(0.2)


def test_original_is_kept_when_the_site_keeps_originals(auth_client, videos):
    SiteConfig.objects.update_or_create(id=1, defaults={"keep_originals": True})
    video = _processed(auth_client, videos["mkv"])
    assert video.original and default_storage.exists(video.original.name)
    assert video.storage_bytes == sum(default_storage.size(name) for name in video.stored_names())


def test_ffmpeg_failure_marks_the_video_failed_with_the_error(auth_client, videos):
    response = upload(auth_client, videos["mp4"])
    with mock.patch.object(
        transcode,
        "run_ffmpeg",
        side_effect=transcode.TranscodeError("ffmpeg ran past its 5 s limit."),
    ):
        video_process(video_id=response.json()["id"])
    video = Video.objects.get(id=response.json()["id"])
    assert video.status == Video.Status.FAILED
    assert "limit" in video.error
    assert video.available_renditions == []
    assert stored_files() == [video.original.name]  # kept for a retry, nothing half-written


def test_ffmpeg_is_killed_at_its_time_limit(settings):
    settings.MEDIA_FFMPEG_TIMEOUT = 0.5
    command = ["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=duration=30",
               "-f", "null", "-"]  # fmt: skip
    with pytest.raises(transcode.TranscodeError, match="limit"):
        transcode.run_ffmpeg(command)


def test_processing_is_idempotent(auth_client, videos):
    video = _processed(auth_client, videos["mp4"])
    files_before = stored_files()
    assert video_process(video_id=video.id) is None  # already completed: nothing happens
    assert stored_files() == files_before


def test_finished_film_is_published_without_reupload_and_remuxed(auth_client, videos):
    # given the user's project with a finished film asset (web-ready H.264/AAC MP4)
    project = ProjectFactory(owner=auth_client.user, title="The Lighthouse")
    data = videos["mp4"].read_bytes()
    asset = Asset(project=project, kind=Asset.Kind.FILM, size=len(data), content_type="video/mp4")
    asset.file.save("film.mp4", ContentFile(data))

    # when it is published
    response = auth_client.post(f"/api/v1/projects/{project.id}/publish", {}, format="json")

    # then a video exists, titled after the project, whose processing remuxes it
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "The Lighthouse"
    video = video_process(video_id=response.json()["id"])
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.stream_info["remuxed"] is True
    assert default_storage.exists(asset.file.name)  # the project keeps its film
    again = auth_client.post(f"/api/v1/projects/{project.id}/publish", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_published"


def test_publish_refuses_projects_without_film_and_other_peoples_projects(auth_client, other_user):
    mine = ProjectFactory(owner=auth_client.user)
    theirs = ProjectFactory(owner=other_user)
    no_film = auth_client.post(f"/api/v1/projects/{mine.id}/publish", {}, format="json")
    assert (no_film.status_code, no_film.json()["code"]) == (409, "no_film")
    assert (
        auth_client.post(f"/api/v1/projects/{theirs.id}/publish", {}, format="json").status_code
        == 404
    )


def test_every_ffmpeg_and_ffprobe_run_is_time_limited_and_local_files_only(auth_client, videos):
    # given spies on every subprocess the media library starts
    import media_library.probe as probe_module

    real_run = subprocess.run
    calls: list[tuple[list[str], float | None]] = []

    def spy(command, *args, **kwargs):
        calls.append((command, kwargs.get("timeout")))
        return real_run(command, *args, **kwargs)

    # when a video is uploaded (probed) and processed (probed, encoded, thumbnailed)
    with (
        mock.patch.object(probe_module.subprocess, "run", side_effect=spy),
        mock.patch.object(transcode.subprocess, "run", side_effect=spy),
    ):
        video = _processed(auth_client, videos["hd720"])

    # then each run had a time limit and only the file (and pipe) protocols
    assert video.status == Video.Status.COMPLETED, video.error
    assert [Path(c[0]).name for c, _ in calls] == ["ffprobe", "ffprobe", "ffmpeg", "ffmpeg"]
    for command, timeout in calls:
        assert timeout and timeout > 0
        allowed = command[command.index("-protocol_whitelist") + 1].split(",")
        assert set(allowed) <= {"file", "pipe"}
        inputs = [command[i + 1] for i, arg in enumerate(command) if arg == "-i"]
        assert all(i.startswith("file:") for i in inputs + [command[-1]])
