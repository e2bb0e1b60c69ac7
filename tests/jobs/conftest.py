import pytest

from billing.services import credits_grant
from tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def _job_settings(settings):
    # Accounts start empty so every test states the credits it gives.
    settings.CREDITS_SIGNUP_GRANT = 0
    settings.JOB_PLACEHOLDER_CONTROLS = True
    settings.JOB_STAGE_WORK = "placeholder"


@pytest.fixture
def fund():
    def give(user, amount: int):
        credits_grant(user=user, amount=amount, reason="test funds")
        return user

    return give


@pytest.fixture
def project(user):
    return ProjectFactory(owner=user, target_duration=60)
