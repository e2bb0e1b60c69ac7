"""Fifty simultaneous job requests from one user whose credits pay for ten (real threads,
real commits: a transactional test)."""

import threading

import pytest
from django.db import connection

from billing.models import CreditAccount, CreditTransaction
from billing.selectors import ledger_sum
from jobs.models import Job
from jobs.services import job_cost
from tests.celery_worker import purge_broker
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_requests_create_exactly_the_ten_jobs_the_credits_pay_for(
    user, fund, make_client
):
    cost = job_cost(job_type="full_generation", target_duration=60)
    project = ProjectFactory(owner=user, target_duration=60)
    fund(user, cost * 10)
    barrier = threading.Barrier(50)
    statuses: list[int] = []
    lock = threading.Lock()

    def request():
        client = make_client(user)
        try:
            barrier.wait()  # all fifty hit the API together
            response = client.post(
                "/api/v1/jobs", {"project": project.pk, "type": "full_generation"}, format="json"
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    purge_broker()  # no worker here: drop the stage tasks the ten jobs queued

    account = CreditAccount.objects.get(user=user)
    assert sorted(statuses) == [201] * 10 + [402] * 40
    assert Job.objects.filter(owner=user).count() == 10
    assert account.balance == 0
    assert ledger_sum(account=account) == account.balance
    assert CreditTransaction.objects.filter(account=account, kind="reserve").count() == 10
    assert not CreditTransaction.objects.filter(account=account, balance_after__lt=0).exists()
