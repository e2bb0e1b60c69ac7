"""The Server-Sent Events stream of a job while the job is still running (transactional: the
stream gives its database connection back between polls, which a test transaction forbids)."""

import pytest
from django.db import connection

from jobs import services, streams
from jobs.services import job_cost
from tests.celery_worker import purge_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_job(user, project, fund, settings):
    settings.JOB_EVENTS_POLL_INTERVAL = 0
    fund(user, job_cost(job_type="script_analysis", target_duration=60))
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    yield job
    purge_broker()  # no worker here: drop the stage task the job queued


def _stream(client, job, **headers):
    response = client.get(f"/api/v1/jobs/{job.pk}/events", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache"
    return response


def test_the_stream_follows_a_running_job_and_holds_no_connection_while_it_waits(
    auth_client, live_job, monkeypatch
):
    connected_while_waiting: list[bool] = []

    def sleep(_seconds):
        connected_while_waiting.append(connection.connection is not None)
        if len(connected_while_waiting) == 1:
            services.job_stage_begin(job_id=live_job.pk, stage="script_analysis")
        else:
            services.job_stage_finish(job_id=live_job.pk, stage="script_analysis", outputs={})

    monkeypatch.setattr(streams.time, "sleep", sleep)

    text = b"".join(_stream(auth_client, live_job).streaming_content).decode()

    assert connected_while_waiting == [False, False]
    ids = [int(line[4:]) for line in text.splitlines() if line.startswith("id: ")]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert ids == list(live_job.events.order_by("id").values_list("id", flat=True))
    assert text.index('"to_status": "processing"') < text.index('"to_status": "completed"')
    assert text.rstrip().endswith('data: {"status": "completed"}')


def test_a_stream_ends_at_its_lifetime_so_the_client_reconnects(
    auth_client, live_job, settings, monkeypatch
):
    settings.JOB_EVENTS_MAX_SECONDS = 0
    monkeypatch.setattr(streams.time, "sleep", lambda _s: None)
    last = live_job.events.order_by("id").last()

    text = b"".join(_stream(auth_client, live_job).streaming_content).decode()

    assert f"id: {last.id}\n" in text
    assert "event: end" not in text  # the job still runs: EventSource reconnects

    resumed = _stream(auth_client, live_job, HTTP_LAST_EVENT_ID=str(last.id))
    assert "id: " not in b"".join(resumed.streaming_content).decode()


def test_a_quiet_stream_sends_heartbeats(auth_client, live_job, monkeypatch):
    monkeypatch.setattr(streams, "SSE_HEARTBEAT_SECONDS", 0)
    polls: list[int] = []

    def sleep(_seconds):
        polls.append(1)
        if len(polls) == 3:
            services.job_cancel(job=live_job)

    monkeypatch.setattr(streams.time, "sleep", sleep)

    text = b"".join(_stream(auth_client, live_job).streaming_content).decode()

    assert text.count(": heartbeat\n\n") == 3
    assert text.rstrip().endswith('data: {"status": "cancelled"}')
