from celery import shared_task
from django.utils import timezone

from celery_app.queues import Queue

from . import services


@shared_task(name="billing.monthly_allowance", queue_name=Queue.DEFAULT, ignore_result=True)
def grant_monthly_allowances() -> int:
    """Grant the free plan's allowance for the current month to the accounts due one
    (idempotent per account and month; see services.credits_monthly_allowance_all)."""
    return services.credits_monthly_allowance_all(period=timezone.now().strftime("%Y-%m"))


@shared_task(name="billing.expire_allowances", queue_name=Queue.DEFAULT, ignore_result=True)
def expire_allowances() -> int:
    """Write off what is left of every allowance whose period is over."""
    return services.credits_expire_all_due()
