from django.urls import path

from . import apis

urlpatterns = [
    path("plans", apis.PlanListApi.as_view(), name="plan-list"),
    path("credits/balance", apis.CreditBalanceApi.as_view(), name="credit-balance"),
    path(
        "credits/transactions",
        apis.CreditTransactionListApi.as_view(),
        name="credit-transactions",
    ),
    path(
        "admin/users/<int:pk>/grant-credits",
        apis.AdminGrantCreditsApi.as_view(),
        name="admin-grant-credits",
    ),
]
