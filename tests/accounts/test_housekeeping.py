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
        assert entry["options"]["expires"] > 0, name
        assert entry["task"] in app.tasks, name
