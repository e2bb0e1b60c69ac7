"""The core flow on real S3: a SeaweedFS server (tests/s3_server.py) started for the session."""

import urllib.request

import pytest
from django.core.files.storage import default_storage

from media_library.models import Video
from media_library.services import video_process
from tests.media_library.conftest import temp_files, upload

pytestmark = pytest.mark.slow


def test_upload_process_stream_and_delete_on_s3(
    auth_client, videos, s3, django_capture_on_commit_callbacks
):
    client, bucket, keys = s3
    assert default_storage.__class__.__name__ == "S3Storage"

    # upload: the original lands in the bucket under a server-made key
    response = upload(auth_client, videos["hd720"], name="camera.mkv")
    assert response.status_code == 201, response.json()
    video = Video.objects.get(id=response.json()["id"])
    assert keys() == [f"videos/{video.key}/original.mkv"]
    assert temp_files() == []

    # processing: downloads to a temp copy, uploads renditions + thumbnail, drops the original
    video_process(video_id=video.id)
    video.refresh_from_db()
    assert video.status == Video.Status.COMPLETED, video.error
    assert video.available_renditions == ["720p", "480p"]
    assert keys() == sorted(
        [f"videos/{video.key}/{n}" for n in ("720p.mp4", "480p.mp4", "thumbnail.jpg")]
    )
    assert temp_files() == []

    # streaming: a 302 to a presigned URL that serves byte ranges itself
    stream = auth_client.get(f"/api/v1/videos/{video.id}/stream?rendition=720p")
    assert stream.status_code == 302
    location = stream["Location"]
    assert "X-Amz-Signature=" in location
    expected = client.get_object(Bucket=bucket, Key=video.rendition_720p.name)["Body"].read()
    ranged = urllib.request.urlopen(
        urllib.request.Request(location, headers={"Range": "bytes=100-1099"}), timeout=10
    )
    assert ranged.status == 206
    assert ranged.read() == expected[100:1100]
    thumb = auth_client.get(f"/api/v1/videos/{video.id}/thumbnail")
    assert thumb.status_code == 302

    # delete: every object of the video is gone from the bucket, even one the row does not
    # name (left by a processing run that died before recording it)
    client.put_object(Bucket=bucket, Key=f"videos/{video.key}/1080p_orphan.mp4", Body=b"x")
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(f"/api/v1/videos/{video.id}").status_code == 204
    assert keys() == []


def test_refused_upload_leaves_nothing_in_the_bucket(auth_client, videos, s3):
    _, _, keys = s3
    response = upload(auth_client, videos["text"], name="movie.mp4")
    assert response.status_code == 415
    assert keys() == [] and temp_files() == []


def test_a_large_stored_file_reaches_local_disk_without_passing_whole_through_memory(s3):
    """ffmpeg reads a local copy of an S3 original (filmstudio.files.local_copy): the copy
    goes from S3 into the file a chunk at a time; django-storages' own file would have held
    the whole object in memory first."""
    import hashlib
    import os
    import tracemalloc

    from django.core.files.base import ContentFile

    from filmstudio.files import local_copy

    size = 48 * 1024 * 1024
    data = os.urandom(1024 * 1024) * 48
    name = default_storage.save("videos/big/original.mp4", ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    del data
    tracemalloc.start()
    try:
        with local_copy(name) as path:
            peak = tracemalloc.get_traced_memory()[1]
            assert os.path.getsize(path) == size
            with open(path, "rb") as copied:
                assert hashlib.file_digest(copied, "sha256").hexdigest() == digest
    finally:
        tracemalloc.stop()
    assert peak < size / 8, f"{peak / 2**20:.1f} MiB held for a {size / 2**20:.0f} MiB file"
    assert temp_files() == []
