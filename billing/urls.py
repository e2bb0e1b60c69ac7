from django.urls import path

from .apis import credits, subscriptions

urlpatterns = [
    path("plans", credits.PlanListApi.as_view(), name="plan-list"),
    path("credits/packs", credits.CreditPackListApi.as_view(), name="credit-packs"),
    path("credits/balance", credits.CreditBalanceApi.as_view(), name="credit-balance"),
    path(
        "credits/transactions",
        credits.CreditTransactionListApi.as_view(),
        name="credit-transactions",
    ),
    path("credits/topup", subscriptions.CreditTopUpApi.as_view(), name="credit-topup"),
    path(
        "admin/users/<int:pk>/grant-credits",
        credits.AdminGrantCreditsApi.as_view(),
        name="admin-grant-credits",
    ),
    path(
        "subscriptions/checkout",
        subscriptions.SubscriptionCheckoutApi.as_view(),
        name="subscription-checkout",
    ),
    path(
        "subscriptions/current",
        subscriptions.SubscriptionCurrentApi.as_view(),
        name="subscription-current",
    ),
    path(
        "subscriptions/cancel",
        subscriptions.SubscriptionCancelApi.as_view(),
        name="subscription-cancel",
    ),
    path(
        "subscriptions/resume",
        subscriptions.SubscriptionResumeApi.as_view(),
        name="subscription-resume",
    ),
    path("subscriptions/webhook", subscriptions.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("billing/portal", subscriptions.BillingPortalApi.as_view(), name="billing-portal"),
    path("billing/invoices", subscriptions.InvoiceListApi.as_view(), name="billing-invoices"),
]
