"""The operators' manage.py commands: each says what it does (--help), rehearses with
--dry-run and leaves an audit record naming the command."""

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from billing.models import CreditAccount
from filmstudio.models import AuditEntry
from jobs.models import Job, JobStatus
from media_library.models import Video
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_grant_credits_rehearses_then_grants_and_records_the_command():
    user = UserFactory()
    balance = CreditAccount.objects.get(user=user).balance

    _run("grant_credits", user.email, "40", reason="outage", dry_run=True)
    assert CreditAccount.objects.get(user=user).balance == balance
    assert not AuditEntry.objects.exists()

    _run("grant_credits", user.email, "40", reason="outage")
    assert CreditAccount.objects.get(user=user).balance == balance + 40
    record = AuditEntry.objects.get(action="credits.grant")
    assert record.source == "command" and record.command.startswith("grant_credits")
    assert record.actor is None and record.reason == "outage"


def test_retry_failed_jobs_picks_by_code(settings):
    owner = UserFactory()
    wanted = Job.objects.create(
        owner=owner, type="music_generation", status=JobStatus.FAILED, error_code="provider_down"
    )
    Job.objects.create(
        owner=owner, type="music_generation", status=JobStatus.FAILED, error_code="x"
    )

    out = _run("retry_failed_jobs", code="provider_down", dry_run=True)

    assert f"[{wanted.pk}]" in out
    assert Job.objects.get(pk=wanted.pk).status == JobStatus.FAILED  # rehearsed only


def test_ensure_admin_tells_how_to_reset_a_lost_password(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    _run("ensure_admin")
    out = _run("ensure_admin")
    assert "set_password" in out and "admin@localhost" in out
    new = _run("set_password", "admin@localhost", generate=True)
    assert "shown only now" in new
    assert AuditEntry.objects.filter(action="user.set_password", source="command").count() == 1


def test_cleanup_media_lists_orphans_and_deletes_them_only_when_asked():
    video = Video.objects.create(title="kept", uploaded_by=UserFactory())
    kept = default_storage.save(f"videos/{video.key}/original.mp4", ContentFile(b"x"))
    Video.objects.filter(pk=video.pk).update(original=kept)
    orphan = default_storage.save("videos/gone/original.mp4", ContentFile(b"x"))
    old = (dt.datetime.now() - dt.timedelta(days=1)).timestamp()
    for name in (kept, orphan):
        os.utime(default_storage.path(name), (old, old))

    listed = _run("cleanup_media")
    assert f"orphan  {orphan}" in listed and kept not in listed
    assert default_storage.exists(orphan)

    _run("cleanup_media", delete=True)
    assert not default_storage.exists(orphan) and default_storage.exists(kept)
    assert AuditEntry.objects.filter(action="media.cleanup").exists()


def test_the_other_commands_run(capsys):
    assert "requeued" in _run("requeue_stuck_jobs", dry_run=True)
    assert "Removed" in _run("reset_upload_quotas")
    assert "signups" in _run("render_stats", days=3)
    assert AuditEntry.objects.filter(action="upload_quota.reset", source="command").exists()
