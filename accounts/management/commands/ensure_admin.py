import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from filmstudio import context
from filmstudio.services import audit_log

LOST_PASSWORD_HINT = (
    "Lost its password? `python manage.py set_password <email> --generate` sets a new one "
    "(and ends its sessions)."
)


class Command(BaseCommand):
    help = (
        "Make sure an admin exists: from DJANGO_SUPERUSER_EMAIL/DJANGO_SUPERUSER_PASSWORD, "
        "or with generated credentials that are printed once."
    )

    def handle(self, *args, **options):
        import os

        User = get_user_model()
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "").strip().lower()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        with transaction.atomic():
            if email:
                if User.objects.filter(email__iexact=email).exists():
                    self.stdout.write(f"Admin {email} already exists. {LOST_PASSWORD_HINT}")
                    return
            elif admin := User.objects.filter(is_superuser=True).order_by("id").first():
                self.stdout.write(f"An admin already exists ({admin.email}). {LOST_PASSWORD_HINT}")
                return
            generated = not password
            email = email or "admin@localhost"
            password = password or secrets.token_urlsafe(12)
            admin = User.objects.create_superuser(email=email, password=password)
            with context.bound(source="command", command="ensure_admin"):
                audit_log(actor=None, action="user.create_admin", target=admin)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin {email} with password {password} (shown only now)."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created admin {email}."))
