"""The ledger in the Django admin: readable and searchable, never written by hand."""

import pytest

from billing import services
from billing.models import CreditAccount, CreditTransaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    # Before any user (the superuser too) is created: the ledger holds only the test's lines.
    settings.CREDITS_SIGNUP_GRANT = 0


@pytest.fixture
def tx():
    return services.credits_grant(user=UserFactory(), amount=50, reason="welcome")


def test_the_ledger_and_accounts_are_listed_and_readable(superuser_client, tx):
    for url in [
        "/admin/billing/credittransaction/",
        f"/admin/billing/credittransaction/{tx.pk}/change/",
        "/admin/billing/creditaccount/",
        f"/admin/billing/creditaccount/{tx.account_id}/change/",
    ]:
        assert superuser_client.get(url).status_code == 200, url
    found = superuser_client.get("/admin/billing/credittransaction/", {"q": "welcome"})
    assert found.context["cl"].result_count == 1


def test_a_ledger_line_cannot_be_added_changed_or_deleted_in_the_admin(superuser_client, tx):
    base = "/admin/billing/credittransaction"
    assert superuser_client.get(f"{base}/add/").status_code == 403
    assert superuser_client.get(f"{base}/{tx.pk}/delete/").status_code == 403
    changed = superuser_client.post(
        f"{base}/{tx.pk}/change/", {"amount": 999999, "balance_after": 999999, "kind": "grant"}
    )
    assert changed.status_code == 403
    bulk = superuser_client.post(
        f"{base}/", {"action": "delete_selected", "_selected_action": [tx.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    row = CreditTransaction.objects.get(pk=tx.pk)
    assert (row.amount, row.balance_after) == (50, 50)


def test_an_account_cannot_be_added_deleted_or_given_a_balance_in_the_admin(superuser_client, tx):
    base = "/admin/billing/creditaccount"
    account = CreditAccount.objects.get(pk=tx.account_id)
    assert superuser_client.get(f"{base}/add/").status_code == 403
    # Deleting an account would cascade into its ledger.
    assert superuser_client.get(f"{base}/{account.pk}/delete/").status_code == 403
    superuser_client.post(
        f"{base}/",
        {"action": "delete_selected", "_selected_action": [account.pk], "post": "yes"},
    )
    superuser_client.post(
        f"{base}/{account.pk}/change/",
        {"plan": "pro", "balance": 10**9, "credittransaction_set-TOTAL_FORMS": "0"},
    )
    account.refresh_from_db()
    assert account.balance == 50
    assert CreditTransaction.objects.filter(pk=tx.pk).exists()
