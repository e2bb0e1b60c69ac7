import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_reactivate, user_suspend
from filmstudio.errors import Forbidden
from tests.accounts.helpers import assert_error, bearer
from tests.factories import DEFAULT_PASSWORD, AdminFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def suspend(client, target):
    return client.post(f"/api/v1/admin/users/{target.id}/suspend")


def test_suspension_cuts_off_a_live_access_token_at_once(login, user, make_client, api_client):
    tokens = login(user.email, DEFAULT_PASSWORD).json()
    assert bearer(tokens["access"]).get("/api/v1/users/me").status_code == 200

    response = suspend(make_client(StaffFactory()), user)

    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    me = bearer(tokens["access"]).get("/api/v1/users/me")
    assert me.status_code == 401 and me.json()["code"]
    assert api_client.post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}).status_code in (
        401,
        403,
    )
    assert_error(login(user.email, DEFAULT_PASSWORD, ip="10.4.0.1"), 403, "account_suspended")


def test_reactivated_user_can_log_in_again_but_old_tokens_stay_dead(login, user, make_client):
    old = login(user.email, DEFAULT_PASSWORD).json()
    staff = make_client(StaffFactory())
    suspend(staff, user)

    response = staff.post(f"/api/v1/admin/users/{user.id}/reactivate")

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert bearer(old["access"]).get("/api/v1/users/me").status_code == 401
    assert login(user.email, DEFAULT_PASSWORD, ip="10.4.0.2").status_code == 200


def test_ordinary_users_cannot_suspend(auth_client, other_user):
    assert_error(suspend(auth_client, other_user), 403, "permission_denied")
    other_user.refresh_from_db()
    assert other_user.is_active


def test_staff_cannot_suspend_staff_but_admins_can(make_client):
    staff, other_staff = StaffFactory(), StaffFactory()
    assert_error(suspend(make_client(staff), other_staff), 403, "permission_denied")
    assert suspend(make_client(AdminFactory()), other_staff).status_code == 200


def test_nobody_suspends_themselves():
    admin = AdminFactory()
    with pytest.raises(Forbidden):
        user_suspend(user=admin, by=admin)


def test_suspending_twice_is_harmless():
    staff, target = StaffFactory(), UserFactory()
    user_suspend(user=target, by=staff)
    user_suspend(user=target, by=staff)
    target.refresh_from_db()
    assert not target.is_active
    user_reactivate(user=target, by=staff)
    target.refresh_from_db()
    assert target.is_active


def test_suspending_an_unknown_user_is_404(make_client):
    response = make_client(StaffFactory()).post("/api/v1/admin/users/999999/suspend")
    assert_error(response, 404, "not_found")


# --- staff user list


def test_staff_list_users_paginated_and_searchable(make_client):
    UserFactory.create_batch(3)
    target = UserFactory(email="findme@example.com")
    client = make_client(StaffFactory())

    page = client.get("/api/v1/admin/users", {"page_size": 2})
    found = client.get("/api/v1/admin/users", {"search": "FINDME"})

    assert page.status_code == 200
    assert page.json()["count"] == 5 and len(page.json()["results"]) == 2
    assert [u["id"] for u in found.json()["results"]] == [target.id]
    assert {"email", "role", "is_active", "is_staff"} <= set(found.json()["results"][0])


def test_user_list_query_count_does_not_grow_with_the_page(make_client):
    client = make_client(StaffFactory())
    UserFactory.create_batch(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/admin/users").status_code == 200
    UserFactory.create_batch(15)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/admin/users").json()["results"]) == 18
    assert len(large) == len(small)


def test_ordinary_users_cannot_list_users(auth_client):
    assert_error(auth_client.get("/api/v1/admin/users"), 403, "permission_denied")
