import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import services
from billing.models import CreditAccount, CreditPack, CreditTransaction, Plan
from filmstudio.errors import PaymentRequired
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signup_grant(settings):
    settings.CREDITS_SIGNUP_GRANT = 0


def test_plans_and_packs_are_public_data(api_client):
    Plan.objects.filter(code="pro").update(monthly_allowance=1234, name="Pro+")
    plans = api_client.get("/api/v1/plans")
    packs = api_client.get("/api/v1/credits/packs")

    assert plans.status_code == packs.status_code == 200
    assert [p["code"] for p in plans.json()] == ["free", "pro", "enterprise"]
    pro = plans.json()[1]
    assert (pro["name"], pro["monthly_allowance"], pro["interval"]) == ("Pro+", 1234, "month")
    # offline (no Stripe price yet) nothing is on sale, yet everything is listed
    assert not any(p["purchasable"] for p in plans.json() + packs.json())
    assert [p["credits"] for p in packs.json()] == sorted(
        CreditPack.objects.values_list("credits", flat=True)
    )


def test_a_plan_or_pack_taken_off_sale_is_not_listed(api_client):
    Plan.objects.filter(code="enterprise").update(is_active=False)
    CreditPack.objects.filter(code="100-credits").update(is_active=False)
    assert "enterprise" not in [p["code"] for p in api_client.get("/api/v1/plans").json()]
    packs = api_client.get("/api/v1/credits/packs").json()
    assert "100-credits" not in [p["code"] for p in packs]


def test_balance_is_the_users_own(auth_client, user):
    services.credits_grant(user=user, amount=42)
    services.credits_grant(user=UserFactory(), amount=7)
    assert auth_client.get("/api/v1/credits/balance").json() == {"balance": 42, "plan": "free"}


def test_balance_needs_a_login(api_client):
    assert api_client.get("/api/v1/credits/balance").status_code == 401


def test_transactions_are_the_users_newest_first_paginated_in_constant_queries(auth_client, user):
    services.credits_grant(user=UserFactory(), amount=7)
    for amount in (1, 2, 3):
        services.credits_grant(user=user, amount=amount)

    def fetch(query=""):
        with CaptureQueriesContext(connection) as ctx:
            response = auth_client.get(f"/api/v1/credits/transactions{query}")
        return response.json(), len(ctx)

    body, queries = fetch()
    assert body["count"] == 3
    assert [t["amount"] for t in body["results"]] == [3, 2, 1]
    assert [t["balance_after"] for t in body["results"]] == [6, 3, 1]
    for _ in range(5):
        services.credits_grant(user=user, amount=1)
    assert fetch()[1] == queries
    assert len(fetch("?page_size=2")[0]["results"]) == 2


class TestGrant:
    def test_staff_grant_credits_with_a_reason(self, make_client, user):
        staff = StaffFactory()
        response = make_client(staff).post(
            f"/api/v1/admin/users/{user.pk}/grant-credits", {"amount": 500, "reason": "goodwill"}
        )
        assert response.status_code == 201
        assert response.json()["balance"] == 500
        tx = CreditTransaction.objects.get(account__user=user)
        assert (tx.kind, tx.reason, tx.created_by) == ("grant", "goodwill", staff)

    def test_an_admin_adjustment_removes_credits_but_never_below_zero(self, user):
        staff = StaffFactory()
        services.credits_grant(user=user, amount=10)

        tx = services.credits_admin_grant(staff_user=staff, user=user, amount=-4, reason="fix")
        assert (tx.kind, tx.amount, tx.balance_after, tx.created_by) == (
            "admin_adjust",
            -4,
            6,
            staff,
        )
        with pytest.raises(PaymentRequired):
            services.credits_admin_grant(staff_user=staff, user=user, amount=-7, reason="fix")
        assert CreditAccount.objects.get(user=user).balance == 6

    def test_a_replayed_idempotency_key_grants_once(self, make_client, user):
        client = make_client(StaffFactory())
        url = f"/api/v1/admin/users/{user.pk}/grant-credits"
        for _ in range(2):
            client.post(url, {"amount": 100, "reason": "x"}, HTTP_IDEMPOTENCY_KEY="k1")
        assert CreditAccount.objects.get(user=user).balance == 100

    def test_an_overlong_idempotency_key_is_400_not_cut_short(self, make_client, user):
        # Keys that differ only past the limit must not be taken for replays of each other.
        client = make_client(StaffFactory())
        url = f"/api/v1/admin/users/{user.pk}/grant-credits"
        for last in "ab":
            response = client.post(
                url, {"amount": 100, "reason": "x"}, HTTP_IDEMPOTENCY_KEY="k" * 150 + last
            )
            assert response.status_code == 400
            assert response.json()["code"] == "invalid_idempotency_key"
        assert not CreditTransaction.objects.filter(account__user=user).exists()
        at_limit = client.post(url, {"amount": 100, "reason": "x"}, HTTP_IDEMPOTENCY_KEY="k" * 150)
        assert at_limit.status_code == 201
        assert CreditAccount.objects.get(user=user).balance == 100

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"amount": 0, "reason": "x"}, "amount"),
            ({"amount": -5, "reason": "x"}, "amount"),
            ({"amount": 1_000_001, "reason": "x"}, "amount"),
            ({"amount": 10**30, "reason": "x"}, "amount"),
            ({"amount": 1.5, "reason": "x"}, "amount"),
            ({"amount": "lots", "reason": "x"}, "amount"),
            ({"amount": None, "reason": "x"}, "amount"),
            ({"amount": 5}, "reason"),
            ({"amount": 5, "reason": "   "}, "reason"),
            ({"amount": 5, "reason": "x" * 301}, "reason"),
        ],
    )
    def test_invalid_grants_are_400_and_move_nothing(self, make_client, user, body, field):
        response = make_client(StaffFactory()).post(
            f"/api/v1/admin/users/{user.pk}/grant-credits", body, format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert field in response.json()["errors"]
        assert not CreditTransaction.objects.filter(account__user=user).exists()

    def test_users_cannot_grant_and_unknown_users_are_404(self, auth_client, make_client, user):
        url = f"/api/v1/admin/users/{user.pk}/grant-credits"
        assert auth_client.post(url, {"amount": 5, "reason": "me"}).status_code == 403
        staff = make_client(StaffFactory())
        missing = staff.post(
            "/api/v1/admin/users/999999/grant-credits", {"amount": 5, "reason": "x"}
        )
        assert missing.status_code == 404
