from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        import stripe
        from django.conf import settings
        from django.core.checks import registry
        from djstripe import checks as djstripe_checks

        from filmstudio.registry import analytics_sources, metrics_sources, user_sections

        from . import (
            selectors,
            webhooks,  # noqa: F401  (connects the money rules to dj-stripe's signals)
        )

        user_sections.register("billing", selectors.user_billing_section)
        analytics_sources.register("billing", selectors.credits_series)
        metrics_sources.register("billing", selectors.credits_metrics)

        # The official client's globals, which dj-stripe uses too: retries of network
        # failures (each POST under one idempotency key) and a bounded wait per call.
        stripe.max_network_retries = settings.STRIPE_MAX_NETWORK_RETRIES
        stripe.default_http_client = stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT)
        # dj-stripe's two checks of its WebhookEndpoint rows query the database on every start
        # (each Celery worker's too, and a test's that has none). The one endpoint row here is
        # billing.webhooks', which always takes its secret from STRIPE_WEBHOOK_SECRET.
        for check in (
            djstripe_checks.check_webhook_validation,
            djstripe_checks.check_webhook_endpoint_has_secret,
        ):
            registry.registry.registered_checks.discard(check)
