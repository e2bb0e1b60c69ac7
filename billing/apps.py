from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        import stripe
        from django.conf import settings

        from . import webhooks  # noqa: F401  (connects the money rules to dj-stripe's signals)

        # The official client's globals, which dj-stripe uses too: retries of network
        # failures (each POST under one idempotency key) and a bounded wait per call.
        stripe.max_network_retries = settings.STRIPE_MAX_NETWORK_RETRIES
        stripe.default_http_client = stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT)
