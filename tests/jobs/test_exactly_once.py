"""Credits move exactly once when the engine's actors race or repeat themselves: a cancel
against a stage finishing, two allowance runs at once, retries that reserve again, and the
broker queues that carry job priorities (real threads and commits: transactional tests)."""

import threading
from collections import Counter

import pytest
import redis
from django.conf import settings
from django.db import connection

from billing import services as billing
from billing.models import CreditAccount, CreditTransaction, Plan
from billing.selectors import ledger_sum
from jobs import selectors, services, state
from jobs.models import Job, JobStatus
from jobs.services import job_cost
from tests.celery_worker import purge_broker
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MUSIC = job_cost(job_type="music_generation", target_duration=60)


@pytest.fixture(autouse=True)
def _empty_broker():
    purge_broker()
    yield
    purge_broker()  # no worker here: drop the stage tasks the jobs queued


def _together(*calls):
    """Run the calls in threads released at the same instant; returns their results (an
    exception instance for a call that raised)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the race's loser is part of the result
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _kinds(job):
    return Counter(CreditTransaction.objects.filter(job=job).values_list("kind", flat=True))


def test_a_cancel_racing_the_last_stage_finishing_settles_the_job_once(user, project, fund):
    rounds = 6
    fund(user, MUSIC * rounds)
    outcomes = []
    for _ in range(rounds):
        job, _ = services.job_create(user=user, project=project, job_type="music_generation")
        services.job_stage_begin(job_id=job.pk, stage="music_generation")

        cancel, finish = _together(
            lambda job=job: services.job_cancel(job=job),
            lambda job=job: services.job_stage_finish(
                job_id=job.pk, stage="music_generation", outputs={}
            ),
        )

        job.refresh_from_db()
        outcomes.append(job.status)
        if job.status == JobStatus.CANCELLED:
            assert finish is None  # the finish found the job cancelled and did nothing
            assert _kinds(job) == Counter({"reserve": 1, "refund": 1})
        else:
            assert job.status == JobStatus.COMPLETED
            assert isinstance(cancel, state.InvalidTransition)
            assert _kinds(job) == Counter({"reserve": 1, "capture": 1})
    account = CreditAccount.objects.get(user=user)
    captured = outcomes.count(JobStatus.COMPLETED)
    assert account.balance == MUSIC * (rounds - captured)
    assert ledger_sum(account=account) == account.balance


def test_two_allowance_runs_at_once_grant_each_account_once_a_month(settings):
    settings.CREDITS_SIGNUP_GRANT = 0
    users = [UserFactory() for _ in range(3)]
    for user in users:
        billing.credit_account_get_or_create(user=user)

    first, second = _together(
        lambda: billing.credits_monthly_allowance_all(period="2031-05"),
        lambda: billing.credits_monthly_allowance_all(period="2031-05"),
    )

    assert first + second == 3
    allowance = Plan.objects.get(code="free").monthly_allowance
    for user in users:
        account = CreditAccount.objects.get(user=user)
        assert account.balance == allowance
        assert account.ledger.filter(kind="monthly_allowance").count() == 1


def test_each_retry_reserves_again_and_each_failure_refunds_its_own_reservation_once(
    user, project, fund
):
    fund(user, MUSIC)
    job, _ = services.job_create(user=user, project=project, job_type="music_generation")
    for _ in range(2):
        services.job_stage_begin(job_id=job.pk, stage="music_generation")
        # The failing task is delivered twice (a redelivery after a crash): one refund.
        services.job_fail(job_id=job.pk, stage="music_generation", code="boom", message="x")
        services.job_fail(job_id=job.pk, stage="music_generation", code="boom", message="x")
        assert CreditAccount.objects.get(user=user).balance == MUSIC
        services.job_retry(job=job)
        assert CreditAccount.objects.get(user=user).balance == 0

    services.job_stage_begin(job_id=job.pk, stage="music_generation")
    services.job_stage_finish(job_id=job.pk, stage="music_generation", outputs={})
    services.job_stage_finish(job_id=job.pk, stage="music_generation", outputs={})

    keys = list(
        CreditTransaction.objects.filter(job=job).order_by("id").values_list("kind", "amount")
    )
    assert keys == [
        ("reserve", -MUSIC),
        ("refund", MUSIC),
        ("reserve", -MUSIC),
        ("refund", MUSIC),
        ("reserve", -MUSIC),
        ("capture", 0),
    ]
    account = CreditAccount.objects.get(user=user)
    assert account.balance == 0 == ledger_sum(account=account)


def test_queue_depths_count_every_priority_level_of_a_queue(user, fund):
    fund(user, 3 * job_cost(job_type="script_analysis", target_duration=60))
    for priority in ("high", "normal", "low"):
        services.job_create(
            user=user,
            project=ProjectFactory(owner=user, target_duration=60),
            job_type="script_analysis",
            priority=priority,
        )

    # kombu keeps one Redis list per priority step: "default" (0), "default:3", "default:6"...
    # (script analysis runs on the default queue, see jobs/stages.py)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    lists = {key.decode(): client.llen(key) for key in client.keys("default*")}
    assert lists == {"default": 1, "default:3": 1, "default:6": 1}
    assert selectors.queue_depths() == {"default": 3, "media": 0, "gpu": 0}
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 3
