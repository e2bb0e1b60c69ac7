"""Byte-range streaming of stored files."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_library.models import Video
from tests.factories import UserFactory

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB of known bytes


@pytest.fixture
def ready_video(db):
    video = Video(title="t", uploaded_by=UserFactory(), status=Video.Status.COMPLETED)
    video.rendition_480p.name = default_storage.save(
        f"videos/{video.key}/480p.mp4", ContentFile(PAYLOAD)
    )
    video.save()
    return video


def _get(client, video, **headers):
    return client.get(f"/api/v1/videos/{video.id}/stream", **headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, len(PAYLOAD) - 1),
        ("bytes=-500", len(PAYLOAD) - 500, len(PAYLOAD) - 1),
        ("bytes=1048000-9999999", 1048000, len(PAYLOAD) - 1),
        ("bytes=262143-262144", 262143, 262144),  # across a chunk boundary
    ],
)
def test_range_request_returns_exactly_those_bytes(api_client, ready_video, header, start, end):
    response = _get(api_client, ready_video, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(PAYLOAD)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert _body(response) == PAYLOAD[start : end + 1]


def test_whole_file_without_range_advertises_ranges(api_client, ready_video):
    response = _get(api_client, ready_video)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert _body(response) == PAYLOAD


@pytest.mark.parametrize("header", ["bytes=1048576-", "bytes=5000000-5000001", "bytes=-0"])
def test_unsatisfiable_range_is_416_with_the_size(api_client, ready_video, header):
    response = _get(api_client, ready_video, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PAYLOAD)}"
    assert response.json()["code"] == "range_not_satisfiable"


@pytest.mark.parametrize("header", ["bytes=abc", "items=0-5", "bytes=0-5,10-20", "bytes=9-3"])
def test_malformed_or_multiple_ranges_get_the_whole_file(api_client, ready_video, header):
    response = _get(api_client, ready_video, HTTP_RANGE=header)
    assert response.status_code == 200
    assert _body(response) == PAYLOAD


def test_if_range_with_current_etag_gives_the_range_and_a_stale_one_the_whole_file(
    api_client, ready_video
):
    etag = _get(api_client, ready_video)["ETag"]
    last_modified = _get(api_client, ready_video)["Last-Modified"]
    fresh = _get(api_client, ready_video, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206 and _body(fresh) == PAYLOAD[:10]
    by_date = _get(api_client, ready_video, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=last_modified)
    assert by_date.status_code == 206
    stale = _get(api_client, ready_video, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old-etag"')
    assert stale.status_code == 200 and _body(stale) == PAYLOAD
    weak = _get(api_client, ready_video, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE="W/" + etag)
    assert weak.status_code == 200


def test_accel_redirect_hands_the_file_to_nginx(api_client, ready_video, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    response = api_client.get(f"/api/v1/videos/{ready_video.id}/stream?rendition=480p")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{ready_video.rendition_480p.name}"
    assert response.content == b""


def test_missing_rendition_and_unprocessed_video_are_clear_errors(
    api_client, auth_client, ready_video
):
    missing = api_client.get(f"/api/v1/videos/{ready_video.id}/stream?rendition=1080p")
    assert (missing.status_code, missing.json()["code"]) == (404, "rendition_not_found")
    bad = api_client.get(f"/api/v1/videos/{ready_video.id}/stream?rendition=4k")
    assert bad.status_code == 400
    pending = Video.objects.create(title="p", uploaded_by=auth_client.user)
    response = auth_client.get(f"/api/v1/videos/{pending.id}/stream")
    assert (response.status_code, response.json()["code"]) == (409, "not_ready")
    # someone else's unfinished video does not exist for the public
    assert api_client.get(f"/api/v1/videos/{pending.id}/stream").status_code == 404


def test_a_rendition_missing_from_storage_is_a_404_not_a_crash(api_client, ready_video):
    default_storage.delete(ready_video.rendition_480p.name)

    response = _get(api_client, ready_video)

    assert response.status_code == 404
    assert response.json()["code"] == "file_missing"
