import pytest

from billing.services import credits_grant
from tests.factories import ProjectFactory

from . import stage_doubles


@pytest.fixture(autouse=True)
def _job_settings(settings):
    # Accounts start empty so every test states the credits it gives.
    settings.CREDITS_SIGNUP_GRANT = 0


@pytest.fixture(autouse=True)
def _stage_doubles():
    """The engine's tests run its stages with doubles, not the film pipeline (a worker the
    tests start loads them too, see tests/celery_worker.py)."""
    stage_doubles.install()
    yield
    stage_doubles.uninstall()


@pytest.fixture
def fund():
    def give(user, amount: int):
        credits_grant(user=user, amount=amount, reason="test funds")
        return user

    return give


@pytest.fixture
def project(user):
    return ProjectFactory(owner=user, target_duration=60)
