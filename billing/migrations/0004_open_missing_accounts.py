"""Every user has a credit account from now on: accounts are opened when users are created
(accounts.services.user_setup), and the reads no longer open them on first use. This opens
one, with the signup grant, for every earlier user who never had it read: what their first
read would have done. Idempotent (unique account per user, grant keyed `signup:<user id>`)."""

from django.conf import settings
from django.db import migrations


def open_missing_accounts(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    CreditAccount = apps.get_model("billing", "CreditAccount")
    CreditTransaction = apps.get_model("billing", "CreditTransaction")
    grant = settings.CREDITS_SIGNUP_GRANT
    for user in User.objects.filter(credit_account__isnull=True).iterator(chunk_size=500):
        account = CreditAccount.objects.create(
            user=user, plan=settings.DEFAULT_PLAN, balance=max(grant, 0)
        )
        if grant > 0:
            CreditTransaction.objects.create(
                account=account,
                kind="grant",
                amount=grant,
                balance_after=grant,
                reason="Welcome credits",
                idempotency_key=f"signup:{user.pk}",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_plan_choices_from_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(open_missing_accounts, migrations.RunPython.noop),
    ]
