"""The fake Google server wired into settings, and helpers to connect a channel through the
API the way a browser would (consent URL -> Google's redirect -> callback). The real S3
server (SeaweedFS) and a fresh bucket as default storage are the `s3` fixture of
tests/s3_server.py."""

import os
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile

from jobs.models import Job, JobStatus, JobType
from projects.models import Asset, Project
from tests.factories import ProjectFactory
from tests.fakes.google_server import FakeGoogleServer
from youtube_integration.models import ChannelConnection, Upload

CHUNK = 256 * 1024


@pytest.fixture
def google(settings, monkeypatch):
    """A started fake Google, with settings pointing every Google URL at it."""
    fake = FakeGoogleServer().start()
    fake.redirect_uris = {settings.YOUTUBE_REDIRECT_URI}
    settings.YOUTUBE_CLIENT_ID = fake.client_id
    settings.YOUTUBE_CLIENT_SECRET = fake.client_secret
    for name, value in fake.oauth_urls().items():
        setattr(settings, name, value)
    settings.YOUTUBE_HTTP_TIMEOUT = 10
    settings.YOUTUBE_UPLOAD_CHUNK_SIZE = CHUNK
    settings.YOUTUBE_RETRY_BACKOFF_BASE = 0.01
    # The fake speaks plain HTTP; oauthlib insists on HTTPS for the token endpoint otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    yield fake
    fake.stop()


def consent(google: FakeGoogleServer, url: str) -> dict[str, str]:
    """Follow the consent URL as the user's browser would; returns the redirect's query."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    return {k: v[0] for k, v in parse_qs(location.query).items()}


@pytest.fixture
def connect(google):
    """Connect the fake's consenting channel for `client`'s user through the API."""

    def run(client, *, channel_id: str | None = None) -> dict:
        if channel_id:
            google.consenting_channel = channel_id
        started = client.get("/api/v1/youtube/oauth")
        assert started.status_code == 200, started.content
        answer = consent(google, started.json()["url"])
        done = client.post("/api/v1/youtube/callback", answer, format="json")
        assert done.status_code == 201, done.content
        return done.json()

    return run


@pytest.fixture
def connection(connect, auth_client) -> ChannelConnection:
    return ChannelConnection.objects.get(pk=connect(auth_client)["id"])


def film_bytes(size: int) -> bytes:
    """Random bytes standing in for a film: any lost, doubled or reordered byte shows."""
    return os.urandom(size)


@pytest.fixture
def make_upload():
    """An Upload of a project's film asset holding `size` bytes (plus thumbnail/captions)."""

    def build(connection: ChannelConnection, *, size: int = 5 * CHUNK + 1234, **fields) -> Upload:
        project = ProjectFactory(owner=connection.owner, status="completed")
        film = Asset.objects.create(project=project, kind=Asset.Kind.FILM, content_type="video/mp4")
        film.file.save("film.mp4", ContentFile(film_bytes(size)))
        thumbnail = Asset.objects.create(
            project=project, kind=Asset.Kind.THUMBNAIL, content_type="image/jpeg"
        )
        thumbnail.file.save("thumb.jpg", ContentFile(b"\xff\xd8\xff\xe0fake-jpeg"))
        captions = Asset.objects.create(
            project=project, kind=Asset.Kind.SUBTITLES, content_type="application/x-subrip"
        )
        captions.file.save("film.srt", ContentFile(b"1\n00:00:00,000 --> 00:00:01,000\nHello\n"))
        defaults = {
            "owner": connection.owner,
            "connection": connection,
            "channel_id": connection.channel_id,
            "channel_title": connection.channel_title,
            "project": project,
            "film": film,
            "thumbnail": thumbnail,
            "captions": captions,
            "title": "The Lighthouse",
            "description": "A short film.",
            "tags": ["film", "lighthouse"],
        }
        return Upload.objects.create(**{**defaults, **fields})

    return build


def stored_asset(project, kind, name, content_type):
    made = Asset.objects.create(project=project, kind=kind, content_type=content_type)
    made.file.save(name, ContentFile(b"data"))
    return made


@pytest.fixture
def film_job(user):
    """A completed full generation with a film, a thumbnail, an SRT and a VTT (tiny files)."""
    project = ProjectFactory(owner=user, status=Project.Status.COMPLETED, title="The Lighthouse")
    film = stored_asset(project, Asset.Kind.FILM, "film.mp4", "video/mp4")
    thumb = stored_asset(project, Asset.Kind.THUMBNAIL, "t.jpg", "image/jpeg")
    srt = stored_asset(project, Asset.Kind.SUBTITLES, "s.srt", "application/x-subrip")
    stored_asset(project, Asset.Kind.SUBTITLES, "s.vtt", "text/vtt")
    return Job.objects.create(
        owner=user,
        project=project,
        type=JobType.FULL_GENERATION,
        status=JobStatus.COMPLETED,
        result={"assets": {"film": film.pk, "thumbnail": thumb.pk, "subtitles_srt": srt.pk}},
    )
