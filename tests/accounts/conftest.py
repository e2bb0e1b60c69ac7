import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from filmstudio.models import SiteConfig
from filmstudio.services import site_config_update


@pytest.fixture(autouse=True)
def reset_mail_runs_inline(monkeypatch) -> None:
    """Run the password-reset mail task in-process, so tests read the mail from the outbox."""
    from accounts.tasks import password_reset_email_task

    monkeypatch.setattr(
        password_reset_email_task,
        "delay",
        lambda **kwargs: password_reset_email_task.apply(kwargs=kwargs, throw=True),
    )


@pytest.fixture
def invitation_only(db):
    return site_config_update(
        data={"registration_mode": SiteConfig.RegistrationMode.INVITATION_ONLY}, user=None
    )


@pytest.fixture
def login(api_client):
    """POST /auth/login and return the response."""

    def do(email: str, password: str, ip: str = "10.0.0.1", client: APIClient | None = None):
        return (client or api_client).post(
            "/api/v1/auth/login", {"email": email, "password": password}, REMOTE_ADDR=ip
        )

    return do


@pytest.fixture
def private_cache(settings):
    """A process-local cache for throttle counters.

    The shared conftest flushes the Redis cache db before every test; under `pytest -n` another
    worker's flush would reset our counters mid-test. Throttle logic is identical on any
    Django cache backend.
    """
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    cache.clear()
