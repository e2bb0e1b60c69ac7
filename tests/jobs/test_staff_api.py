"""Staff investigate failed jobs and retry them, one or in a bounded batch, each once."""

import pytest

from billing.models import CreditTransaction
from filmstudio.models import AuditEntry
from jobs import services
from jobs.models import Job, JobStatus
from jobs.services import job_cost
from tests.factories import ProjectFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

FULL = job_cost(job_type="full_generation", target_duration=60)


def _failed_job(owner, fund, *, code="boom", stage="script_analysis"):
    fund(owner, FULL)
    project = ProjectFactory(owner=owner, target_duration=60)
    job, _ = services.job_create(user=owner, project=project, job_type="full_generation")
    services.job_stage_begin(job_id=job.pk, stage=stage)
    services.job_fail(job_id=job.pk, stage=stage, code=code, message="it broke")
    job.refresh_from_db()
    return job


@pytest.fixture
def staff_client(make_client):
    return make_client(StaffFactory())


def test_failed_jobs_list_filters_by_code_with_stage_and_attempts(staff_client, fund):
    owner = UserFactory()
    boom = _failed_job(owner, fund, code="boom")
    _failed_job(owner, fund, code="provider_down")

    response = staff_client.get("/api/v1/admin/jobs/failed", {"code": "boom"})

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [boom.pk]
    row = body["results"][0]
    assert (row["error_code"], row["failed_stage"], row["owner_email"]) == (
        "boom",
        "script_analysis",
        owner.email,
    )
    assert row["attempts"] >= 1
    assert staff_client.get("/api/v1/admin/jobs/failed", {"type": "nope"}).status_code == 400


def test_bulk_retry_charges_each_job_once_and_refuses_the_repeat(staff_client, fund):
    owner = UserFactory()
    first, second = _failed_job(owner, fund), _failed_job(owner, fund)
    fund(owner, 2 * FULL)  # what the two retries reserve

    response = staff_client.post(
        "/api/v1/admin/jobs/retry",
        {"job_ids": [first.pk, second.pk, first.pk, 999999], "reason": "provider back"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["retried"] == [first.pk, second.pk]
    assert body["refused"] == [{"id": 999999, "code": "not_found", "detail": "Job not found."}]
    again = staff_client.post("/api/v1/admin/jobs/retry", {"job_ids": [first.pk]}, format="json")
    assert again.json()["refused"][0]["code"] == "invalid_transition"
    for job in (first, second):
        reserves = CreditTransaction.objects.filter(job=job, kind="reserve").count()
        assert reserves == 2  # creation, and exactly one retry
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    records = AuditEntry.objects.filter(action="job.retry")
    assert sorted(int(r.target_id) for r in records) == sorted([first.pk, second.pk])
    assert {r.reason for r in records} == {"provider back"} and records[0].source == "api"


def test_bulk_retry_is_bounded(staff_client):
    response = staff_client.post(
        "/api/v1/admin/jobs/retry", {"job_ids": list(range(1, 102))}, format="json"
    )
    assert response.status_code == 400


def test_single_retry_404_for_an_unknown_job_and_403_for_a_user(staff_client, auth_client):
    assert staff_client.post("/api/v1/admin/jobs/424242/retry").status_code == 404
    assert auth_client.post("/api/v1/admin/jobs/1/retry").status_code == 403
    assert auth_client.get("/api/v1/admin/jobs/failed").status_code == 403
