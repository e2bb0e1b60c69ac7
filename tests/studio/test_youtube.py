"""YouTube in Chromium, against the fake Google server the YouTube tests use: a channel is
connected through the consent screen (Google's redirect lands on the studio, which finishes
through the API), its playlists, a revoked grant shown as "reconnect required" and mended,
disconnecting; and a finished film published with a real worker, its progress followed live."""

import os
import re

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Job, JobStatus, JobType
from projects.models import Asset, Project
from tests.factories import DEFAULT_PASSWORD, ProjectFactory, UserFactory
from tests.fakes.google_server import FakeGoogleServer
from tests.studio.conftest import sign_in
from youtube_integration.models import ChannelConnection

CHUNK = 256 * 1024  # Google's granularity: the smallest chunk, so a small film is several


@pytest.fixture
def google(settings, monkeypatch, live_server):
    """A fake Google with settings pointing at it, and its consent screen sending the browser
    back to this live server's /youtube/callback."""
    fake = FakeGoogleServer().start()
    settings.YOUTUBE_REDIRECT_URI = f"{live_server.url}/youtube/callback"
    fake.redirect_uris = {settings.YOUTUBE_REDIRECT_URI}
    settings.YOUTUBE_CLIENT_ID = fake.client_id
    settings.YOUTUBE_CLIENT_SECRET = fake.client_secret
    settings.YOUTUBE_TOKEN_KEYS = [Fernet.generate_key().decode()]
    for name, value in fake.oauth_urls().items():
        setattr(settings, name, value)
    settings.YOUTUBE_HTTP_TIMEOUT = 10
    # The fake speaks plain HTTP; oauthlib insists on HTTPS for the token endpoint otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    yield fake
    fake.stop()


def _connect(page, studio_url: str) -> None:
    page.goto(f"{studio_url}/youtube")
    page.get_by_role("button", name="Connect a YouTube channel").click()
    expect(page.get_by_text("Lighthouse Films is connected.")).to_be_visible()


def _channel_card(page):
    return page.locator("#channels > li").filter(has_text="Lighthouse Films")


def test_a_channel_is_connected_revoked_reconnected_and_disconnected(
    google, studio, orm, page, check_page
):
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="YouTube").click()
    expect(page.get_by_text("No channel yet")).to_be_visible()

    _connect(page, studio.url)
    expect(page).to_have_url(re.compile(r"/youtube\?connected="))
    expect(_channel_card(page)).to_contain_text("active")
    # The channel's avatar, as Google gave it (the page allows its host: STUDIO_IMAGE_ORIGINS)
    channel_id = orm(lambda: ChannelConnection.objects.get(owner=user).channel_id)
    avatar = _channel_card(page).locator("img.avatar")
    expect(avatar).to_have_attribute("src", f"https://yt3.example/{channel_id}.jpg")
    # That host does not answer here: an avatar that fails to load leaves no broken-image icon
    expect(avatar).to_be_hidden()
    page.get_by_label("Playlist title").fill("Harbour stories")
    page.get_by_role("button", name="Create playlist").click()
    expect(page.locator("#playlists")).to_contain_text("Harbour stories")
    assert [p["snippet"]["title"] for p in google.playlists.values()] == ["Harbour stories"]
    check_page(page, "youtube")

    # The owner revokes FilmStudio's access at Google: the next call finds out.
    connection = orm(lambda: ChannelConnection.objects.get(owner=user))
    google.revoke_channel(connection.channel_id)
    orm(
        lambda: ChannelConnection.objects.filter(pk=connection.pk).update(
            token_expires_at=timezone.now()
        )
    )
    page.reload()
    expect(_channel_card(page)).to_contain_text("reconnect required")
    expect(_channel_card(page)).to_contain_text("Reconnect it to publish again")

    _channel_card(page).get_by_role("button", name="Reconnect").click()
    expect(page.get_by_text("Lighthouse Films is connected.")).to_be_visible()
    expect(_channel_card(page)).to_contain_text("active")
    assert orm(lambda: ChannelConnection.objects.get(pk=connection.pk).status) == "active"

    page.once("dialog", lambda dialog: dialog.accept())
    _channel_card(page).get_by_role("button", name="Disconnect").click()
    expect(page.locator("#channels")).to_have_count(0)
    assert orm(lambda: ChannelConnection.objects.filter(owner=user).count()) == 0
    assert google.requests_of("revoke")


def test_a_consent_refused_at_google_shows_why(google, studio, orm, page, check_page):
    google.deny_consent = True
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/youtube")

    page.get_by_role("button", name="Connect a YouTube channel").click()

    expect(page.get_by_role("heading", name="Connecting YouTube")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_visible()
    assert orm(lambda: ChannelConnection.objects.count()) == 0
    check_page(page, "youtube-consent-refused")


def _finished_film(owner) -> Job:
    """A completed render whose film, thumbnail and captions are small files."""
    project = ProjectFactory(owner=owner, title="The Night Ferry", status=Project.Status.COMPLETED)
    ids = {}
    for key, kind, name, content_type, content in [
        ("film", Asset.Kind.FILM, "film.mp4", "video/mp4", os.urandom(3 * CHUNK + 1000)),
        ("thumbnail", Asset.Kind.THUMBNAIL, "thumb.jpg", "image/jpeg", b"\xff\xd8\xff\xe0jpeg"),
        ("subtitles_srt", Asset.Kind.SUBTITLES, "film.srt", "application/x-subrip",
         b"1\n00:00:00,000 --> 00:00:02,000\nIs this the last ferry home?\n"),
    ]:  # fmt: skip
        asset = Asset.objects.create(project=project, kind=kind, content_type=content_type)
        asset.file.save(name, ContentFile(content))
        ids[key] = asset.pk
    return Job.objects.create(
        owner=owner,
        project=project,
        type=JobType.FULL_GENERATION,
        status=JobStatus.COMPLETED,
        progress=100,
        result={"assets": ids},
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_finished_film_is_published_to_a_channel_and_its_upload_followed_live(
    google, celery_worker_factory, studio, orm, page, settings, check_page
):
    celery_worker_factory(
        stage_doubles=False,
        env={
            **google.oauth_urls(),
            "YOUTUBE_CLIENT_ID": google.client_id,
            "YOUTUBE_CLIENT_SECRET": google.client_secret,
            "YOUTUBE_TOKEN_KEYS": settings.YOUTUBE_TOKEN_KEYS[0],
            "YOUTUBE_UPLOAD_CHUNK_SIZE": str(CHUNK),
            "YOUTUBE_HTTP_TIMEOUT": "10",
        },
    )
    user = orm(UserFactory)
    job = orm(_finished_film, user)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    _connect(page, studio.url)
    page.get_by_label("Playlist title").fill("Night crossings")
    page.get_by_role("button", name="Create playlist").click()
    expect(page.locator("#playlists")).to_contain_text("Night crossings")

    page.goto(f"{studio.url}/projects/{job.project_id}")
    expect(page.get_by_role("heading", name="Publish on YouTube")).to_be_visible()
    expect(page.get_by_label("Title on YouTube")).to_have_value("The Night Ferry")
    page.get_by_label("Description on YouTube").fill("A ferry, a fog, a question.")
    page.get_by_label("Privacy").select_option("unlisted")
    page.get_by_label("Playlist").select_option(label="Night crossings")
    expect(page.get_by_label("Add the film's captions")).to_be_checked()
    page.get_by_role("button", name="Publish on YouTube").click()

    expect(page.locator("#youtube-status")).to_contain_text("Uploading to YouTube")
    expect(page.locator("#youtube-link")).to_be_visible(timeout=90_000)
    expect(page.locator("#youtube-progress")).to_have_attribute("value", "100")
    (video_id, video), = google.videos.items()  # fmt: skip
    expect(page.locator("#youtube-link")).to_have_attribute("href", re.compile(video_id))
    assert video["snippet"]["title"] == "The Night Ferry"
    assert video["snippet"]["description"] == "A ferry, a fog, a question."
    assert video["status"]["privacyStatus"] == "unlisted"
    assert google.thumbnails[video_id] == b"\xff\xd8\xff\xe0jpeg"
    assert [c["snippet"]["videoId"] for c in google.captions.values()] == [video_id]
    assert [i["snippet"]["resourceId"]["videoId"] for i in google.playlist_items.values()] == [
        video_id
    ]
    check_page(page, "project-published")

    # Back on the page later, the film says where it was published (and may go again).
    page.reload()
    expect(page.locator("#youtube-published")).to_contain_text("The Night Ferry")
    expect(page.locator("#youtube-link")).to_have_attribute("href", re.compile(video_id))
    expect(page.get_by_role("button", name="Publish on YouTube")).to_be_visible()

    # The YouTube page lists it, with its link.
    page.get_by_role("link", name="YouTube", exact=True).click()
    expect(page.locator("#uploads tbody tr")).to_have_count(1)
    expect(page.locator("#uploads")).to_contain_text("The Night Ferry")
