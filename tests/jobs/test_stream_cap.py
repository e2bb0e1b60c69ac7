"""One user cannot hold every web thread with event streams (issue 9, F10): past
JOB_EVENTS_MAX_STREAMS_PER_USER open streams the next is a 429, and closing one frees it."""

import pytest

from jobs import services
from jobs.services import job_cost
from tests.accounts.helpers import assert_error
from tests.celery_worker import purge_broker
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_job(user, project, fund, settings):
    settings.JOB_EVENTS_MAX_STREAMS_PER_USER = 2
    fund(user, job_cost(job_type="script_analysis", target_duration=60))
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    yield job
    purge_broker()  # no worker here: drop the stage task the job queued


def test_streams_past_the_cap_are_429_until_one_closes(auth_client, live_job, make_client, fund):
    url = f"/api/v1/jobs/{live_job.pk}/events"
    first, second = auth_client.get(url), auth_client.get(url)
    assert (first.status_code, second.status_code) == (200, 200)

    assert_error(auth_client.get(url), 429, "too_many_streams")

    # Another user has streams of their own.
    other = UserFactory()
    fund(other, job_cost(job_type="script_analysis", target_duration=60))
    theirs, _ = services.job_create(
        user=other,
        project=ProjectFactory(owner=other, target_duration=60),
        job_type="script_analysis",
    )
    opened = make_client(other).get(f"/api/v1/jobs/{theirs.pk}/events")
    assert opened.status_code == 200
    opened.close()

    first.close()  # the client went away: the server closes the response
    third = auth_client.get(url)
    assert third.status_code == 200
    for response in (second, third):
        response.close()
    assert all(auth_client.get(url).status_code == 200 for _ in range(1))


def test_a_refused_stream_holds_no_slot(auth_client, live_job, settings):
    settings.JOB_EVENTS_MAX_STREAMS_PER_USER = 1
    url = f"/api/v1/jobs/{live_job.pk}/events"
    held = auth_client.get(url)
    for _ in range(3):
        assert auth_client.get(url).status_code == 429
    held.close()
    assert auth_client.get(url).status_code == 200
