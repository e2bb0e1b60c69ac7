"""Workers on separate hosts share nothing but PostgreSQL, Redis and S3.

Three real workers, each with its own var directory (work dir, render cache, media root),
render through a real S3 server (SeaweedFS): the gpu queue on one, the rest on another, and a
regenerate after one edited line on a third, fresh one.
"""

from pathlib import Path

import pytest

from jobs.models import Job, JobStatus
from projects.models import Project
from tests.celery_worker import wait_for
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCRIPT = """Title: Two Rooms

INT. KITCHEN - NIGHT

MARA
Who left the light on?

EXT. GARDEN - DAY

JONAH
I did. I wanted you to find your way home.
"""

# Small, short films: the test is about where files go, not about pixels.
FILM_ENV = {
    "JOB_STAGE_SOFT_TIME_LIMIT": "240",
    "JOB_STAGE_TIME_LIMIT": "250",
    "CELERY_VISIBILITY_TIMEOUT": "600",
    "FILM_VOICE_PROVIDER": "espeak",
    "FILM_FRAME_SIZE": "320x180",
}


def _files(root: Path, kind: str) -> list[Path]:
    return [p for p in (root / "cache" / kind).rglob("*") if p.is_file()]


@pytest.fixture
def host(celery_worker_factory, s3_env, tmp_path):
    """A worker on a host of its own: `host(name, queues)` -> (worker, its var dir)."""

    def start(name: str, queues: str):
        var = tmp_path / name
        env = {
            **FILM_ENV,
            **s3_env,
            "FILMSTUDIO_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "FILM_WORK_DIR": str(var / "work"),
            "FILM_CACHE_DIR": str(var / "cache"),
        }
        worker = celery_worker_factory(name=name, queues=queues, stage_doubles=False, env=env)
        return worker, var

    return start


def _finished(job_id: int) -> Job:
    job = wait_for(
        lambda: Job.objects.filter(
            pk=job_id, status__in=[JobStatus.COMPLETED, JobStatus.FAILED]
        ).first(),
        timeout=400,
        interval=0.5,
    )
    assert job.status == JobStatus.COMPLETED, (job.error_code, job.error_message)
    return job


def test_workers_sharing_only_s3_render_a_film_and_a_fresh_one_rerenders_one_shot(
    auth_client, user, host, s3
):
    client, bucket, keys = s3
    from billing.services import credits_grant

    credits_grant(user=user, amount=500, reason="test funds")
    project = ProjectFactory(owner=user, script=SCRIPT, aspect_ratio="16:9", frame_rate=24)
    gpu, gpu_var = host("gpu", "gpu")
    cpu, cpu_var = host("cpu", "default,media")

    # Given a full generation whose gpu stages run on one host and the rest on another
    response = auth_client.post(f"/api/v1/projects/{project.pk}/regenerate", format="json")
    assert response.status_code in (200, 201, 202), response.json()
    first = _finished(response.json()["id"])
    shots = first.result["stages"]["script_analysis"]["shots"]

    # then each host ran its own stages, and only S3 carried their files to the other
    ran = {
        name: {stage for stage in first.result["stages"] if f"jobs.stage.{stage}[" in w.logs()}
        for name, w in (("gpu", gpu), ("cpu", cpu))
    }
    assert ran["gpu"] == {"image_generation", "video_generation"}
    assert ran["cpu"] == set(first.result["stages"]) - ran["gpu"]
    assert _files(gpu_var, "clip") and _files(cpu_var, "clip")  # encoded there, read here
    stored = keys()
    assert any(k.startswith("film/cache/clip/") for k in stored)
    assert any(k.startswith("film/cache/voice/") for k in stored)
    assert not any(k.startswith(f"film/jobs/{first.pk}/") for k in stored)  # done: forgotten
    assert not (cpu_var / "media").exists() and not (gpu_var / "media").exists()
    assert first.result["stages"]["video_generation"]["rendered_shots"] == list(range(shots))

    # When one line is edited and a third, fresh host regenerates on its own
    gpu.stop()
    cpu.stop()
    Project.objects.filter(pk=project.pk).update(
        script=SCRIPT.replace("find your way home.", "find your way home tonight.")
    )
    _, fresh_var = host("fresh", "default,media,gpu")
    response = auth_client.post(f"/api/v1/projects/{project.pk}/regenerate", format="json")
    assert response.status_code in (200, 201, 202), response.json()
    second = _finished(response.json()["id"])

    # then only the edited line's shot is drawn or encoded again; the rest came from S3
    stages = second.result["stages"]
    assert stages["image_generation"]["rendered_shots"] == []
    assert stages["video_generation"]["rendered_shots"] == [shots - 1]
    assert len(_files(fresh_var, "voice")) == 2 * 2  # both lines' audio and caption timings
    assert second.result["assets"]["film"] != first.result["assets"]["film"]
