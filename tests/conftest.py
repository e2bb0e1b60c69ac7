from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db.models.signals import post_migrate
from rest_framework.test import APIClient

from tests.factories import AdminFactory, UserFactory

pytest_plugins = ["tests.celery_worker", "tests.djstripe_schema", "tests.s3_server"]


def _seed_billing_catalogue(sender, using, **kwargs):
    """A transactional test ends with a flush of every table, and Django sends post_migrate
    after it (as after `migrate`): put back the plans and credit packs billing's migration
    seeds, which the rest of the suite (and every new account's plan) relies on."""
    if sender.name == "billing":
        seed = import_module("billing.migrations.0005_plans_and_credit_packs").seed_catalogue
        seed(django_apps, None)


post_migrate.connect(_seed_billing_catalogue, dispatch_uid="tests-seed-billing-catalogue")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Every test gets its own media folder and an empty cache (throttle counters)."""
    if not settings.USE_S3:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
            },
        }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # PBKDF2 at production cost makes every login and factory user take ~0.3 s; the tests are
    # about the flows, not the hasher's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Fair share (one running job per free creator) is about whose job waits; the tests of
    # everything else start as many jobs as they need (tests/jobs/test_fair_share.py sets it).
    settings.JOB_RUNNING_LIMITS, settings.JOB_RUNNING_LIMIT_DEFAULT = {}, 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def auth_client(user) -> APIClient:
    """An API client logged in as `user` with a real JWT access token."""
    from accounts.authentication import refresh_token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(user).access_token}")
    client.user = user
    return client


@pytest.fixture
def make_client():
    """Build an authenticated client for any user."""
    from accounts.authentication import refresh_token_for

    def build(for_user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(for_user).access_token}")
        client.user = for_user
        return client

    return build


@pytest.fixture
def admin_user(db):
    """A platform admin (role admin), replacing pytest-django's superuser."""
    return AdminFactory()


@pytest.fixture
def admin_client(admin_user, make_client):
    """An API client logged in as `admin_user` with a real JWT access token."""
    return make_client(admin_user)
