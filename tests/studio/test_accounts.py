"""Accounts in the studio, in Chromium: register with an invitation, sign in, reset a
forgotten password from the emailed link, a silent token refresh, sign-out, profile."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Invitation
from accounts.services import invitation_create, invitation_link, password_reset_link
from filmstudio.models import SiteConfig
from tests.factories import DEFAULT_PASSWORD, AdminFactory, ProjectFactory, UserFactory
from tests.studio.conftest import sign_in

NEW_PASSWORD = "a-brand-new-passphrase"


def _invitation_only():
    SiteConfig.objects.update_or_create(
        id=1, defaults={"registration_mode": SiteConfig.RegistrationMode.INVITATION_ONLY}
    )


def test_registering_without_an_invitation_on_an_invitation_only_site_shows_why(
    studio, orm, check_page
):
    orm(_invitation_only)
    page = studio("/signup")
    check_page(page, "signup")

    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert "invitation" in alert.inner_text().lower()
    expect(page).to_have_url(f"{studio.url}/signup")


def test_an_invited_person_registers_from_the_emailed_link_and_lands_signed_in(
    studio, orm, check_page
):
    def invite():
        _invitation_only()
        return invitation_create(by=AdminFactory(), email="guest@example.com")

    invitation = orm(invite)
    link = urlsplit(invitation_link(invitation))
    page = studio(f"{link.path}?{link.query}")

    # The invitation names the address: the email field is filled in and fixed.
    email = page.get_by_label("Email")
    expect(email).to_have_value("guest@example.com")
    expect(page.get_by_role("status")).to_contain_text("invited")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("heading", name="New project").wait_for()
    assert orm(lambda: Invitation.objects.get(pk=invitation.pk).used_by.first_name) == "Grace"
    page.goto(f"{studio.url}/account")
    expect(page.get_by_label("First name")).to_have_value("Grace")
    check_page(page, "account")


def test_a_forgotten_password_is_reset_from_the_emailed_link(studio, orm, check_page):
    user = orm(UserFactory)
    page = studio("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("on its way")
    check_page(page, "forgot-password")

    # The link the worker mails (the same function builds it), opened in the studio.
    link = urlsplit(orm(password_reset_link, user=user))
    page = studio(f"{link.path}?{link.query}")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill("something else entirely")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Type the same password twice.")).to_be_visible()
    check_page(page, "reset-password")

    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

    # A second use of the same link is refused, with the API's reason shown.
    page = studio(f"{link.path}?{link.query}")
    page.get_by_label("New password", exact=True).fill("yet-another-passphrase")
    page.get_by_label("New password again").fill("yet-another-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_be_visible()

    sign_in(page, studio.url, user.email, NEW_PASSWORD)


def test_a_wrong_password_shows_the_apis_error_and_stays_on_sign_in(studio, orm, check_page):
    user = orm(UserFactory)
    page = studio("/signin")
    check_page(page, "signin")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{studio.url}/signin")


def test_an_expired_access_token_is_refreshed_without_the_user_noticing(
    studio, orm, monkeypatch, page
):
    # SimpleJWT reads the lifetime once, into the class; the live server shares this process.
    monkeypatch.setattr(AccessToken, "lifetime", timedelta(seconds=1))
    user = orm(UserFactory)
    orm(ProjectFactory, owner=user, title="Still mine")
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    answers = []
    page.on(
        "response", lambda r: answers.append((r.request.method, urlsplit(r.url).path, r.status))
    )

    time.sleep(1.5)  # the access token in the page's memory expires
    page.get_by_role("link", name="Credits").click()

    expect(page.get_by_role("heading", name="Credits")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("100")
    page.get_by_role("link", name="Projects").click()
    expect(page.get_by_text("Still mine")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    # It did expire: a 401, one refresh, and the same request again.
    assert ("GET", "/api/v1/credits/balance", 401) in answers
    assert answers.count(("POST", "/api/v1/auth/refresh", 200)) >= 1
    assert ("GET", "/api/v1/credits/balance", 200) in answers


def test_signing_out_blacklists_the_refresh_token(studio, orm, page):
    user = orm(UserFactory)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    refresh = page.evaluate("() => localStorage.getItem('filmstudio.refresh')")
    assert refresh

    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.evaluate("() => localStorage.getItem('filmstudio.refresh')") is None
    reuse = page.request.post(f"{studio.url}/api/v1/auth/refresh", data={"refresh": refresh})
    assert reuse.status == 401
    # A page that needs an account sends the visitor to sign in, and back after.
    page.goto(f"{studio.url}/credits")
    expect(page).to_have_url(f"{studio.url}/signin?next=%2Fcredits")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Credits")).to_be_visible()


def test_another_users_project_shows_not_found(studio, orm, page, check_page):
    me, other = orm(UserFactory), orm(UserFactory)
    theirs = orm(ProjectFactory, owner=other, title="Their secret film")
    sign_in(page, studio.url, me.email, DEFAULT_PASSWORD)

    page.goto(f"{studio.url}/projects/{theirs.pk}")

    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Their secret film")).to_have_count(0)
    check_page(page, "not-found")


def test_signing_in_works_with_the_keyboard_alone(studio, orm, page):
    user = orm(UserFactory)
    page = studio("/signin")
    # Keyboard focus belongs to the active tab: with one browser shared by the whole run, make
    # this one the active tab first (an inactive page reports its focused element "inactive").
    page.bring_to_front()

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    # After a page change, focus is on the new page's heading, where a screen reader starts.
    expect(page.get_by_role("heading", name="Your projects")).to_be_focused()
