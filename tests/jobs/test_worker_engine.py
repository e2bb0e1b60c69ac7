"""The job engine through a REAL Celery worker (subprocess) on Redis and PostgreSQL."""

import pytest
from django.conf import settings

from billing.models import CreditAccount, CreditTransaction
from billing.selectors import ledger_sum
from jobs import state
from jobs.models import Job, JobStatus
from jobs.services import job_cost
from jobs.stages import stages_for
from projects.models import Project
from tests.celery_worker import wait_for

from .stage_doubles import steer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FULL_COST = None  # computed per test from the settings


def _create(client, project, job_type="full_generation"):
    response = client.post("/api/v1/jobs", {"project": project.pk, "type": job_type}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _wait_status(job_id, *statuses, timeout=60):
    def reached():
        job = Job.objects.get(pk=job_id)
        return job if job.status in statuses else None

    return wait_for(reached, timeout=timeout)


def _ledger(job_id):
    return list(
        CreditTransaction.objects.filter(job_id=job_id)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def _state_changes(job):
    return [e.to_status for e in job.events.order_by("id") if e.from_status != e.to_status]


def _stage_starts(job):
    return [
        e.message.split(":")[0]
        for e in job.events.order_by("id")
        if e.message.endswith("started") and ": try " in e.message
    ]


FULL_STAGES = stages_for("full_generation")


def _balance(user):
    return CreditAccount.objects.get(user=user).balance


def test_full_generation_passes_every_state_in_order_with_events(
    celery_worker, auth_client, user, project, fund
):
    # given a user who can pay for a full generation
    cost = job_cost(job_type="full_generation", target_duration=60)
    fund(user, cost + 5)

    # when they start one and a real worker runs it
    job_id = _create(auth_client, project)
    job = _wait_status(job_id, JobStatus.COMPLETED, JobStatus.FAILED)

    # then it walked the whole machine in order, ran every stage once, and paid once
    assert job.status == JobStatus.COMPLETED
    assert _state_changes(job) == state.ORDER
    assert _stage_starts(job) == list(FULL_STAGES)
    assert job.progress == 100
    assert set(job.stage_timings) == set(FULL_STAGES)
    assert all(t["seconds"] is not None for t in job.stage_timings.values())
    progress = [e.progress for e in job.events.order_by("id")]
    assert progress == sorted(progress)
    assert _ledger(job_id) == ["reserve", "capture"]
    assert _balance(user) == 5 == ledger_sum(account=user.credit_account)
    assert Project.objects.get(pk=project.pk).status == Project.Status.COMPLETED


def test_cancel_while_a_stage_runs_stops_later_stages_and_refunds_once(
    celery_worker, auth_client, user, project, fund
):
    from celery_app import app

    cost = job_cost(job_type="full_generation", target_duration=60)
    fund(user, cost)
    # given a job whose image stage takes a while
    steer(project, delay={"image_generation": 4})
    job_id = _create(auth_client, project)
    wait_for(
        lambda: (
            Job.objects.filter(pk=job_id, status=JobStatus.GENERATING_IMAGES).exists()
            and Job.objects.get(pk=job_id)
            .events.filter(message__startswith="image_generation: try")
            .exists()
        )
    )

    # when the owner cancels it mid-stage
    response = auth_client.post(f"/api/v1/jobs/{job_id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"

    # then, once the worker is idle, no later stage ever started and the refund happened once
    def idle():
        active = app.control.inspect([celery_worker.hostname], timeout=1).active() or {}
        return active.get(celery_worker.hostname) == []

    wait_for(idle, timeout=30)
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.CANCELLED
    ran = list(FULL_STAGES[: FULL_STAGES.index("image_generation") + 1])
    assert set(job.stage_timings) == set(ran)
    assert _stage_starts(job) == ran
    last_event = job.events.order_by("id").last()
    assert last_event.to_status == JobStatus.CANCELLED
    assert _ledger(job_id) == ["reserve", "refund"]
    assert _balance(user) == cost == ledger_sum(account=user.credit_account)
    # and cancelling again is refused without a second refund
    assert auth_client.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 409
    assert _ledger(job_id) == ["reserve", "refund"]


def test_a_stage_that_fails_twice_then_succeeds_completes(
    celery_worker, auth_client, user, project, fund
):
    fund(user, 100)
    steer(project, fail={"voice_synthesis": 2})
    job_id = _create(auth_client, project, job_type="voice_synthesis")
    job = _wait_status(job_id, JobStatus.COMPLETED, JobStatus.FAILED)

    assert job.status == JobStatus.COMPLETED
    assert job.stage_attempt == 3
    failures = job.events.filter(message__contains="failed (stage double voice_synthesis")
    assert failures.count() == 2
    assert _ledger(job_id) == ["reserve", "capture"]


def test_a_stage_that_always_fails_ends_failed_with_one_refund_and_retry_resumes_there(
    celery_worker, auth_client, user, project, fund
):
    cost = job_cost(job_type="full_generation", target_duration=60)
    fund(user, cost)
    tries = settings.JOB_STAGE_MAX_RETRIES + 1  # the worker runs with the same default
    # given a job whose video stage fails on every try the engine allows
    steer(project, fail={"video_generation": 4})
    job_id = _create(auth_client, project)
    job = _wait_status(job_id, JobStatus.COMPLETED, JobStatus.FAILED)

    # then it failed there, with the error, and its reservation came back once
    assert tries == 4
    assert job.status == JobStatus.FAILED
    assert job.failed_stage == "video_generation"
    assert job.error_code == "stage_double_failure"
    assert "video_generation failed on try 4" in job.error_message
    assert _ledger(job_id) == ["reserve", "refund"]
    assert _balance(user) == cost
    assert Project.objects.get(pk=project.pk).status == Project.Status.FAILED

    # when the owner retries it (the fifth try succeeds)
    response = auth_client.post(f"/api/v1/jobs/{job_id}/retry")
    assert response.status_code == 200, response.json()
    job = _wait_status(job_id, JobStatus.COMPLETED, JobStatus.FAILED)

    # then it resumed at the failed stage: the stages before it did not run again
    assert job.status == JobStatus.COMPLETED
    assert _stage_starts(job).count("script_analysis") == 1
    assert _stage_starts(job).count("image_generation") == 1
    assert _stage_starts(job).count("video_generation") == 5
    assert _ledger(job_id) == ["reserve", "refund", "reserve", "capture"]
    assert _balance(user) == 0 == ledger_sum(account=user.credit_account)


def test_a_worker_killed_mid_stage_hands_the_job_to_another_worker_and_it_is_charged_once(
    celery_worker_factory, auth_client, user, project, fund
):
    cost = job_cost(job_type="full_generation", target_duration=60)
    fund(user, cost)
    victim = celery_worker_factory(name="victim", concurrency=1)
    # given a job in the middle of a slow stage on the victim worker
    steer(project, delay={"image_generation": 3})
    job_id = _create(auth_client, project)
    wait_for(
        lambda: (
            Job.objects.get(pk=job_id)
            .events.filter(message="image_generation: try 1 started")
            .exists()
        )
    )

    # when that worker is killed outright and another one comes up
    victim.kill()
    celery_worker_factory(name="rescuer")
    job = _wait_status(job_id, JobStatus.COMPLETED, JobStatus.FAILED, timeout=90)

    # then the stage ran again on the rescuer, the job completed and was charged once
    assert job.status == JobStatus.COMPLETED
    assert job.events.filter(message="image_generation: try 2 started").exists()
    assert _stage_starts(job).count("script_analysis") == 1
    assert _ledger(job_id) == ["reserve", "capture"]
    assert _balance(user) == 0 == ledger_sum(account=user.credit_account)
