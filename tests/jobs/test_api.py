"""The job endpoints (no worker: stage tasks are queued on commit, which these tests never
reach; tests/jobs/test_worker_engine.py runs them for real)."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import CreditAccount, CreditTransaction
from jobs import services
from jobs.models import Job, JobStatus
from jobs.services import job_cost
from jobs.stages import STAGES, stages_for
from projects.models import Asset, Project
from tests.factories import ProjectFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

FULL = job_cost(job_type="full_generation", target_duration=60)


def _post_job(client, project, job_type="full_generation", key=None, **extra):
    body = {"project": project.pk, "type": job_type, **extra}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/jobs", body, format="json", **headers)


def _balance(user):
    return CreditAccount.objects.get(user=user).balance


def _kinds(job_id):
    return list(
        CreditTransaction.objects.filter(job_id=job_id)
        .order_by("id")
        .values_list("kind", flat=True)
    )


class TestCreate:
    def test_creating_a_job_reserves_its_cost_and_queues_it(self, auth_client, user, project, fund):
        fund(user, FULL + 3)

        response = _post_job(auth_client, project, priority="high")

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "queued"
        assert body["priority"] == "high"
        assert body["cost"] == FULL
        assert body["current_stage"] == "script_analysis"
        assert [e["to_status"] for e in body["events"]] == ["pending", "validating", "queued"]
        assert _balance(user) == 3
        assert _kinds(body["id"]) == ["reserve"]
        assert Project.objects.get(pk=project.pk).status == Project.Status.GENERATING

    def test_a_long_script_is_priced_at_its_own_length_not_a_short_target(
        self, auth_client, user, fund
    ):
        fund(user, 1000)
        line = "The keeper climbs the endless stairs of the old lighthouse again tonight. "
        script = "INT. LIGHTHOUSE - NIGHT\n\n" + "\n\n".join([line * 4] * 20) + "\n"
        project = ProjectFactory(owner=user, script=script, target_duration=5)
        # 20 shots of 48 words: 960 words at 150 a minute, plus the pauses: over 6 minutes.
        response = _post_job(auth_client, project, parameters={"target_duration": 5})
        assert response.status_code == 201, response.json()
        assert response.json()["cost"] == job_cost(job_type="full_generation", target_duration=401)
        assert response.json()["cost"] > job_cost(job_type="full_generation", target_duration=5)

    def test_the_cost_follows_the_target_duration(self, auth_client, user, project, fund):
        fund(user, 1000)
        response = _post_job(auth_client, project, parameters={"target_duration": 150})
        assert response.json()["cost"] == job_cost(job_type="full_generation", target_duration=150)
        assert job_cost(job_type="full_generation", target_duration=150) == 10 + 10 * 3

    def test_not_enough_credits_is_402_and_leaves_no_job(self, auth_client, user, project, fund):
        fund(user, FULL - 1)

        response = _post_job(auth_client, project)

        assert response.status_code == 402
        assert response.json()["code"] == "insufficient_credits"
        assert "detail" in response.json()
        assert not Job.objects.exists()
        assert _balance(user) == FULL - 1
        assert Project.objects.get(pk=project.pk).status == Project.Status.DRAFT

    def test_another_users_project_is_404(self, auth_client, user, fund):
        fund(user, 100)
        response = _post_job(auth_client, ProjectFactory())
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"type": "dance"}, "type"),
            ({"priority": "urgent"}, "priority"),
            ({"parameters": {"colour": "red"}}, "parameters.colour"),
            ({"parameters": {"target_duration": 3}}, "parameters.target_duration"),
            ({"type": "voice_synthesis", "parameters": {"voice": "joe"}}, "parameters.voice"),
            ({"type": "music_generation", "parameters": {"mood": "jazz"}}, "parameters.mood"),
            ({"parameters": []}, "parameters"),
        ],
    )
    def test_invalid_input_is_400_naming_the_field(
        self, auth_client, user, project, fund, body, field
    ):
        fund(user, 100)
        payload = {"type": "full_generation", **body}
        response = auth_client.post(
            "/api/v1/jobs", {"project": project.pk, **payload}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert _balance(user) == 100

    def test_test_controls_are_not_a_parameter(self, auth_client, user, project, fund):
        # The engine's tests steer their stage doubles out of band, never through the API.
        fund(user, 100)
        response = _post_job(auth_client, project, parameters={"placeholder": {"delay": {}}})
        assert response.status_code == 400
        assert "parameters.placeholder" in response.json()["errors"]

    @pytest.mark.parametrize(
        "script,code",
        [
            ("   \n\n", "script_empty"),
            ("INT. HOUSE - DAY\n\n" + "Rain falls on the roof.\n\n" * 20_000, "script_too_large"),
            # PostgreSQL refuses NUL in text; the API refuses it first (a 400 on the project).
            ("".join(chr(c) for c in range(1, 32) if chr(c) not in "\n\r\t") * 40, "script_binary"),
            ("Title: Nothing\nAuthor: Nobody\n\n", "script_no_scenes"),
            ("INT. HOUSE - DAY\n\nEXT. GARDEN - NIGHT\n", "script_no_lines"),
        ],
    )
    def test_an_unusable_script_is_400_with_its_code_and_costs_nothing(
        self, auth_client, user, fund, script, code
    ):
        fund(user, 100)
        project = ProjectFactory(owner=user, script=script)
        response = _post_job(auth_client, project)
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == code
        assert response.json()["errors"]["script"]
        assert not Job.objects.exists()
        assert _balance(user) == 100

    def test_a_type_without_a_script_does_not_need_one(self, auth_client, user, fund):
        fund(user, 100)
        project = ProjectFactory(owner=user, script="")
        response = _post_job(auth_client, project, job_type="music_generation")
        assert response.status_code == 201


class TestIdempotency:
    def test_a_replayed_key_returns_the_same_job_and_charges_once(
        self, auth_client, user, project, fund
    ):
        fund(user, FULL * 3)

        first = _post_job(auth_client, project, key="abc-1")
        replay = _post_job(auth_client, project, key="abc-1")

        assert first.status_code == 201
        assert replay.status_code == 200
        assert replay.json()["id"] == first.json()["id"]
        assert Job.objects.count() == 1
        assert _balance(user) == FULL * 2
        assert _kinds(first.json()["id"]) == ["reserve"]

    def test_the_same_key_with_a_different_body_is_refused(self, auth_client, user, project, fund):
        fund(user, FULL * 3)
        _post_job(auth_client, project, key="abc-2")

        response = _post_job(auth_client, project, key="abc-2", priority="low")

        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert Job.objects.count() == 1
        assert _balance(user) == FULL * 2

    def test_an_overlong_key_is_400_and_creates_nothing(self, auth_client, user, project, fund):
        fund(user, FULL)
        response = _post_job(auth_client, project, key="k" * 201)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_idempotency_key"
        assert not Job.objects.exists()
        assert _balance(user) == FULL

    def test_a_replayed_regenerate_returns_the_same_job(self, auth_client, user, project, fund):
        fund(user, FULL * 2)
        url = f"/api/v1/projects/{project.pk}/regenerate"
        first = auth_client.post(url, HTTP_IDEMPOTENCY_KEY="regen-1")
        replay = auth_client.post(url, HTTP_IDEMPOTENCY_KEY="regen-1")
        assert (first.status_code, replay.status_code) == (201, 200)
        assert replay.json()["id"] == first.json()["id"]
        assert _balance(user) == FULL

    def test_keys_belong_to_their_user(self, auth_client, make_client, user, project, fund):
        other = fund(UserFactory(), FULL)
        fund(user, FULL)
        mine = _post_job(auth_client, project, key="shared")
        theirs = _post_job(make_client(other), ProjectFactory(owner=other), key="shared")
        assert theirs.status_code == 201
        assert theirs.json()["id"] != mine.json()["id"]


@pytest.fixture
def job(user, project, fund):
    fund(user, FULL)
    created, _ = services.job_create(user=user, project=project, job_type="full_generation")
    return created


def _fail(job):
    """Put the job in FAILED as the worker would after its last try."""
    services.job_stage_begin(job_id=job.pk, stage="script_analysis")
    services.job_fail(job_id=job.pk, stage="script_analysis", code="boom", message="it broke")
    job.refresh_from_db()
    return job


class TestReadAndList:
    def test_detail_shows_state_progress_timings_and_events(self, auth_client, job):
        services.job_stage_begin(job_id=job.pk, stage="script_analysis")
        services.job_progress(
            job_id=job.pk, stage="script_analysis", status="processing", percent=50, message="half"
        )

        body = auth_client.get(f"/api/v1/jobs/{job.pk}").json()

        assert body["status"] == "processing"
        # Half of the first stage, weighted by its share of a render (the stage table).
        share = STAGES["script_analysis"].weight / sum(
            STAGES[name].weight for name in stages_for("full_generation")
        )
        assert body["progress"] == int(share * 50)
        assert "script_analysis" in body["stage_timings"]
        assert body["events"][-1]["message"] == "half"
        assert body["valid_transitions"] == ["generating_images", "failed", "cancelled"]

    def test_other_users_jobs_are_404_everywhere(self, make_client, job):
        stranger = make_client(UserFactory())
        for method, path in [
            ("get", ""),
            ("delete", ""),
            ("post", "/cancel"),
            ("post", "/retry"),
            ("get", "/valid-transitions"),
            ("get", "/download-url"),
            ("get", "/events"),
        ]:
            response = getattr(stranger, method)(f"/api/v1/jobs/{job.pk}{path}")
            assert response.status_code == 404, (method, path)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

    def test_list_is_scoped_filtered_and_paginated(self, auth_client, user, fund):
        fund(user, 1000)
        a, b = ProjectFactory(owner=user), ProjectFactory(owner=user)
        j1, _ = services.job_create(user=user, project=a, job_type="script_analysis")
        j2, _ = services.job_create(user=user, project=b, job_type="music_generation")
        j3, _ = services.job_create(user=user, project=b, job_type="music_generation")
        services.job_cancel(job=j3)
        other = fund(UserFactory(), 100)
        services.job_create(
            user=other, project=ProjectFactory(owner=other), job_type="script_analysis"
        )

        def ids(query=""):
            return [j["id"] for j in auth_client.get(f"/api/v1/jobs{query}").json()["results"]]

        assert ids() == [j3.pk, j2.pk, j1.pk]
        assert ids(f"?project={a.pk}") == [j1.pk]
        assert ids("?type=music_generation") == [j3.pk, j2.pk]
        assert ids("?status=cancelled") == [j3.pk]
        page = auth_client.get("/api/v1/jobs?page_size=2").json()
        assert page["count"] == 3 and len(page["results"]) == 2
        assert auth_client.get("/api/v1/jobs?status=bogus").status_code == 400

    def test_list_does_a_constant_number_of_queries(self, auth_client, user, fund):
        fund(user, 1000)
        project = ProjectFactory(owner=user)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert auth_client.get("/api/v1/jobs").status_code == 200
            return len(ctx)

        services.job_create(user=user, project=project, job_type="script_analysis")
        one = count()
        for _ in range(5):
            services.job_create(user=user, project=project, job_type="script_analysis")
        assert count() == one


class TestCancelRetryTransitions:
    def test_cancel_refunds_once_and_a_second_cancel_is_409(self, auth_client, user, job):
        response = auth_client.post(f"/api/v1/jobs/{job.pk}/cancel")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert _balance(user) == FULL
        assert Project.objects.get(pk=job.project_id).status == Project.Status.DRAFT

        again = auth_client.post(f"/api/v1/jobs/{job.pk}/cancel")
        assert again.status_code == 409
        assert again.json()["code"] == "invalid_transition"
        assert _kinds(job.pk) == ["reserve", "refund"]
        assert _balance(user) == FULL

    def test_delete_cancels(self, auth_client, user, job):
        response = auth_client.delete(f"/api/v1/jobs/{job.pk}")
        assert response.status_code == 200
        assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
        assert _kinds(job.pk) == ["reserve", "refund"]

    def test_retry_of_a_live_job_is_409(self, auth_client, job):
        response = auth_client.post(f"/api/v1/jobs/{job.pk}/retry")
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_transition"

    def test_retry_of_a_failed_job_reserves_again_and_resumes_at_the_failed_stage(
        self, auth_client, user, job, fund
    ):
        _fail(job)
        assert _balance(user) == FULL

        response = auth_client.post(f"/api/v1/jobs/{job.pk}/retry")

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "queued"
        assert body["current_stage"] == "script_analysis"
        assert body["error_code"] == ""
        assert _kinds(job.pk) == ["reserve", "refund", "reserve"]
        assert _balance(user) == 0

    def test_retry_without_credits_is_402_and_the_job_stays_failed(self, auth_client, user, job):
        _fail(job)
        CreditAccount.objects.filter(user=user).update(balance=0)
        response = auth_client.post(f"/api/v1/jobs/{job.pk}/retry")
        assert response.status_code == 402
        assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED

    def test_valid_transitions_follow_the_machine(self, auth_client, job):
        body = auth_client.get(f"/api/v1/jobs/{job.pk}/valid-transitions").json()
        assert body == {
            "status": "queued",
            "valid_transitions": ["processing", "failed", "cancelled"],
        }
        _fail(job)
        body = auth_client.get(f"/api/v1/jobs/{job.pk}/valid-transitions").json()
        assert body == {"status": "failed", "valid_transitions": ["queued"]}


class TestStaffStatus:
    def test_only_staff_may_set_a_status(self, auth_client, job):
        response = auth_client.patch(f"/api/v1/jobs/{job.pk}/status", {"status": "processing"})
        assert response.status_code == 403

    def test_staff_moves_a_job_along_the_machine_and_invalid_moves_are_409(
        self, make_client, user, job
    ):
        staff = make_client(StaffFactory())
        url = f"/api/v1/jobs/{job.pk}/status"

        assert staff.patch(url, {"status": "processing"}).json()["status"] == "processing"
        skip = staff.patch(url, {"status": "composing"})
        assert skip.status_code == 409
        assert skip.json()["code"] == "invalid_transition"
        back = staff.patch(url, {"status": "queued"})
        assert back.status_code == 409

        failed = staff.patch(url, {"status": "failed", "message": "bad input"})
        assert failed.json()["status"] == "failed"
        assert failed.json()["error_code"] == "failed_by_staff"
        assert _kinds(job.pk) == ["reserve", "refund"]
        assert staff.patch(url, {"status": "completed"}).status_code == 409

    def test_staff_completing_a_job_captures_its_credits(self, make_client, user, job):
        staff = make_client(StaffFactory())
        for status in [
            "processing",
            "generating_images",
            "generating_video",
            "generating_audio",
            "composing",
            "completed",
        ]:
            assert (
                staff.patch(f"/api/v1/jobs/{job.pk}/status", {"status": status}).status_code == 200
            )
        assert _kinds(job.pk) == ["reserve", "capture"]
        assert Project.objects.get(pk=job.project_id).status == Project.Status.COMPLETED

    @pytest.mark.parametrize(
        "body", [{}, {"status": "bogus"}, {"status": "failed", "message": "x" * 301}]
    )
    def test_a_malformed_status_change_is_400_and_changes_nothing(self, make_client, job, body):
        response = make_client(StaffFactory()).patch(
            f"/api/v1/jobs/{job.pk}/status", body, format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) <= {"status", "message"}
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        assert _kinds(job.pk) == ["reserve"]

    def test_unknown_job_is_404_for_staff(self, make_client):
        response = make_client(StaffFactory()).patch(
            "/api/v1/jobs/999999/status", {"status": "failed"}
        )
        assert response.status_code == 404


class TestStats:
    def test_staff_see_queue_depths_running_failures_and_stage_means(self, make_client, job, user):
        services.job_stage_begin(job_id=job.pk, stage="script_analysis")
        services.job_stage_finish(job_id=job.pk, stage="script_analysis", outputs={})
        failed = Job.objects.get(pk=job.pk)
        services.job_cancel(job=failed)

        body = make_client(StaffFactory()).get("/api/v1/jobs/stats").json()

        assert set(body["queues"]) == {"default", "media", "gpu"}
        assert body["failed_24h"] == 0
        assert "script_analysis" in body["mean_stage_seconds"]

    def test_stats_are_staff_only(self, auth_client):
        assert auth_client.get("/api/v1/jobs/stats").status_code == 403


class TestDownload:
    def _with_film(self, job):
        asset = Asset.objects.create(project=job.project, kind="film", content_type="video/mp4")
        asset.file.save("film.mp4", ContentFile(b"FAKE-MP4-BYTES"))
        Job.objects.filter(pk=job.pk).update(result={"assets": {"film": asset.pk}})
        return asset

    def test_no_result_yet_is_409(self, auth_client, job):
        response = auth_client.get(f"/api/v1/jobs/{job.pk}/download-url")
        assert response.status_code == 409
        assert response.json()["code"] == "no_result"

    def test_the_signed_url_streams_the_result_without_a_login(self, auth_client, api_client, job):
        self._with_film(job)

        body = auth_client.get(f"/api/v1/jobs/{job.pk}/download-url").json()
        assert body["expires_in"] > 0
        response = api_client.get(body["url"])

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"FAKE-MP4-BYTES"

    def test_a_tampered_link_is_404_and_an_expired_one_410(
        self, auth_client, api_client, job, settings
    ):
        self._with_film(job)
        url = auth_client.get(f"/api/v1/jobs/{job.pk}/download-url").json()["url"]

        assert api_client.get(url[:-3] + "xyz").status_code == 404
        settings.SIGNED_URL_MAX_AGE = -1
        expired = api_client.get(url)
        assert expired.status_code == 410
        assert expired.json()["code"] == "link_expired"


class TestEvents:
    def test_the_stream_sends_every_event_and_ends_at_a_terminal_state(self, auth_client, job):
        services.job_cancel(job=job)

        response = auth_client.get(f"/api/v1/jobs/{job.pk}/events", HTTP_ACCEPT="text/event-stream")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        text = b"".join(response.streaming_content).decode()
        assert text.count("event: state") == 4  # pending, validating, queued, cancelled
        assert text.rstrip().endswith('data: {"status": "cancelled"}')

    def test_last_event_id_resumes_after_it(self, auth_client, job):
        services.job_cancel(job=job)
        first = job.events.order_by("id").first()
        response = auth_client.get(
            f"/api/v1/jobs/{job.pk}/events", HTTP_LAST_EVENT_ID=str(first.id)
        )
        text = b"".join(response.streaming_content).decode()
        assert f"id: {first.id}\n" not in text
        assert text.count("event: state") == 3


class TestRegenerate:
    def test_regenerate_starts_a_full_generation_job(self, auth_client, user, project, fund):
        fund(user, FULL)
        response = auth_client.post(f"/api/v1/projects/{project.pk}/regenerate")
        assert response.status_code == 201
        assert response.json()["type"] == "full_generation"
        assert _balance(user) == 0

    def test_regenerate_of_another_users_project_is_404(self, auth_client):
        assert (
            auth_client.post(f"/api/v1/projects/{ProjectFactory().pk}/regenerate").status_code
            == 404
        )

    def test_regenerate_without_credits_is_402(self, auth_client, project):
        assert auth_client.post(f"/api/v1/projects/{project.pk}/regenerate").status_code == 402
