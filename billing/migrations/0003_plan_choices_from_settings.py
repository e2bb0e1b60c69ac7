# The plans' one definition is settings.CREDIT_PLANS: the field reads its choices and default
# from there (callables, so a change of plans needs no migration). No database change.

import billing.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="creditaccount",
            name="plan",
            field=models.CharField(
                choices=billing.models.plan_choices,
                default=billing.models.default_plan,
                max_length=16,
            ),
        ),
    ]
