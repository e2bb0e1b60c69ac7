import re

import pytest
from django.core import mail

from tests.accounts.helpers import assert_error, bearer
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW = "another-long-pass-phrase-77"


@pytest.fixture
def session(login, user) -> dict:
    return login(user.email, DEFAULT_PASSWORD).json()


def change(access: str, old: str, new: str):
    return bearer(access).post(
        "/api/v1/auth/password/change", {"old_password": old, "new_password": new}
    )


def test_password_change_revokes_old_tokens_and_keeps_this_client_signed_in(
    api_client, login, user, session
):
    other_device = login(user.email, DEFAULT_PASSWORD, ip="10.1.1.1").json()

    response = change(session["access"], DEFAULT_PASSWORD, NEW)

    assert response.status_code == 200, response.content
    fresh = response.json()
    assert bearer(fresh["access"]).get("/api/v1/auth/me").status_code == 200
    for old in (session, other_device):
        assert_error(bearer(old["access"]).get("/api/v1/auth/me"), 401, "token_revoked")
        assert_error(
            api_client.post("/api/v1/auth/refresh", {"refresh": old["refresh"]}),
            401,
            "token_not_valid",
        )
    assert api_client.post("/api/v1/auth/refresh", {"refresh": fresh["refresh"]}).status_code == 200
    assert login(user.email, NEW, ip="10.1.1.2").status_code == 200
    assert login(user.email, DEFAULT_PASSWORD, ip="10.1.1.3").status_code == 401


def test_password_change_needs_the_old_password(session, user):
    body = assert_error(change(session["access"], "wrong", NEW), 400, "invalid")
    assert "old_password" in body["errors"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_runs_the_validators(session):
    body = assert_error(change(session["access"], DEFAULT_PASSWORD, "123"), 400, "invalid")
    assert body["errors"]["new_password"]
    assert bearer(session["access"]).get("/api/v1/auth/me").status_code == 200


# --- reset


def request_reset(client, email: str, ip: str = "10.2.0.1"):
    return client.post("/api/v1/auth/password/reset", {"email": email}, REMOTE_ADDR=ip)


def link_params(message) -> tuple[str, str]:
    match = re.search(r"reset-password\?uid=([\w-]+)&token=([\w-]+)", message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def test_reset_mails_a_link_that_sets_a_new_password_and_revokes_tokens(
    api_client, login, user, session, settings
):
    response = request_reset(api_client, user.email.upper())

    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert settings.FRONTEND_URL in message.body
    uid, token = link_params(message)

    confirm = api_client.post(
        "/api/v1/auth/password/reset/confirm", {"uid": uid, "token": token, "new_password": NEW}
    )

    assert confirm.status_code == 204, confirm.content
    assert login(user.email, NEW, ip="10.2.0.2").status_code == 200
    assert_error(bearer(session["access"]).get("/api/v1/auth/me"), 401, "token_revoked")
    assert_error(
        api_client.post("/api/v1/auth/refresh", {"refresh": session["refresh"]}),
        401,
        "token_not_valid",
    )
    # The link is single-use.
    again = api_client.post(
        "/api/v1/auth/password/reset/confirm",
        {"uid": uid, "token": token, "new_password": "yet-another-pass-phrase-9"},
    )
    assert_error(again, 400, "invalid_token")


def test_reset_for_an_unknown_email_answers_the_same_and_sends_nothing(api_client):
    response = request_reset(api_client, "nobody@example.com")
    assert response.status_code == 202
    assert mail.outbox == []


def test_reset_request_does_the_same_work_for_known_and_unknown_emails(
    api_client, user, monkeypatch, settings
):
    # Given a queue that only records, and a mail backend that would blow up if the request
    # itself tried to send (the worker, not the request, looks the account up and mails)
    from accounts.tasks import password_reset_email_task

    queued: list[dict] = []
    monkeypatch.setattr(password_reset_email_task, "delay", lambda **kw: queued.append(kw))
    settings.EMAIL_BACKEND = "no.such.EmailBackend"

    known = request_reset(api_client, user.email, ip="10.2.1.1")
    unknown = request_reset(api_client, "nobody@example.com", ip="10.2.1.2")

    # Then both get the same answer and each queued exactly one mail task
    assert known.status_code == 202
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert queued == [{"email": user.email}, {"email": "nobody@example.com"}]


def test_reset_for_a_suspended_account_sends_nothing(api_client):
    suspended = UserFactory(is_active=False)
    assert request_reset(api_client, suspended.email).status_code == 202
    assert mail.outbox == []


def test_reset_confirm_with_a_bad_token_is_invalid_token(api_client, user):
    request_reset(api_client, user.email)
    uid, _ = link_params(mail.outbox[0])

    response = api_client.post(
        "/api/v1/auth/password/reset/confirm",
        {"uid": uid, "token": "bad-token", "new_password": NEW},
    )

    assert_error(response, 400, "invalid_token")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_reset_confirm_with_a_bad_uid_is_invalid_token(api_client):
    response = api_client.post(
        "/api/v1/auth/password/reset/confirm", {"uid": "!!", "token": "x", "new_password": NEW}
    )
    assert_error(response, 400, "invalid_token")


def test_reset_confirm_runs_the_validators(api_client, user):
    request_reset(api_client, user.email)
    uid, token = link_params(mail.outbox[0])
    response = api_client.post(
        "/api/v1/auth/password/reset/confirm", {"uid": uid, "token": token, "new_password": "1"}
    )
    body = assert_error(response, 400, "invalid")
    assert body["errors"]["new_password"]


def test_reset_requests_are_throttled(api_client, user, settings, private_cache):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password_reset"]
    allowed = int(rate.split("/")[0])
    for attempt in range(allowed):
        assert request_reset(api_client, user.email, ip=f"10.3.0.{attempt}").status_code == 202

    assert_error(request_reset(api_client, user.email, ip="10.3.1.1"), 429, "throttled")
    assert len(mail.outbox) == allowed
