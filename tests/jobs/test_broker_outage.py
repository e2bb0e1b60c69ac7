"""A broker that cannot be reached when a job's stage is sent costs the user nothing: the
request succeeds and the sweeper sends the stage once the broker is back."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from jobs import services
from jobs.models import Job, JobStatus
from jobs.services import sweeper
from jobs.tasks import STAGE_TASKS

pytestmark = pytest.mark.django_db


def test_a_job_created_while_the_broker_is_down_is_sent_by_the_sweeper(
    auth_client, user, project, fund, monkeypatch, django_capture_on_commit_callbacks
):
    fund(user, 100)
    task = STAGE_TASKS["script_analysis"]

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post(
            "/api/v1/jobs", {"project": project.pk, "type": "script_analysis"}, format="json"
        )

    assert response.status_code == 201
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.QUEUED
    assert job.celery_task_id == ""
    assert job.events.filter(message__contains="broker could not be reached").exists()

    sent = []
    monkeypatch.setattr(task, "apply_async", lambda *a, **kw: sent.append(kw["task_id"]))
    too_soon = services.jobs_sweep_stuck(now=timezone.now())
    assert too_soon["resent"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        later = services.jobs_sweep_stuck(now=timezone.now() + timedelta(minutes=5))

    assert later["resent"] == 1
    job.refresh_from_db()
    assert sent == [job.celery_task_id]
    # The broker holds the message now: it is not sent again, however long it waits.
    monkeypatch.setattr(sweeper, "queued_task_ids", lambda: {job.celery_task_id})
    with django_capture_on_commit_callbacks(execute=True):
        again = services.jobs_sweep_stuck(now=timezone.now() + timedelta(minutes=10))
    assert again["resent"] == 0  # sent once: its task id is set now
