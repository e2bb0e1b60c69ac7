import getpass
import secrets

from django.core.management.base import CommandError
from django.db import transaction

from accounts import services
from accounts.selectors import user_by_email
from filmstudio.commands import AuditedCommand
from filmstudio.services import audit_log


class Command(AuditedCommand):
    help = (
        "Set an account's password (a lost admin password, say): typed twice, or generated "
        "with --generate and printed once. Every session of the account ends; recorded in "
        "the audit log (not the password)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--generate", action="store_true", help="generate and print one")

    def handle(self, *args, email: str, generate: bool, dry_run: bool, **options):
        user = user_by_email(email=email)
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        if generate:
            password = secrets.token_urlsafe(12)
        else:
            password = getpass.getpass("New password: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords differ.")
        if dry_run:
            self.stdout.write(f"Dry run: the password of {user.email} would be set.")
            return
        with transaction.atomic():
            user.set_password(password)
            user.save(update_fields=["password"])
            services.user_tokens_revoke(user=user)
            audit_log(actor=None, action="user.set_password", target=user)
        shown = f" to {password} (shown only now)" if generate else ""
        self.stdout.write(self.style.SUCCESS(f"Password of {user.email} set{shown}."))
