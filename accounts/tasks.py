"""Celery adapters for accounts: take plain arguments, call a service. `default` queue."""

from celery import shared_task

from accounts.services import password_reset_email_send


# A mail is cheap and a duplicate is harmless, so no late acks; the limits bound a hung SMTP.
@shared_task(name="accounts.password_reset_email", soft_time_limit=60, time_limit=90)
def password_reset_email_task(*, email: str) -> bool:
    return password_reset_email_send(email=email)
