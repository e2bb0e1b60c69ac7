from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from filmstudio.commands import AuditedCommand
from filmstudio.services import audit_log
from media_library.models import UploadQuota
from media_library.services.quota import quota_week_start, quotas_reset_weekly


class Command(AuditedCommand):
    help = (
        "Drop the upload counters of past weeks (what beat does on Sundays); with --user, "
        "also give that person this week's quota back. Recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="also reset this account's current week (email)")

    def handle(self, *args, dry_run: bool, user: str | None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(email__iexact=user.strip()).first()
            if account is None:
                raise CommandError(f"No account with the email {user}.")

        def reset() -> tuple[int, int]:
            past = quotas_reset_weekly()
            current = 0
            if account is not None:
                current, _ = UploadQuota.objects.filter(
                    user=account, week_start=quota_week_start()
                ).delete()
            audit_log(
                actor=None,
                action="upload_quota.reset",
                target=account,
                changes={"rows_removed": {"before": None, "after": past + current}},
            )
            return past, current

        past, current = self.run(reset, dry_run=dry_run)
        self.stdout.write(f"Removed {past} past week counter(s), {current} of this week.")
