"""A creator's journey in Chromium, end to end, with a real worker running the film pipeline:
register, sign in, write (the example screenplay), see the breakdown and the price, render
while the progress arrives live, watch the film with its captions, regenerate after an edit
and see which shots were rendered again, publish to the library and watch it there."""

import re

import pytest
from playwright.sync_api import Page, expect

from billing.selectors import credit_balance
from jobs.models import Job, JobType
from jobs.services import job_create, job_fail
from tests.factories import DEFAULT_PASSWORD, ProjectFactory, UserFactory
from tests.studio.conftest import sign_in, until

RENDER_TIMEOUT_S = 240


def _watch_render(page: Page) -> list[int]:
    """Follow the render on the page until it ends; returns every progress value shown."""
    progress = page.locator("#job-progress")
    status = page.locator("#job-status")
    seen: list[int] = []

    def finished():
        # The text first: the bar read after it is at least as new (one render updates both).
        text = status.inner_text()
        value = progress.get_attribute("value")
        if value is not None and (not seen or seen[-1] != int(value)):
            seen.append(int(value))
        return any(word in text for word in ("Finished", "Failed", "Cancelled"))

    until(page, finished, timeout=RENDER_TIMEOUT_S)
    return seen


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_new_creator_renders_watches_regenerates_and_publishes_a_film(
    studio, orm, page, film_worker, check_page
):

    # Register, and (after signing out) sign in.
    page = studio("/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("First name").fill("Ida")
    page.get_by_label("Last name").fill("Lupino")
    page.get_by_label("Email").fill("ida@example.com")
    page.get_by_label("Password").fill("the-bigamist-1953")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="New project").wait_for()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, studio.url, "ida@example.com", "the-bigamist-1953")
    check_page(page, "projects-empty")

    # A new project with the example screenplay.
    page.get_by_role("link", name="New project").click()
    page.get_by_role("button", name="Use the example screenplay").click()
    check_page(page, "project-new")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    project_id = int(page.url.rsplit("/", 1)[1])

    # The live breakdown and the price of a render.
    expect(page.locator("#stat-scenes")).to_have_text("1")
    expect(page.locator("#stat-shots")).to_have_text("2")
    expect(page.get_by_text("ANNA, CAPTAIN")).to_be_visible()
    expect(page.locator("#cost")).to_contain_text("credits for this render")
    cost = int(re.search(r"(\d+) credits", page.locator("#cost").inner_text()).group(1))
    assert cost > 0
    check_page(page, "project")

    # Render: the progress reaches 100% on this page, pushed by the server, no reload.
    page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_role("button", name="Render the film").click()
    expect(page.locator("#job")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('#job-progress').value >= 30", timeout=120_000
    )
    check_page(page, "render")
    seen = _watch_render(page)
    expect(page.locator("#job-status")).to_contain_text("Finished")
    assert page.evaluate("() => window.sameDocument") is True
    assert seen[-1] == 100
    assert seen == sorted(seen) and len([v for v in seen if 0 < v < 100]) >= 3, seen
    job = orm(lambda: Job.objects.get(project_id=project_id))
    assert job.status == "completed" and job.cost == cost

    # The film plays, with its captions track loaded, and its stills and voices are there.
    player = page.locator("#film-player")
    expect(player).to_be_visible()
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('#film-player').currentTime > 0.5")
    captions = page.wait_for_function(
        """() => {
            const track = document.querySelector('#film-player track');
            const cues = document.querySelector('#film-player').textTracks[0].cues;
            return track.readyState === 2 && cues && cues.length > 0 && cues[0].text;
        }"""
    ).json_value()
    assert "Is this the last ferry home?" in captions or "Fog rolls" in captions
    expect(page.locator(".gallery img")).to_have_count(2)
    expect(page.locator(".lines audio")).to_have_count(3)
    check_page(page, "film")

    # Edit one line and render again: only the shot that changed is drawn and animated anew.
    script = page.get_by_label("Screenplay (Fountain or prose)")
    script.fill(script.input_value().replace("Climb aboard.", "Climb aboard, quickly."))
    page.get_by_role("button", name="Render again").click()
    expect(page.locator("#job-heading")).not_to_have_text(f"Render #{job.pk}")
    _watch_render(page)
    expect(page.locator("#job-status")).to_contain_text("Finished")
    expect(page.locator("#rerendered")).to_have_text(
        "Re-rendered shot 2 of 2; the other 1 came from the cache."
    )

    # Publish into the library, and watch it there once the worker has prepared it.
    page.get_by_label("Title in the library").fill("The Night Ferry")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("link", name="Watch it in the library").click()
    page.wait_for_url(re.compile(r"/library/\d+$"))
    player = page.locator("#video-player")
    expect(player).to_be_visible(timeout=60_000)
    player.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('#video-player').currentTime > 0.5")
    page.get_by_role("link", name="Projects").click()
    expect(page.locator(".project-card img")).to_have_count(1)  # the film's thumbnail
    check_page(page, "projects")


def test_a_bad_screenplay_shows_the_apis_error_where_it_was_typed(studio, orm, page):
    user = orm(UserFactory)
    project = orm(ProjectFactory, owner=user)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/projects/{project.pk}")
    script = page.get_by_label("Screenplay (Fountain or prose)")
    expect(page.locator("#stat-scenes")).to_have_text("1")

    # Only a scene heading: no line for anyone to say.
    script.fill("INT. EMPTY ROOM - DAY\n")

    error = page.locator(f"#{script.get_attribute('id')}-error")
    expect(error).to_be_visible()
    expect(script).to_have_attribute("aria-invalid", "true")
    detail = page.request.post(
        f"{studio.url}/api/v1/scripts/analyse",
        data={"script": "INT. EMPTY ROOM - DAY\n"},
        headers={"authorization": f"Bearer {_token(page, studio.url, user.email)}"},
    ).json()["detail"]
    expect(error).to_have_text(detail)

    # Rendering it anyway: the job API refuses it, and says so in the same place.
    page.get_by_role("button", name="Render the film").click()
    expect(error).to_have_text(re.compile(r"\S"))
    expect(page.locator("#job")).to_have_count(0)
    assert orm(lambda: Job.objects.filter(project_id=project.pk).count()) == 0


def test_a_failed_render_shows_why_is_retried_and_cancelled(studio, orm, page):
    user = orm(UserFactory)
    project = orm(ProjectFactory, owner=user)

    def failed_render() -> Job:
        job, _ = job_create(user=user, project=project, job_type=JobType.FULL_GENERATION)
        return job_fail(
            job_id=job.pk,
            stage=job.current_stage,
            code="provider_error",
            message="The voices ran out.",
        )

    job = orm(failed_render)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/projects/{project.pk}")
    expect(page.locator("#job-status")).to_contain_text("Failed")
    expect(page.locator("#job").get_by_role("alert")).to_have_text("The voices ran out.")

    page.get_by_role("button", name="Retry").click()
    expect(page.locator("#job-status")).not_to_contain_text("Failed")
    assert orm(lambda: Job.objects.get(pk=job.pk).status) == "queued"
    assert orm(credit_balance, user=user) == 100 - job.cost  # reserved again

    page.get_by_role("button", name="Cancel render").click()
    expect(page.locator("#job-status")).to_contain_text("Cancelled")
    assert orm(lambda: Job.objects.get(pk=job.pk).status) == "cancelled"
    assert orm(credit_balance, user=user) == 100  # and refunded


def _token(page: Page, base: str, email: str) -> str:
    response = page.request.post(
        f"{base}/api/v1/auth/login", data={"email": email, "password": DEFAULT_PASSWORD}
    )
    return response.json()["access"]
