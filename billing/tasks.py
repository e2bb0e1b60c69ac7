from celery import shared_task
from django.utils import timezone

from celery_app.queues import Queue

from . import services


@shared_task(name="billing.monthly_allowance", queue_name=Queue.DEFAULT, ignore_result=True)
def grant_monthly_allowances() -> int:
    """Grant every account its plan's allowance for the current month (idempotent)."""
    return services.credits_monthly_allowance_all(period=timezone.now().strftime("%Y-%m"))
