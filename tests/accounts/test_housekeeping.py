from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.authentication import refresh_token_for
from accounts.tasks import flush_expired_tokens
from celery_app.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def test_expired_refresh_tokens_are_flushed_and_live_ones_kept(user):
    live = refresh_token_for(user)
    expired = refresh_token_for(user)
    OutstandingToken.objects.filter(jti=expired["jti"]).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    flush_expired_tokens.apply()

    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [live["jti"]]


def test_every_periodic_task_expires_and_is_registered():
    from celery_app import app

    app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["options"]["expires"] == entry["options"]["expire_seconds"] > 0, name
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db(transaction=True)  # the scheduler closes the connection it used
def test_the_database_scheduler_keeps_every_entrys_expiry():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from celery_app import app

    DatabaseScheduler(app=app, lazy=True).setup_schedule()

    for name, entry in BEAT_SCHEDULE.items():
        stored = PeriodicTask.objects.get(name=name)
        assert stored.task == entry["task"]
        assert stored.expire_seconds == entry["options"]["expire_seconds"] > 0, name
