import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


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
                    self.stdout.write(f"Admin {email} already exists.")
                    return
            elif User.objects.filter(is_superuser=True).exists():
                self.stdout.write("An admin already exists.")
                return
            generated = not password
            email = email or "admin@localhost"
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(email=email, password=password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin {email} with password {password} (shown only now)."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created admin {email}."))
