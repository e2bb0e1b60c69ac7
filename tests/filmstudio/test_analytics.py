"""The staff analytics against hand-counted fixtures: three days of activity."""

import datetime as dt

import pytest

from accounts.models import User
from billing.services import credits_grant
from jobs.models import Job, JobStatus
from media_library.models import Video
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY1 = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)  # a Monday
DAY2 = DAY1 + dt.timedelta(days=1)
DAY3 = DAY1 + dt.timedelta(days=2)


def _job(owner, *, created, status, finished=None, type="full_generation", **fields):
    job = Job.objects.create(owner=owner, type=type, status=status, **fields)
    Job.objects.filter(pk=job.pk).update(created_at=created, finished_at=finished)
    return job


@pytest.fixture
def activity(settings):
    settings.CREDITS_SIGNUP_GRANT = 0
    ada, bob = UserFactory(), UserFactory()
    User.objects.filter(pk=ada.pk).update(date_joined=DAY1)
    User.objects.filter(pk=bob.pk).update(date_joined=DAY2)
    done = {"stages": {"video_composition": {"duration": 90.0}}}
    timings = {"script_analysis": {"seconds": 2.0}, "video_composition": {"seconds": 10.0}}
    _job(
        ada,
        created=DAY1,
        status=JobStatus.COMPLETED,
        finished=DAY1 + dt.timedelta(minutes=3),
        started_at=DAY1,
        result=done,
        stage_timings=timings,
    )
    _job(
        ada,
        created=DAY1,
        status=JobStatus.FAILED,
        finished=DAY2,
        error_code="boom",
        stage_timings={"script_analysis": {"seconds": 4.0}},
    )
    _job(
        bob,
        created=DAY2,
        status=JobStatus.FAILED,
        finished=DAY3,
        error_code="boom",
        type="music_generation",
    )
    _job(bob, created=DAY3, status=JobStatus.FAILED, finished=DAY3, error_code="late")
    grant = credits_grant(user=ada, amount=30, reason="gift")
    type(grant).objects.filter(pk=grant.pk).update(created_at=DAY2)
    video = Video.objects.create(title="up", uploaded_by=bob, original_size=1000)
    Video.objects.filter(pk=video.pk).update(created_at=DAY3)


def test_daily_figures_match_the_hand_count(make_client, activity):
    client = make_client(StaffFactory())

    response = client.get(
        "/api/v1/admin/analytics", {"from": "2026-03-02", "to": "2026-03-04", "interval": "day"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["buckets"] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    series = body["series"]
    assert series["signups"] == [1, 1, 0]
    assert series["jobs_created"] == {"full_generation": [2, 0, 1], "music_generation": [0, 1, 0]}
    assert series["jobs_completed"] == {"full_generation": [1, 0, 0]}
    assert series["jobs_failed"] == {"full_generation": [0, 1, 1], "music_generation": [0, 0, 1]}
    assert series["active_creators"] == [1, 1, 1]
    assert series["render_minutes"] == [3.0, 0, 0]
    assert series["film_minutes"] == [1.5, 0, 0]
    assert series["credits_granted"] == [0, 30, 0]
    assert series["uploads"] == [0, 0, 1] and series["upload_bytes"] == [0, 0, 1000]
    assert series["youtube_publications"] == [0, 0, 0]
    jobs = body["totals"]["jobs"]
    assert jobs["top_failure_codes"] == [{"code": "boom", "count": 2}, {"code": "late", "count": 1}]
    # finished in the window: script_analysis took 2 s and 4 s → median 3, p95 3.9
    assert jobs["stage_seconds"]["script_analysis"] == {"count": 2, "median": 3.0, "p95": 3.9}
    assert jobs["stage_seconds"]["video_composition"]["median"] == 10.0


def test_weekly_buckets_start_on_monday_and_ranges_are_bounded(make_client, activity):
    client = make_client(StaffFactory())
    weekly = client.get(
        "/api/v1/admin/analytics", {"from": "2026-03-04", "to": "2026-03-10", "interval": "week"}
    ).json()
    assert weekly["buckets"] == ["2026-03-02", "2026-03-09"]
    assert weekly["series"]["signups"] == [2, 0]
    too_long = client.get("/api/v1/admin/analytics", {"from": "2020-01-01", "to": "2026-01-01"})
    assert too_long.status_code == 400
    backwards = client.get("/api/v1/admin/analytics", {"from": "2026-03-04", "to": "2026-03-01"})
    assert backwards.status_code == 400
