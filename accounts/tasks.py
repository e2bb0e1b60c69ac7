"""Celery adapters for accounts: take plain arguments, call a service. `default` queue."""

from celery import shared_task

from accounts.services import password_reset_email_send
from celery_app.queues import Queue


# Late acks like every task (settings/celery.py): a worker lost mid-send sends the mail again,
# and a duplicate reset link is harmless. The limits bound a hung SMTP server.
@shared_task(
    name="accounts.password_reset_email",
    queue_name=Queue.DEFAULT,
    soft_time_limit=60,
    time_limit=90,
)
def password_reset_email_task(*, email: str) -> bool:
    return password_reset_email_send(email=email)


@shared_task(
    name="accounts.flush_expired_tokens",
    queue_name=Queue.DEFAULT,
    soft_time_limit=300,
    time_limit=330,
)
def flush_expired_tokens() -> None:
    """Drop outstanding/blacklisted rows of refresh tokens that expired (SimpleJWT's own)."""
    from django.core.management import call_command

    call_command("flushexpiredtokens")
