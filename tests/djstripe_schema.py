"""The test database gets dj-stripe's tables from one generated migration instead of replaying
dj-stripe's history (about 45 s of CPU on every fresh test database, one per xdist worker):
see billing/djstripe_schema.py. `makemigrations --check` and `make run` use the real ones."""

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """pytest-django calls this once, before it creates the test database."""
    from django.apps import apps

    if apps.is_installed("djstripe"):
        from billing.djstripe_schema import install_snapshot

        install_snapshot()
