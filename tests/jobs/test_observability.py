"""A job's story can be followed in the logs by the id of the request that created it, and
Prometheus sees what a real worker did."""

import json

import pytest

from jobs.models import Job, JobStatus
from jobs.services import job_cost
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_stage_task_logs_the_request_id_and_metrics_count_the_job(
    celery_worker_factory, auth_client, client, user, project, fund, tmp_path, monkeypatch
):
    # given a worker writing JSON logs and its metrics to a shared multiprocess directory
    shared = tmp_path / "prometheus"
    shared.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    worker = celery_worker_factory(
        name="observed", env={"PROMETHEUS_MULTIPROC_DIR": str(shared), "LOG_FORMAT": "json"}
    )
    fund(user, job_cost(job_type="script_analysis", target_duration=60))

    # when a request with its own id creates a job that the worker runs
    response = auth_client.post(
        "/api/v1/jobs",
        {"project": project.pk, "type": "script_analysis"},
        format="json",
        HTTP_X_REQUEST_ID="req-observed-0001",
    )
    assert response.status_code == 201 and response["X-Request-ID"] == "req-observed-0001"
    job_id = response.json()["id"]
    wait_for(lambda: Job.objects.get(pk=job_id).status == JobStatus.COMPLETED, timeout=60)

    # then the stage task's log lines carry the request id and the job id
    lines = [json.loads(line) for line in worker.logs().splitlines() if line.startswith("{")]
    started = [line for line in lines if line.get("event") == "task started"]
    assert any(
        line.get("request_id") == "req-observed-0001" and line.get("job_id") == job_id
        for line in started
    ), worker.logs()[-3000:]

    # and /metrics (the internal network) shows the job and the worker's stage timing
    body = client.get("/metrics").content.decode()
    assert 'filmstudio_jobs{status="completed"} 1.0' in body
    assert 'filmstudio_stage_seconds_count{stage="script_analysis"} 1.0' in body
