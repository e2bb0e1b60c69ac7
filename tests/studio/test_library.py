"""The media library in Chromium: a resumable (tus) upload that survives a page reload and
plays once a real worker has processed it; browsing by category, sorting, editing, deleting."""

import contextlib
import re
import subprocess
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, expect

from media_library.models import UploadSession, Video
from media_library.services import category_create
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.studio.conftest import sign_in, until

CHUNK = 4 * 1024 * 1024  # the upload page's tus chunk size


@pytest.fixture
def raw_video(tmp_path):
    """A 2 s uncompressed AVI of about 5.8 MB: a real video, and more than one tus chunk."""
    path = tmp_path / "harbour.avi"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
         "-t", "2", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    assert path.stat().st_size > CHUNK
    return path


def _plays(page, selector: str) -> None:
    """The video starts and its clock advances."""
    video = page.locator(selector)
    expect(video).to_be_visible(timeout=60_000)
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("s => document.querySelector(s).currentTime > 0.5", arg=selector)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_tus_upload_resumes_after_a_reload_and_the_video_plays(
    studio, orm, page, celery_worker, raw_video, check_page
):
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Upload a video").click()
    check_page(page, "upload")

    # The first chunk goes through; the second is held, as if the connection hung there.
    held: list[Route] = []

    def hold_later_chunks(route: Route) -> None:
        request = route.request
        if request.method == "PATCH" and request.headers.get("upload-offset") != "0":
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/uploads/**", hold_later_chunks)
    page.get_by_label("Video file").set_input_files(raw_video)
    page.get_by_label("Title").fill("Harbour at night")
    page.get_by_role("button", name="Upload").click()

    until(page, lambda: held)
    session = orm(lambda: UploadSession.objects.get(user=user))
    assert session.offset == CHUNK
    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()

    # Halfway: reload the page. The held request dies with it, never reaching the server.
    page.reload()
    for route in held:
        with contextlib.suppress(PlaywrightError):
            route.abort()
    page.unroute("**/api/v1/uploads/**")
    assert orm(lambda: UploadSession.objects.get(user=user).offset) == CHUNK
    sent_offsets = []
    page.on(
        "request",
        lambda r: r.method == "PATCH" and sent_offsets.append(int(r.headers["upload-offset"])),
    )
    page.get_by_label("Video file").set_input_files(raw_video)
    expect(page.get_by_text("You started uploading this file")).to_be_visible()
    page.get_by_role("button", name="Resume the upload").click()

    # It carried on from the server's offset, not from zero, and ends on the video's page.
    page.wait_for_url(re.compile(r"/library/\d+$"), timeout=30_000)
    assert sent_offsets and sent_offsets[0] == CHUNK
    video = orm(lambda: Video.objects.get(uploaded_by=user))
    assert video.title == "Harbour at night"
    assert video.original_size == raw_video.stat().st_size
    assert urlsplit(page.url).path == f"/library/{video.pk}"
    _plays(page, "#video-player")
    check_page(page, "video")


def _library():
    owner = UserFactory(first_name="Lena", last_name="Park")
    other = UserFactory(first_name="Omar", last_name="Diaz")
    docs = category_create(name="Documentary", created_by=None)
    category_create(name="Music", created_by=None)
    done = Video.Status.COMPLETED
    Video.objects.create(title="Tides", uploaded_by=owner, status=done, category=docs, view_count=3)
    Video.objects.create(title="Night bus", uploaded_by=other, status=done, view_count=40)
    Video.objects.create(title="Old pier", uploaded_by=owner, status=done, category=docs)
    return owner


def _titles(page) -> list[str]:
    return page.locator(".video-card .card-title").all_inner_texts()


def test_the_library_browses_by_category_sorts_and_lets_an_uploader_edit_and_delete(
    studio, orm, page, check_page
):
    owner = orm(_library)
    page = studio("/library")
    expect(page.locator(".video-card")).to_have_count(3)
    check_page(page, "library")

    page.get_by_label("Sort by").select_option(label="Most viewed")
    expect(page.locator(".video-card .card-title").first).to_have_text("Night bus")
    page.get_by_label("Category").select_option(label="Documentary")
    expect(page.locator(".video-card")).to_have_count(2)
    assert _titles(page) == ["Tides", "Old pier"]
    assert "category=" in page.url and "sort=popular" in page.url
    page.get_by_label("Search").fill("pier")
    page.get_by_label("Search").press("Enter")
    expect(page.locator(".video-card")).to_have_count(1)
    assert _titles(page) == ["Old pier"]
    assert "q=pier" in page.url

    sign_in(page, studio.url, owner.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/library")
    page.get_by_role("link", name="Tides").click()
    page.get_by_label("Title").fill("Tides at dawn")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tides at dawn", level=1)).to_be_visible()
    page.reload()
    expect(page.get_by_label("Title")).to_have_value("Tides at dawn")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete video").click()
    page.wait_for_url(f"{studio.url}/library?mine=1")
    expect(page.locator(".video-card")).to_have_count(1)
    assert orm(lambda: list(Video.objects.values_list("title", flat=True).order_by("title"))) == [
        "Night bus",
        "Old pier",
    ]
