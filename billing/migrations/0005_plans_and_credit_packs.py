"""Plans and credit packs become data (the Plan and CreditPack tables, edited in the admin and
synced from Stripe by `manage.py billing_sync`) instead of settings.CREDIT_PLANS. The plans
start as they were configured there (PLAN_*_ALLOWANCE overrides included); three credit packs
are on offer. Neither is on sale until tied to a Stripe Price."""

from django.db import migrations, models

from filmstudio.settings.env import env

PLANS = [
    # code, name, allowance (env var it came from, default), price in cents, order
    ("free", "Free", ("PLAN_FREE_ALLOWANCE", 100), 0, 0),
    ("pro", "Pro", ("PLAN_PRO_ALLOWANCE", 1000), 1900, 1),
    ("enterprise", "Enterprise", ("PLAN_ENTERPRISE_ALLOWANCE", 10000), 9900, 2),
]
PACKS = [
    ("100-credits", "100 credits", 100, 500, 0),
    ("500-credits", "500 credits", 500, 2000, 1),
    ("2000-credits", "2,000 credits", 2000, 6900, 2),
]


def seed_catalogue(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    CreditPack = apps.get_model("billing", "CreditPack")
    for code, name, (variable, default), price, order in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "monthly_allowance": env.int(variable, default=default),
                "price_cents": price,
                "sort_order": order,
            },
        )
    for code, name, credits, price, order in PACKS:
        CreditPack.objects.get_or_create(
            code=code,
            defaults={"name": name, "credits": credits, "price_cents": price, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_open_missing_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name='CreditPack',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=32, unique=True)),
                ('name', models.CharField(max_length=80)),
                ('credits', models.PositiveIntegerField()),
                ('price_cents', models.PositiveIntegerField(default=0)),
                ('currency', models.CharField(default='usd', max_length=3)),
                ('stripe_price_id', models.CharField(blank=True, max_length=255)),
                ('is_active', models.BooleanField(default=True, help_text='Listed and on sale.')),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['sort_order', 'credits', 'code'],
            },
        ),
        migrations.CreateModel(
            name='Plan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=32, unique=True)),
                ('name', models.CharField(max_length=80)),
                ('monthly_allowance', models.PositiveIntegerField(help_text='Credits granted for each paid period; unused ones expire at its end.')),
                ('price_cents', models.PositiveIntegerField(default=0)),
                ('currency', models.CharField(default='usd', max_length=3)),
                ('interval', models.CharField(choices=[('month', 'Month'), ('year', 'Year')], default='month', max_length=8)),
                ('stripe_price_id', models.CharField(blank=True, max_length=255)),
                ('is_active', models.BooleanField(default=True, help_text='Listed and on sale.')),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['sort_order', 'price_cents', 'code'],
            },
        ),
        migrations.AddConstraint(
            model_name='creditpack',
            constraint=models.UniqueConstraint(condition=models.Q(('stripe_price_id', ''), _negated=True), fields=('stripe_price_id',), name='billing_creditpack_one_row_per_price'),
        ),
        migrations.AddConstraint(
            model_name='creditpack',
            constraint=models.CheckConstraint(condition=models.Q(('credits__gt', 0)), name='billing_pack_credits_positive'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.UniqueConstraint(condition=models.Q(('stripe_price_id', ''), _negated=True), fields=('stripe_price_id',), name='billing_plan_one_row_per_price'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.CheckConstraint(condition=models.Q(('interval__in', ['month', 'year'])), name='billing_plan_interval_valid'),
        ),
        migrations.RunPython(seed_catalogue, migrations.RunPython.noop),
    ]
