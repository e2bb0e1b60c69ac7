"""Paying through Stripe: subscribe (Checkout), top up credits, the current subscription, cancel
and resume at the period's end, the Billing Portal, invoices, and Stripe's webhook.

Without STRIPE_SECRET_KEY the paying endpoints answer 503 `billing_not_configured`; the rest
(the subscription on the default plan, an empty invoice list) works offline."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from filmstudio.pagination import paginated_response

from .. import selectors, services, webhooks
from ..serializers import (
    InvoiceSerializer,
    RedirectSerializer,
    SubscriptionCheckoutSerializer,
    SubscriptionSerializer,
    TopUpSerializer,
)

REDIRECT_ERRORS = {
    409: OpenApiResponse(description="`already_subscribed`, `not_for_sale`"),
    503: OpenApiResponse(description="`billing_not_configured`, `stripe_unavailable`"),
}


class _RedirectApi(GenericAPIView):
    """Validate the body, ask the service where to send the browser: 201 {"id", "url", "kind"}."""

    service = staticmethod(services.subscription_checkout)

    @extend_schema(responses={201: RedirectSerializer, **REDIRECT_ERRORS})
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        redirect = self.service(user=request.user, **data.validated_data)
        return Response(RedirectSerializer(redirect).data, status=status.HTTP_201_CREATED)


class SubscriptionCheckoutApi(_RedirectApi):
    """Subscribe to a plan: a Stripe Checkout Session to send the browser to (an open one for
    the same plan is reused). With a live subscription to another plan, the Billing Portal
    confirming the plan change instead (`kind: portal`): never a second subscription."""

    serializer_class = SubscriptionCheckoutSerializer
    service = staticmethod(services.subscription_checkout)


class CreditTopUpApi(_RedirectApi):
    """Buy `quantity` credit packs: a Stripe Checkout Session (payment) to send the browser to.
    The credits arrive with Stripe's webhook once the payment succeeds."""

    serializer_class = TopUpSerializer
    service = staticmethod(services.credits_topup)


class SubscriptionCurrentApi(GenericAPIView):
    """The caller's plan and subscription: status, the current period's end, whether it is
    cancelled at that end, and the allowance left this period."""

    serializer_class = SubscriptionSerializer

    def get(self, request):
        return Response(
            SubscriptionSerializer(selectors.subscription_current(user=request.user)).data
        )


class _PeriodEndApi(GenericAPIView):
    serializer_class = SubscriptionSerializer
    change = staticmethod(services.subscription_cancel)

    @extend_schema(
        request=None,
        responses={
            200: SubscriptionSerializer,
            409: OpenApiResponse(description="`no_subscription`"),
            503: OpenApiResponse(description="`billing_not_configured`, `stripe_unavailable`"),
        },
    )
    def post(self, request):
        self.change(user=request.user)
        return Response(
            SubscriptionSerializer(selectors.subscription_current(user=request.user)).data
        )


class SubscriptionCancelApi(_PeriodEndApi):
    """Cancel at the end of the current period (the plan and its allowance run until then).
    Idempotent."""

    change = staticmethod(services.subscription_cancel)


class SubscriptionResumeApi(_PeriodEndApi):
    """Undo a cancellation that has not taken effect yet, or resume a paused subscription (a
    trial that ended without a payment method: a new period starts now and is invoiced).
    Idempotent."""

    change = staticmethod(services.subscription_resume)


class BillingPortalApi(GenericAPIView):
    """A Stripe Billing Portal session (cards, invoices, plan, cancellation)."""

    serializer_class = RedirectSerializer

    @extend_schema(request=None, responses={201: RedirectSerializer, **REDIRECT_ERRORS})
    def post(self, request):
        redirect = services.billing_portal(user=request.user)
        return Response(RedirectSerializer(redirect).data, status=status.HTTP_201_CREATED)


class InvoiceListApi(GenericAPIView):
    """The caller's Stripe invoices, newest first, with the hosted invoice page's address."""

    filter_backends: list = []
    serializer_class = InvoiceSerializer

    @extend_schema(responses=InvoiceSerializer(many=True))
    def get(self, request):
        return paginated_response(
            queryset=selectors.invoices_for(user=request.user),
            serializer_class=InvoiceSerializer,
            request=request,
            view=self,
        )


class WebhookReceivedSerializer(serializers.Serializer):
    event = serializers.CharField(help_text="The Stripe event's id.")
    processed = serializers.BooleanField()


class StripeWebhookApi(GenericAPIView):
    """Stripe's webhook (register this URL at Stripe with its signing secret in
    STRIPE_WEBHOOK_SECRET). The `Stripe-Signature` is verified before anything is stored;
    each event is processed once, however often or concurrently it is delivered."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = WebhookReceivedSerializer

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: WebhookReceivedSerializer,
            400: OpenApiResponse(description="`invalid_signature`"),
            409: OpenApiResponse(description="`unknown_price` (Stripe delivers it again)"),
            503: OpenApiResponse(description="`billing_not_configured`, `stripe_unavailable`"),
        },
    )
    def post(self, request):
        trigger = webhooks.webhook_receive(request=request)
        return Response({"event": trigger.event_id, "processed": trigger.processed})
