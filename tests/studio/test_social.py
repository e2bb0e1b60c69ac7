"""Google/GitHub sign-in from the studio, in Chromium, against a local fake GitHub: the
button appears only when the provider is configured, and the flow (allauth's headless
browser API, then the session traded for our JWT pair) ends signed in like a password login."""

from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.fakes.github_server import github_server


def _point_allauth_at(monkeypatch, url: str) -> None:
    # The adapter computes GitHub's URLs when it is imported; this process is the live server.
    for name, value in {
        "web_url": url,
        "api_url": f"{url}/api/v3",
        "access_token_url": f"{url}/login/oauth/access_token",
        "authorize_url": f"{url}/login/oauth/authorize",
        "profile_url": f"{url}/api/v3/user",
        "emails_url": f"{url}/api/v3/user/emails",
    }.items():
        monkeypatch.setattr(GitHubOAuth2Adapter, name, value)


def test_no_provider_button_without_a_configured_provider(studio, settings, check_page):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = studio("/signin")

    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Continue with GitHub")).to_have_count(0)

    # A sign-in the provider refused comes back to an error page that says so.
    page = studio("/login/error?error=cancelled")
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "social-error")


def test_signing_in_with_github_ends_signed_in_with_the_studios_own_tokens(
    studio, orm, page, settings, monkeypatch
):
    with github_server(
        client_id="gh-id", client_secret="gh-secret", email="octo@example.com", name="Octo Cat"
    ) as github:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "github": {"APPS": [{"client_id": "gh-id", "secret": "gh-secret"}]}
        }
        _point_allauth_at(monkeypatch, github.url)
        page = studio("/signin")

        page.get_by_role("button", name="Continue with GitHub").click()

        expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
        assert github.authorized == 1
    user = orm(lambda: get_user_model().objects.get(email="octo@example.com"))
    assert page.evaluate("() => localStorage.getItem('filmstudio.refresh')")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text("octo@example.com")).to_be_visible()
    # The allauth session was only the way in: the studio runs on the JWT pair alone.
    session = next((c for c in page.context.cookies() if c["name"] == "sessionid"), None)
    assert session is None
    assert user.first_name == "Octo"
