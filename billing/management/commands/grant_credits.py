from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from billing import services
from filmstudio.commands import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Add credits to an account (a negative amount removes some), with a reason, through "
        "the ledger; recorded in the audit log as this command."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the account's email")
        parser.add_argument("amount", type=int, help="credits to add (negative removes)")
        parser.add_argument("--reason", required=True, help="why (kept in the ledger and audit)")

    def handle(self, *args, email: str, amount: int, reason: str, dry_run: bool, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        line = self.run(
            lambda: services.credits_admin_grant(
                staff_user=None, user=user, amount=amount, reason=reason
            ),
            dry_run=dry_run,
        )
        self.stdout.write(f"{email}: {amount:+d} credits, balance {line.balance_after}.")
