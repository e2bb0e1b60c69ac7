"""POST /scripts/analyse and POST /jobs/estimate: a screenplay's breakdown and a job's price
before anything exists (the studio's live breakdown and price). Nothing is created or moves."""

import pytest

from billing.models import CreditTransaction
from jobs.apis import ScriptsThrottle
from jobs.models import Job
from jobs.services import job_cost
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SCRIPT = """Title: Two Rooms

INT. KITCHEN - NIGHT

A kettle rattles on the stove.

MARA
Who left the light on?

JONAH
I did.

EXT. GARDEN - DAY

JONAH
I wanted you to find your way home.
"""


def _analyse(client, script):
    return client.post("/api/v1/scripts/analyse", {"script": script}, format="json")


def _estimate(client, project, **extra):
    body = {"project": project.pk, "type": "full_generation", **extra}
    return client.post("/api/v1/jobs/estimate", body, format="json")


class TestAnalyse:
    def test_a_screenplay_is_broken_down_into_scenes_characters_shots_and_a_duration(
        self, auth_client
    ):
        response = _analyse(auth_client, SCRIPT)

        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["title"], body["format"]) == ("Two Rooms", "fountain")
        assert body["characters"] == ["MARA", "JONAH"]
        assert [(s["heading"], s["shots"], s["lines"]) for s in body["scenes"]] == [
            ("INT. KITCHEN - NIGHT", 2, 3),
            ("EXT. GARDEN - DAY", 1, 1),
        ]
        assert (body["shots"], body["lines"]) == (3, 4)
        assert body["words"] == 6 + 5 + 2 + 8
        # 21 words at 2.5 a second, plus 0.8 s around each of the 3 shots, rounded up.
        assert body["estimated_seconds"] == int(21 / 2.5 + 0.8 * 3) + 1

    def test_prose_is_analysed_too(self, auth_client):
        body = _analyse(auth_client, "A fox crossed the snow. The bell rang once.").json()

        assert body["format"] == "prose"
        assert body["lines"] >= 1 and body["characters"] == []

    @pytest.mark.parametrize(
        ("script", "code"),
        [
            ("", "script_empty"),
            ("INT. EMPTY ROOM - DAY\n", "script_no_lines"),
        ],
    )
    def test_an_unusable_screenplay_says_why_under_script(self, auth_client, script, code):
        response = _analyse(auth_client, script)

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == code
        assert body["errors"]["script"] == [body["detail"]]

    def test_it_creates_no_job_and_moves_no_credit(self, auth_client, user):
        before = CreditTransaction.objects.count()

        _analyse(auth_client, SCRIPT)

        assert Job.objects.count() == 0
        assert CreditTransaction.objects.count() == before

    def test_it_needs_an_account(self, api_client):
        assert _analyse(api_client, SCRIPT).status_code == 401

    def test_it_is_rate_limited_per_user(self, auth_client, make_client, other_user, monkeypatch):
        # DRF reads the rates into the throttle class when it is defined.
        monkeypatch.setattr(ScriptsThrottle, "THROTTLE_RATES", {"scripts": "3/min"})

        answers = [_analyse(auth_client, SCRIPT).status_code for _ in range(4)]

        assert answers == [200, 200, 200, 429]
        assert _analyse(auth_client, SCRIPT).json()["code"] == "throttled"
        assert _analyse(make_client(other_user), SCRIPT).status_code == 200


class TestEstimate:
    def test_it_gives_the_cost_job_create_would_reserve_and_whether_the_balance_covers_it(
        self, auth_client, user, fund
    ):
        project = ProjectFactory(owner=user, script=SCRIPT, target_duration=90)
        fund(user, 5)  # on top of the signup grant of the settings (none in these tests)

        response = _estimate(auth_client, project)

        assert response.status_code == 200, response.json()
        body = response.json()
        cost = job_cost(job_type="full_generation", target_duration=90)
        assert body == {
            "type": "full_generation",
            "cost": cost,
            "seconds": 90,
            "balance": 5,
            "can_pay": False,
        }
        fund(user, cost - 5)
        assert _estimate(auth_client, project).json()["can_pay"] is True
        # The price is the one a real job is charged.
        created = auth_client.post(
            "/api/v1/jobs", {"project": project.pk, "type": "full_generation"}, format="json"
        )
        assert created.json()["cost"] == cost

    def test_parameters_change_the_price_and_unknown_ones_are_refused(
        self, auth_client, user, fund
    ):
        project = ProjectFactory(owner=user, script=SCRIPT, target_duration=30)

        longer = _estimate(auth_client, project, parameters={"target_duration": 300}).json()
        typo = _estimate(auth_client, project, parameters={"target_duraton": 300})

        assert longer["seconds"] == 300
        assert longer["cost"] == job_cost(job_type="full_generation", target_duration=300)
        assert typo.status_code == 400
        assert "parameters.target_duraton" in typo.json()["errors"]

    def test_unsaved_text_is_priced_instead_of_the_saved_screenplay(self, auth_client, user):
        project = ProjectFactory(owner=user, script=SCRIPT, target_duration=5)
        long_text = "INT. HALL - DAY\n\n" + "The clock ticks on and on in the hall. " * 60

        saved = _estimate(auth_client, project).json()
        edited = _estimate(auth_client, project, script=long_text).json()
        broken = _estimate(auth_client, project, script="INT. EMPTY ROOM - DAY\n")

        assert edited["seconds"] > 60 > saved["seconds"]
        assert edited["cost"] > saved["cost"]
        assert broken.status_code == 400 and broken.json()["code"] == "script_no_lines"

    def test_another_users_project_is_not_found_and_nothing_moves(self, auth_client, other_user):
        theirs = ProjectFactory(owner=other_user, script=SCRIPT)

        response = _estimate(auth_client, theirs)

        assert response.status_code == 404
        assert Job.objects.count() == 0 and CreditTransaction.objects.count() == 0


def test_a_jobs_detail_lists_its_stages_in_order_with_their_share_of_the_progress_bar(
    auth_client, user, project, fund
):
    from jobs.stages import STAGES, progress_share, stages_for

    fund(user, 1000)
    job = auth_client.post(
        "/api/v1/jobs", {"project": project.pk, "type": "full_generation"}, format="json"
    ).json()

    stages = auth_client.get(f"/api/v1/jobs/{job['id']}").json()["stages"]
    assert job["stages"] == stages
    assert [s["name"] for s in stages] == list(stages_for("full_generation"))
    assert [s["label"] for s in stages] == [STAGES[s["name"]].label for s in stages]
    assert sum(s["share"] for s in stages) == pytest.approx(1.0)
    # Where a stage ends on the bar is where the job's progress puts it.
    ends = 0.0
    for stage in stages:
        ends += stage["share"]
        assert ends == pytest.approx(progress_share("full_generation", stage["name"], 100))
