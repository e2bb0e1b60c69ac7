"""Browser tests of the studio: pytest-playwright driving Debian's Chromium against
pytest-django's live_server (and, for renders and uploads, a real Celery worker).

One Playwright driver and one Chromium serve the whole run (started by the first browser
test); each test gets a fresh browser context, so nothing (cookies, storage) carries over.

Playwright's sync API marks its asyncio loop as running on the main thread, and Django refuses
ORM calls from a thread with a running loop (SynchronousOnlyOperation). Rather than switching
that check off (DJANGO_ALLOW_ASYNC_UNSAFE), the loop counts as running only inside a browser
test: `playwright` is function-scoped, set up after the test database and torn down before
it, and hands the loop back to the thread for the test and takes it away after, so
pytest-django's flush and every other test use the ORM as usual. Inside a browser test, tests
reach the ORM through `orm(...)`, which runs the call on a thread of its own (no loop there)
and closes that thread's connections.
"""

import asyncio
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The film plays muted in the tests; no user gesture is needed for that.
    "--autoplay-policy=no-user-gesture-required",
]
AXE = Path(__file__).parent / "vendor" / "axe" / "axe.min.js"
# The machine's two cores are shared with workers and ffmpeg: waits are generous, never timed.
expect.set_options(timeout=20_000)
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _no_chromium_no_test():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")


# --- pytest-playwright, with one browser for the run ------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args():
    # Not pytest-playwright's own: that one needs a session-wide `playwright`.
    return {"viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture(scope="session")
def _driver():
    """The run's Playwright driver, its loop and its Chromium (filled in by the first test)."""
    shared: dict = {}
    yield shared
    if shared:
        asyncio._set_running_loop(shared["loop"])
        try:
            if "browser" in shared:
                shared["browser"].close()
        finally:
            shared["playwright"].stop()


@pytest.fixture
def playwright(_driver, transactional_db, live_server):
    # Set up after the database and the server, torn down before them (see the docstring).
    if _driver:
        asyncio._set_running_loop(_driver["loop"])
    else:
        _driver["playwright"] = sync_playwright().start()
        _driver["loop"] = asyncio.get_running_loop()
    try:
        yield _driver["playwright"]
    finally:
        asyncio._set_running_loop(None)  # the thread is the ORM's again


@pytest.fixture
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture
def browser(_driver, browser_type, browser_type_launch_args):
    if "browser" not in _driver or not _driver["browser"].is_connected():
        _driver["browser"] = browser_type.launch(**browser_type_launch_args)
    return _driver["browser"]


@pytest.fixture
def page(context) -> Page:
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


# --- the ORM and the app -----------------------------------------------------------------


@pytest.fixture
def orm() -> Callable:
    """orm(fn, *args, **kwargs): run a database call off the browser's event-loop thread."""

    def run(fn, *args, **kwargs):
        def call():
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(call).result()

    return run


@pytest.fixture
def studio(live_server, page):
    """Open a studio path: studio("/projects") -> the page."""

    def go(path: str = "/") -> Page:
        page.goto(live_server.url + path)
        return page

    go.url = live_server.url
    return go


def until(page: Page, predicate: Callable[[], object], *, timeout: float = 30) -> object:
    """Poll `predicate` while letting Playwright deliver its events (route handlers, request
    listeners run only while the test is inside a Playwright call, never in time.sleep)."""
    for _ in range(int(timeout * 10)):
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"condition not met within {timeout}s")


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Your projects").wait_for()


# --- accessibility and screenshots --------------------------------------------------------

SERIOUS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol: the page's CSP (scripts by nonce) allows it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in result if v["impact"] in SERIOUS]


SCREENSHOTS = Path(django_settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def _screenshot_dir():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def check_page(_screenshot_dir):
    """check_page(page, name): no serious or critical axe violation, at desktop and at phone
    size, and a full-page screenshot of each (var/test/screenshots/<name>-desktop|phone.png)."""

    def check(page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        # Lazy images below the fold would be blank in a full-page screenshot.
        page.evaluate(
            """() => Promise.all([...document.images].map((img) => {
                img.loading = 'eager';
                if (img.complete) return null;
                return new Promise((done) => { img.onload = img.onerror = done; });
            }))"""
        )
        try:
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                violations = axe_violations(page)
                assert not violations, f"{name} ({size}): {violations}"
                page.screenshot(path=_screenshot_dir / f"{name}-{size}.png", full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)

    return check
