"""Resumable uploads over the tus 1.0 protocol (core, creation, termination)."""

import base64
import io

import pytest
from django.core.files.storage import default_storage

from filmstudio.models import SiteConfig
from media_library.models import UploadSession, Video
from media_library.services.quota import quota_used
from tests.media_library.conftest import stored_files, temp_files

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def _meta(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client, length: int, **meta):
    meta.setdefault("title", "Big upload")
    return client.post(
        "/api/v1/uploads", HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=_meta(**meta), **TUS
    )


def patch(client, location: str, offset: int, data: bytes, **extra):
    return client.generic(
        "PATCH",
        location,
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
        **extra,
    )


class DroppedConnection(io.RawIOBase):
    """A request body whose client vanishes after `keep` bytes."""

    def __init__(self, data: bytes, keep: int):
        self._data, self._keep, self._pos = data, keep, 0

    def read(self, size: int = -1) -> bytes:
        if self._pos >= self._keep:
            raise ConnectionResetError("client went away")
        end = min(self._keep, self._pos + (size if size >= 0 else len(self._data)))
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk


def test_options_advertises_the_protocol(api_client, db):
    response = api_client.options("/api/v1/uploads")
    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination"}
    assert int(response["Tus-Max-Size"]) > 0


def test_upload_in_chunks_becomes_a_video_with_identical_bytes(auth_client, videos, settings):
    settings.MEDIA_UPLOAD_CHUNK_SIZE = 4096  # many reads per PATCH
    data = videos["mp4"].read_bytes()
    created = create(auth_client, len(data), filename="trip.mp4", description="d")
    assert created.status_code == 201, created.content
    location = created["Location"]
    assert quota_used(user=auth_client.user) == len(data)  # reserved before any byte

    offset = 0
    for piece in (data[:10000], data[10000:30000], data[30000:]):
        response = patch(auth_client, location, offset, piece)
        assert response.status_code == 204, response.content
        offset += len(piece)
        assert response["Upload-Offset"] == str(offset)

    video = Video.objects.get(id=response["Video-Id"])
    assert (video.title, video.original_filename, video.status) == (
        "Big upload",
        "trip.mp4",
        "pending",
    )
    assert default_storage.open(video.original.name).read() == data
    assert temp_files() == []
    assert quota_used(user=auth_client.user) == len(data)


def test_interrupted_upload_resumes_from_head_offset_to_an_identical_file(auth_client, videos):
    data = videos["mkv"].read_bytes()
    location = create(auth_client, len(data))["Location"]

    # the connection drops after 40% of the body
    keep = len(data) * 4 // 10
    dropped = patch(
        auth_client,
        location,
        0,
        b"",
        CONTENT_LENGTH=str(len(data)),
        **{"wsgi.input": DroppedConnection(data, keep)},
    )
    assert dropped.status_code == 204

    # the client asks where to resume, and sends the rest
    head = auth_client.head(location, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == str(keep)
    assert head["Upload-Length"] == str(len(data))
    assert head["Cache-Control"] == "no-store"
    done = patch(auth_client, location, keep, data[keep:])
    assert done.status_code == 204

    video = Video.objects.get(id=done["Video-Id"])
    assert default_storage.open(video.original.name).read() == data


def test_wrong_offset_is_409_and_nothing_is_written(auth_client, videos):
    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]
    assert patch(auth_client, location, 0, data[:100]).status_code == 204
    response = patch(auth_client, location, 50, data[50:200])
    assert (response.status_code, response.json()["code"]) == (409, "offset_mismatch")
    assert auth_client.head(location, **TUS)["Upload-Offset"] == "100"


def test_protocol_errors(auth_client, videos):
    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]
    no_version = auth_client.post("/api/v1/uploads", HTTP_UPLOAD_LENGTH="10")
    assert no_version.status_code == 412 and no_version["Tus-Version"] == "1.0.0"
    wrong_type = auth_client.generic(
        "PATCH", location, b"xx", content_type="application/json", HTTP_UPLOAD_OFFSET="0", **TUS
    )
    assert wrong_type.status_code == 415
    too_long = patch(auth_client, location, 0, data + b"extra")
    assert (too_long.status_code, too_long.json()["code"]) == (413, "file_too_large")
    assert auth_client.head(location, **TUS)["Upload-Offset"] == "0"
    no_title = auth_client.post(
        "/api/v1/uploads", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=_meta(filename="a"), **TUS
    )
    assert no_title.status_code == 400
    assert create(auth_client, -1).status_code == 400


def test_declared_size_over_the_maximum_or_the_quota_is_refused_before_any_byte(auth_client):
    SiteConfig.objects.update_or_create(
        id=1, defaults={"max_file_size_bytes": 10_000, "weekly_upload_quota_bytes": 15_000}
    )
    too_big = create(auth_client, 10_001)
    assert (too_big.status_code, too_big.json()["code"]) == (413, "file_too_large")
    assert create(auth_client, 9_000).status_code == 201
    over_quota = create(auth_client, 9_000)
    assert (over_quota.status_code, over_quota.json()["code"]) == (429, "quota_exceeded")
    assert over_quota["Tus-Resumable"] == "1.0.0"
    assert UploadSession.objects.count() == 1
    assert quota_used(user=auth_client.user) == 9_000


def test_completed_upload_that_is_not_a_video_is_refused_and_cleaned_up(auth_client, videos):
    data = videos["text"].read_bytes()
    location = create(auth_client, len(data), filename="movie.mp4")["Location"]
    response = patch(auth_client, location, 0, data)
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert temp_files() == [] and stored_files() == []
    assert quota_used(user=auth_client.user) == 0
    assert not Video.objects.exists()


def test_termination_frees_bytes_and_quota(auth_client, videos):
    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]
    patch(auth_client, location, 0, data[:1000])
    response = auth_client.delete(location, **TUS)
    assert response.status_code == 204
    assert temp_files() == []
    assert quota_used(user=auth_client.user) == 0
    assert auth_client.head(location, **TUS).status_code == 404


def test_someone_elses_upload_does_not_exist(auth_client, make_client, other_user, videos):
    location = create(auth_client, 1000)["Location"]
    stranger = make_client(other_user)
    assert stranger.head(location, **TUS).status_code == 404
    assert patch(stranger, location, 0, b"x").status_code == 404
    assert stranger.delete(location, **TUS).status_code == 404


@pytest.mark.parametrize("header", ["", "abc", "-5"])
def test_bad_upload_length(auth_client, header):
    response = auth_client.post("/api/v1/uploads", HTTP_UPLOAD_LENGTH=header, **TUS)
    assert response.status_code == 400


def test_termination_waits_for_a_patch_in_progress(auth_client, videos):
    # given an upload whose file a PATCH is writing right now (it holds the upload's lock)
    import fcntl

    from media_library.services.resumable import session_path

    data = videos["mp4"].read_bytes()
    location = create(auth_client, len(data))["Location"]
    session = UploadSession.objects.get()
    with open(session_path(session), "r+b") as busy:
        fcntl.flock(busy, fcntl.LOCK_EX)

        # when the client (or the maintenance) terminates it meanwhile
        response = auth_client.delete(location, **TUS)

        # then it is told to retry, and neither the bytes nor the reservation are pulled
        assert (response.status_code, response.json()["code"]) == (423, "upload_locked")
        assert response["Tus-Resumable"] == "1.0.0"
        assert session_path(session).exists()
        assert quota_used(user=auth_client.user) == len(data)

    # once the PATCH is done, termination works and releases the reservation once
    assert auth_client.delete(location, **TUS).status_code == 204
    assert quota_used(user=auth_client.user) == 0 and temp_files() == []
    assert auth_client.delete(location, **TUS).status_code == 404
