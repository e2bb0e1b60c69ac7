"""What the API answers while Redis (broker and cache) is down (issue 9, F7): a 503 in the
error shape with Retry-After where the request cannot be served, never a 500."""

import pytest
from django.test import override_settings
from kombu.exceptions import OperationalError

from tests.accounts.helpers import assert_error
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_login_while_the_throttle_cache_is_down_is_a_503_with_retry_after(api_client, settings):
    user = UserFactory()
    backend = "django.core.cache.backends.redis.RedisCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": DEAD_REDIS}}):
        response = api_client.post(
            "/api/v1/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json"
        )

    assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER)


@pytest.mark.parametrize("known", [True, False])
def test_password_reset_while_the_broker_is_down_is_a_503_whoever_asks(
    api_client, monkeypatch, known
):
    from accounts.tasks import password_reset_email_task

    def refused(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(password_reset_email_task, "delay", refused)
    email = UserFactory().email if known else "nobody@example.com"

    response = api_client.post("/api/v1/auth/password/reset", {"email": email}, format="json")

    assert_error(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0
