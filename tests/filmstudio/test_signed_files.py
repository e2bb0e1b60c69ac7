"""Signed, expiring download links to stored files (filmstudio/downloads.py, served by
filmstudio.apis.SignedFileApi with the range streaming of filmstudio/streaming.py)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from filmstudio.downloads import signed_file_lifetime, signed_file_url

pytestmark = pytest.mark.django_db


def _stored(content: bytes, name: str = "films/film.mp4") -> str:
    return default_storage.save(name, ContentFile(content))


def test_a_link_downloads_the_file_under_its_name_without_credentials(api_client, settings):
    name = _stored(b"WEBVTT", "subs/a.vtt")
    url = signed_file_url(name=name, filename="subtitles-7.vtt")

    response = api_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"WEBVTT"
    assert response["Content-Disposition"] == 'attachment; filename="subtitles-7.vtt"'
    assert signed_file_lifetime() == settings.SIGNED_URL_MAX_AGE


def test_tampered_or_expired_download_links_are_refused(api_client, settings):
    url = signed_file_url(name=_stored(b"data"))

    assert api_client.get(url[:-3] + "abc").status_code == 404

    settings.SIGNED_URL_MAX_AGE = -1
    expired = api_client.get(url)
    assert expired.status_code == 410
    assert expired.json()["code"] == "link_expired"


def test_signed_downloads_answer_range_requests(api_client):
    url = signed_file_url(name=_stored(bytes(range(250)) * 4))

    partial = api_client.get(url, HTTP_RANGE="bytes=10-19")

    assert partial.status_code == 206
    assert partial["Content-Range"] == "bytes 10-19/1000"
    assert b"".join(partial.streaming_content) == bytes(range(10, 20))
    assert "attachment" in partial["Content-Disposition"]


def test_a_signed_link_to_a_file_no_longer_stored_is_a_404(api_client):
    name = _stored(b"data")
    url = signed_file_url(name=name)
    default_storage.delete(name)

    response = api_client.get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "file_missing"
