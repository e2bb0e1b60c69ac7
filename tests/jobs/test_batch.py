"""POST /jobs/batch: up to a hundred jobs in one request, paid all together or not at all,
idempotent, and followed and cancelled as one batch."""

import pytest

from billing.models import CreditAccount
from jobs.models import Job, JobBatch, JobStatus
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/jobs/batch"


def _variants(project, n: int) -> dict:
    moods = ["dark", "bright"]
    return {
        "jobs": [
            {
                "project": project.pk,
                "type": "music_generation",
                "parameters": {"mood": moods[i % 2]},
            }
            for i in range(n)
        ]
    }


def _balance(user) -> int:
    return CreditAccount.objects.get(user=user).balance


def test_a_hundred_variants_are_one_request_one_batch_and_one_reservation_each(
    auth_client, user, project, fund, django_assert_max_num_queries
):
    fund(user, 10_000)
    response = auth_client.post(URL, _variants(project, 100), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    jobs = Job.objects.filter(batch_id=body["id"])
    assert jobs.count() == 100 and len(body["jobs"]) == 100
    assert body["counts"] == {"queued": 100} and body["finished"] is False
    cost = jobs.first().cost
    assert _balance(user) == 10_000 - 100 * cost
    assert sorted({job.parameters["mood"] for job in jobs}) == ["bright", "dark"]

    listed = auth_client.get("/api/v1/jobs", {"batch": body["id"], "page_size": 100}).json()
    assert {row["id"] for row in listed["results"]} == {job.pk for job in jobs}
    with django_assert_max_num_queries(8):  # the batch and its jobs, whatever their number
        assert auth_client.get(f"{URL}/{body['id']}").status_code == 200


def test_a_batch_short_of_credits_creates_nothing_and_says_how_many_are_missing(
    auth_client, user, project, fund
):
    fund(user, 100)
    one = auth_client.post(URL, _variants(project, 1), format="json").json()["jobs"][0]["cost"]
    Job.objects.filter(owner=user).delete()
    JobBatch.objects.filter(owner=user).delete()
    balance = _balance(user)

    response = auth_client.post(URL, _variants(project, 60), format="json")

    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "insufficient_credits"
    short = 60 * one - balance
    assert f"{short} more are needed" in body["detail"]
    assert body["errors"]["jobs"] == [f"{short} credits short of {60 * one}."]
    assert not Job.objects.filter(owner=user) and not JobBatch.objects.filter(owner=user)
    assert _balance(user) == balance


def test_a_replayed_batch_is_charged_once_and_a_reused_key_with_another_body_is_refused(
    auth_client, user, project, fund
):
    fund(user, 1000)
    headers = {"HTTP_IDEMPOTENCY_KEY": "batch-1"}
    first = auth_client.post(URL, _variants(project, 5), format="json", **headers)
    balance = _balance(user)
    again = auth_client.post(URL, _variants(project, 5), format="json", **headers)
    other = auth_client.post(URL, _variants(project, 6), format="json", **headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert _balance(user) == balance and Job.objects.filter(owner=user).count() == 5
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_a_batch_naming_another_users_project_or_a_bad_item_creates_nothing(
    auth_client, user, other_user, project, fund
):
    fund(user, 1000)
    theirs = ProjectFactory(owner=other_user)
    body = _variants(project, 3)
    body["jobs"].append({"project": theirs.pk, "type": "music_generation"})
    assert auth_client.post(URL, body, format="json").status_code == 404

    body = _variants(project, 3)
    body["jobs"][2]["parameters"] = {"mood": "furious"}
    response = auth_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert any(key.startswith("jobs.2.parameters") for key in response.json()["errors"])

    too_many = auth_client.post(URL, _variants(project, 101), format="json")
    assert too_many.status_code == 400
    assert not Job.objects.filter(owner=user)


def test_cancelling_a_batch_cancels_and_refunds_its_live_jobs_and_others_see_none_of_it(
    auth_client, user, project, fund, make_client, other_user
):
    fund(user, 1000)
    batch = auth_client.post(URL, _variants(project, 4), format="json").json()
    done = Job.objects.filter(batch_id=batch["id"]).first()
    Job.objects.filter(pk=done.pk).update(status=JobStatus.COMPLETED)  # one already ended
    before = _balance(user)

    assert make_client(other_user).post(f"{URL}/{batch['id']}/cancel").status_code == 404
    response = auth_client.post(f"{URL}/{batch['id']}/cancel")

    assert response.status_code == 200
    assert response.json()["counts"] == {"completed": 1, "cancelled": 3}
    assert response.json()["finished"] is True
    assert _balance(user) == before + 3 * done.cost


def test_one_screenplay_in_variants_of_frame_and_cast_renders_each_as_asked(
    auth_client, user, fund
):
    from jobs.film_stages import _film_run

    fund(user, 10_000)
    project = ProjectFactory(owner=user, aspect_ratio="16:9", cast={"MARA": "man"})
    variants = [
        {"aspect_ratio": aspect, "cast": {"mara": voice}}
        for aspect in ("16:9", "9:16", "1:1")
        for voice in ("man", "man_old")
    ]
    body = {
        "jobs": [
            {"project": project.pk, "type": "full_generation", "parameters": parameters}
            for parameters in variants
        ]
    }
    response = auth_client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()

    runs = [_film_run(job) for job in Job.objects.filter(batch_id=response.json()["id"])]
    assert sorted((run.aspect, dict(run.cast)["MARA"]) for run in runs) == sorted(
        (v["aspect_ratio"], v["cast"]["mara"]) for v in variants
    )
    bad = {"jobs": [{**body["jobs"][0], "parameters": {"cast": {"MARA": "nobody"}}}]}
    assert auth_client.post(URL, bad, format="json").status_code == 400
