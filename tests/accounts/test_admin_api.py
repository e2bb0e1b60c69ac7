"""The staff's user administration: find anyone, see everything about them, act on them."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from billing.models import CreditAccount, CreditTransaction
from filmstudio.models import AuditEntry
from jobs.models import Job, JobStatus
from tests.factories import AdminFactory, ProjectFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = [
    ("get", "/api/v1/admin/users"),
    ("get", "/api/v1/admin/users/1"),
    ("patch", "/api/v1/admin/users/1"),
    ("delete", "/api/v1/admin/users/1"),
    ("post", "/api/v1/admin/users/1/suspend"),
    ("post", "/api/v1/admin/users/1/grant-credits"),
    ("get", "/api/v1/admin/jobs/failed"),
    ("post", "/api/v1/admin/jobs/retry"),
    ("get", "/api/v1/admin/moderation"),
    ("post", "/api/v1/admin/moderation/project/1"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/admin/analytics"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_ONLY)
def test_every_admin_endpoint_is_staff_only(auth_client, api_client, method, url):
    assert getattr(auth_client, method)(url, {}, format="json").status_code == 403
    assert getattr(api_client, method)(url, {}, format="json").status_code == 401


@pytest.fixture
def staff_client(make_client):
    return make_client(StaffFactory())


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_user_list_filters_work_together(staff_client):
    old = UserFactory(email="old@example.com")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - dt.timedelta(days=40))
    staff = StaffFactory(email="crew@example.com")
    suspended = UserFactory(email="gone@example.com", is_active=False)
    pro = UserFactory(email="pro@example.com")
    CreditAccount.objects.filter(user=pro).update(plan_id="pro")
    failing = UserFactory(email="failing@example.com")
    Job.objects.create(owner=failing, type="script_analysis", status=JobStatus.FAILED)

    get = staff_client.get
    assert _ids(get("/api/v1/admin/users", {"role": "staff", "search": "crew"})) == [staff.pk]
    assert suspended.pk in _ids(get("/api/v1/admin/users", {"is_active": "false"}))
    assert old.pk not in _ids(get("/api/v1/admin/users", {"is_active": "false"}))
    assert _ids(get("/api/v1/admin/users", {"plan": "pro"})) == [pro.pk]
    assert _ids(get("/api/v1/admin/users", {"has_failed_jobs": "true"})) == [failing.pk]
    assert failing.pk not in _ids(get("/api/v1/admin/users", {"has_failed_jobs": "false"}))
    before = (timezone.now() - dt.timedelta(days=30)).date().isoformat()
    assert _ids(get("/api/v1/admin/users", {"joined_before": before})) == [old.pk]
    assert old.pk not in _ids(get("/api/v1/admin/users", {"joined_after": before}))
    assert get("/api/v1/admin/users", {"role": "wizard"}).status_code == 400


def test_user_list_takes_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(5):
        UserFactory()
    with django_assert_max_num_queries(8):
        assert len(_ids(staff_client.get("/api/v1/admin/users"))) >= 6


def test_user_detail_gathers_every_apps_section(staff_client):
    user = UserFactory()
    ProjectFactory(owner=user)
    Job.objects.create(owner=user, type="script_analysis", status=JobStatus.FAILED)

    response = staff_client.get(f"/api/v1/admin/users/{user.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == user.email
    sections = body["sections"]
    assert set(sections) == {"billing", "jobs", "media_library", "projects", "youtube_integration"}
    assert sections["jobs"]["by_status"] == {"failed": 1}
    assert sections["projects"]["total"] == 1
    assert sections["billing"]["ledger"]["grant"]["count"] == 1  # the welcome credits
    assert "upload_quota" in sections["media_library"]
    assert sections["youtube_integration"]["connections"] == []
    assert staff_client.get("/api/v1/admin/users/999999").status_code == 404


def test_only_an_admin_changes_a_role_and_it_is_audited(staff_client, make_client):
    target = UserFactory()
    url = f"/api/v1/admin/users/{target.pk}"
    assert staff_client.patch(url, {"role": "staff"}, format="json").status_code == 403

    admin = AdminFactory()
    response = make_client(admin).patch(
        url, {"role": "staff", "reason": "joins support"}, format="json"
    )

    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert (target.role, target.is_staff) == ("staff", True)
    record = AuditEntry.objects.get(action="user.role_change")
    assert (record.actor, record.target_id) == (admin, str(target.pk))
    assert record.reason == "joins support"
    assert record.changes["role"] == {"before": "user", "after": "staff"}
    assert record.source == "api" and record.request_id
    self_change = make_client(admin).patch(
        f"/api/v1/admin/users/{admin.pk}", {"role": "user"}, format="json"
    )
    assert self_change.status_code == 403


def test_suspension_through_the_api_records_who_and_why(staff_client):
    target = UserFactory()
    response = staff_client.post(
        f"/api/v1/admin/users/{target.pk}/suspend", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    record = AuditEntry.objects.get(action="user.suspend")
    assert record.changes == {"is_active": {"before": True, "after": False}}
    assert (record.reason, record.target_repr) == ("spam", target.email)
    assert record.ip == "127.0.0.1"


def test_grant_credits_is_audited_once_per_idempotency_key(staff_client):
    target = UserFactory()
    url = f"/api/v1/admin/users/{target.pk}/grant-credits"
    for _ in range(2):
        response = staff_client.post(
            url, {"amount": 50, "reason": "sorry"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        assert response.status_code == 201
    record = AuditEntry.objects.get(action="credits.grant")
    assert record.reason == "sorry" and record.target_type == "billing.creditaccount"
    assert record.changes["balance"]["after"] - record.changes["balance"]["before"] == 50


def test_delete_anonymises_the_person_and_keeps_ledger_and_audit(make_client):
    admin = AdminFactory()
    target = UserFactory(email="someone@example.com", first_name="Some", last_name="One")
    ledger_before = CreditTransaction.objects.filter(account__user=target).count()

    response = make_client(admin).delete(
        f"/api/v1/admin/users/{target.pk}", {"reason": "asked to be forgotten"}, format="json"
    )

    assert response.status_code == 204
    target.refresh_from_db()
    assert target.email == f"deleted-{target.pk}@deleted.invalid"
    assert (target.first_name, target.last_name, target.is_active) == ("", "", False)
    assert not target.has_usable_password() and target.deleted_at is not None
    assert CreditTransaction.objects.filter(account__user=target).count() == ledger_before
    record = AuditEntry.objects.get(action="user.delete")
    assert "someone@example.com" not in str(record.changes) + record.target_repr
    assert make_client(StaffFactory()).delete(f"/api/v1/admin/users/{admin.pk}").status_code == 403


def test_an_invitation_to_an_existing_accounts_email_is_refused(admin_client):
    UserFactory(email="taken@example.com")
    response = admin_client.post("/api/v1/invitations", {"email": "Taken@Example.com"})
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert mail.outbox == []
