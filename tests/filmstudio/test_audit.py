"""The audit log: every staff action from every surface leaves one record that nobody can
change or delete, and staff can read it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from billing.models import CreditAccount
from filmstudio.models import AuditEntry
from filmstudio.services import audit_log
from media_library.models import Category
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return get_user_model().objects.create_superuser(email="root@example.com", password="x")


@pytest.fixture
def admin_site(client, root):
    client.force_login(root)
    return client


def test_the_database_refuses_to_change_or_delete_a_record(root):
    entry = audit_log(actor=root, action="test.thing", reason="why")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="nothing happened"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "why"


def test_the_admin_page_reads_but_never_changes_a_record(admin_site, root):
    entry = audit_log(actor=root, action="test.thing", reason="why")
    url = f"/admin/filmstudio/auditentry/{entry.pk}/change/"
    assert admin_site.get(url).status_code == 200
    assert admin_site.post(url, {"reason": "rewritten"}).status_code == 403
    delete = admin_site.post(f"/admin/filmstudio/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert admin_site.get("/admin/filmstudio/auditentry/add/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "why"


def test_an_admin_action_is_recorded_with_the_admin_site_as_its_origin(admin_site, root):
    target = UserFactory()
    response = admin_site.post(
        "/admin/accounts/user/",
        {"action": "suspend", "_selected_action": [target.pk]},
        HTTP_USER_AGENT="pytest-browser",
    )
    assert response.status_code == 302
    record = AuditEntry.objects.get(action="user.suspend")
    assert (record.actor, record.source, record.user_agent) == (root, "admin", "pytest-browser")
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_id=str(target.pk)).exists()


def test_the_credit_account_grant_action_goes_through_the_ledger(admin_site, root):
    target = UserFactory()
    account = CreditAccount.objects.get(user=target)
    balance = account.balance
    admin_site.post(
        "/admin/billing/creditaccount/",
        {
            "action": "grant_credits",
            "_selected_action": [account.pk],
            "amount": "25",
            "reason": "outage",
        },
    )
    account.refresh_from_db()
    assert account.balance == balance + 25
    record = AuditEntry.objects.get(action="credits.grant")
    assert (record.source, record.reason) == ("admin", "outage")


def test_an_admin_form_save_records_the_changed_fields(admin_site):
    category = Category.objects.create(name="Drama", slug="drama")
    response = admin_site.post(
        f"/admin/media_library/category/{category.pk}/change/", {"name": "Melodrama"}
    )
    assert response.status_code == 302
    record = AuditEntry.objects.get(action="category.change")
    assert record.changes == {"name": {"before": "Drama", "after": "Melodrama"}}


def test_staff_read_the_log_with_filters(make_client):
    staff = StaffFactory()
    target = UserFactory()
    audit_log(actor=staff, action="user.suspend", target=target)
    audit_log(actor=staff, action="credits.grant")
    client = make_client(staff)

    users = client.get("/api/v1/admin/audit", {"action": "user."}).json()
    assert [row["action"] for row in users["results"]] == ["user.suspend"]
    by_target = client.get(
        "/api/v1/admin/audit", {"target_type": "accounts.user", "target_id": target.pk}
    ).json()
    assert by_target["count"] == 1 and by_target["results"][0]["actor_email"] == staff.email


def test_an_admin_add_form_never_copies_a_password_into_the_log(admin_site):
    response = admin_site.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "role": "user",
            "usable_password": "true",
            "password1": "a-Long-s3cret-phrase",
            "password2": "a-Long-s3cret-phrase",
        },
    )
    assert response.status_code == 302
    record = AuditEntry.objects.get(action="user.add")
    assert "a-Long-s3cret-phrase" not in str(record.changes)
    assert record.changes["email"]["after"] == "new@example.com"
