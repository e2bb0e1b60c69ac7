"""Stripe billing: accounts hold an expiring allowance and a shortfall and point at a Plan row;
ledger lines record the allowance part, the Stripe event and the PaymentIntent; Checkout rows."""

import billing.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_plans_and_credit_packs'),
        ('jobs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stripe_id', models.CharField(max_length=255, unique=True)),
                ('mode', models.CharField(choices=[('subscription', 'Subscription'), ('payment', 'Top-up')], max_length=16)),
                ('quantity', models.PositiveIntegerField(default=1)),
                ('url', models.URLField(max_length=2000)),
                ('status', models.CharField(choices=[('open', 'Open'), ('complete', 'Complete'), ('expired', 'Expired')], default='open', max_length=16)),
                ('expires_at', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='creditaccount',
            name='allowance',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='creditaccount',
            name='allowance_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='creditaccount',
            name='allowance_period',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='creditaccount',
            name='shortfall',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='credittransaction',
            name='allowance_amount',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='credittransaction',
            name='shortfall',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='credittransaction',
            name='stripe_event',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='credittransaction',
            name='stripe_payment_intent',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name='credittransaction',
            name='kind',
            field=models.CharField(choices=[('grant', 'Grant'), ('purchase', 'Purchase'), ('reserve', 'Reserve'), ('capture', 'Capture'), ('refund', 'Refund'), ('monthly_allowance', 'Monthly allowance'), ('expire', 'Expiry'), ('clawback', 'Claw-back'), ('admin_adjust', 'Admin adjustment')], max_length=20),
        ),
        migrations.AddIndex(
            model_name='credittransaction',
            index=models.Index(fields=['account', 'kind', '-created_at'], name='billing_cre_account_9e78b6_idx'),
        ),
        migrations.AddIndex(
            model_name='credittransaction',
            index=models.Index(condition=models.Q(('stripe_payment_intent', ''), _negated=True), fields=['stripe_payment_intent'], name='billing_tx_by_payment_intent'),
        ),
        migrations.AddConstraint(
            model_name='credittransaction',
            constraint=models.CheckConstraint(condition=models.Q(('shortfall__gte', 0)), name='billing_tx_shortfall_non_negative'),
        ),
        migrations.AddField(
            model_name='checkout',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkouts', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='checkout',
            name='pack',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='billing.creditpack'),
        ),
        migrations.AddField(
            model_name='checkout',
            name='plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='billing.plan'),
        ),
        migrations.AlterField(
            model_name='creditaccount',
            name='plan',
            field=models.ForeignKey(db_column='plan', default=billing.models.default_plan, on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='billing.plan', to_field='code'),
        ),
        migrations.AddIndex(
            model_name='creditaccount',
            index=models.Index(condition=models.Q(('allowance__gt', 0)), fields=['allowance_expires_at'], name='billing_account_allowance_due'),
        ),
        migrations.AddConstraint(
            model_name='creditaccount',
            constraint=models.CheckConstraint(condition=models.Q(('allowance__gte', 0), ('allowance__lte', models.F('balance'))), name='billing_account_allowance_within_balance'),
        ),
        migrations.AddConstraint(
            model_name='creditaccount',
            constraint=models.CheckConstraint(condition=models.Q(('shortfall__gte', 0)), name='billing_account_shortfall_non_negative'),
        ),
        migrations.AddIndex(
            model_name='checkout',
            index=models.Index(fields=['user', 'mode', 'status'], name='billing_che_user_id_3798f4_idx'),
        ),
        migrations.AddConstraint(
            model_name='checkout',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('mode', 'subscription'), ('pack__isnull', True), ('plan__isnull', False)), models.Q(('mode', 'payment'), ('pack__isnull', False), ('plan__isnull', True)), _connector='OR'), name='billing_checkout_sells_one_thing'),
        ),
        migrations.AddConstraint(
            model_name='checkout',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='billing_checkout_quantity'),
        ),
    ]
