from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Invitation
from tests.accounts.helpers import assert_error
from tests.factories import AdminFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_client):
    return make_client(AdminFactory())


def test_admin_creates_an_invitation_and_the_link_is_mailed(admin_client, settings):
    response = admin_client.post("/api/v1/invitations", {"email": "Guest@Example.com"})

    assert response.status_code == 201, response.content
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["token"] == invitation.token
    assert body["status"] == "valid" and body["email"] == "guest@example.com"
    expected = timezone.now() + settings.INVITATION_TTL
    assert abs(invitation.expires_at - expected) < timedelta(minutes=1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["guest@example.com"]
    assert invitation.token in mail.outbox[0].body
    assert body["link"] in mail.outbox[0].body


def test_invitation_without_email_sends_no_mail(admin_client):
    response = admin_client.post("/api/v1/invitations", {})
    assert response.status_code == 201
    assert response.json()["token"]
    assert mail.outbox == []


def test_superuser_without_admin_role_may_invite(make_client):
    from tests.factories import UserFactory

    boss = UserFactory(is_superuser=True)
    assert make_client(boss).post("/api/v1/invitations", {}).status_code == 201


@pytest.mark.parametrize("factory", [StaffFactory, None])
def test_non_admins_cannot_manage_invitations(make_client, auth_client, factory):
    client = make_client(factory()) if factory else auth_client
    invitation = Invitation.objects.create(expires_at=timezone.now() + timedelta(days=1))
    assert_error(client.post("/api/v1/invitations", {}), 403, "permission_denied")
    assert_error(client.get("/api/v1/invitations"), 403, "permission_denied")
    assert_error(client.delete(f"/api/v1/invitations/{invitation.id}"), 403, "permission_denied")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_anonymous_cannot_create_invitations(api_client):
    assert_error(api_client.post("/api/v1/invitations", {}), 401, "not_authenticated")


def test_admin_lists_invitations_with_constant_queries(admin_client):
    for _ in range(2):
        admin_client.post("/api/v1/invitations", {"email": "a@example.com"})
    with CaptureQueriesContext(connection) as small:
        first = admin_client.get("/api/v1/invitations")
    for _ in range(6):
        admin_client.post("/api/v1/invitations", {})
    with CaptureQueriesContext(connection) as large:
        second = admin_client.get("/api/v1/invitations")
    assert first.json()["count"] == 2 and second.json()["count"] == 8
    assert len(large) == len(small)


def test_revoke_returns_204_and_the_invitation_stops_working(admin_client, api_client):
    created = admin_client.post("/api/v1/invitations", {}).json()

    response = admin_client.delete(f"/api/v1/invitations/{created['id']}")

    assert response.status_code == 204
    assert_error(
        api_client.get(f"/api/v1/invitations/validate/{created['token']}"),
        400,
        "invitation_revoked",
    )


def test_revoking_a_used_invitation_is_a_conflict(admin_client, user):
    invitation = Invitation.objects.create(
        expires_at=timezone.now() + timedelta(days=1), used_at=timezone.now(), used_by=user
    )
    assert_error(
        admin_client.delete(f"/api/v1/invitations/{invitation.id}"), 409, "invitation_used"
    )


def test_revoking_an_unknown_invitation_is_404(admin_client):
    assert_error(admin_client.delete("/api/v1/invitations/424242"), 404, "not_found")


def test_validate_a_good_invitation_publicly(api_client):
    invitation = Invitation.objects.create(
        email="guest@example.com", expires_at=timezone.now() + timedelta(days=1)
    )
    api_client.credentials(HTTP_AUTHORIZATION="Bearer stale")  # ignored: public endpoint

    response = api_client.get(f"/api/v1/invitations/validate/{invitation.token}")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "valid"
    assert response.json()["email"] == "guest@example.com"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"expires_at": timezone.now() - timedelta(days=1)}, "invitation_expired"),
        ({"revoked_at": timezone.now()}, "invitation_revoked"),
        ({"used_at": timezone.now()}, "invitation_used"),
    ],
)
def test_validate_reports_why_an_invitation_is_unusable(api_client, fields, code):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=1))
    invitation = Invitation.objects.create(**fields)
    assert_error(api_client.get(f"/api/v1/invitations/validate/{invitation.token}"), 400, code)


def test_validate_unknown_token(api_client):
    assert_error(api_client.get("/api/v1/invitations/validate/unknown"), 400, "invitation_invalid")
