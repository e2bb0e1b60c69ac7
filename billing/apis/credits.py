"""The catalogue and the ledger: plans, credit packs, the balance, the transactions (with a
`kind` filter), staff grants."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from filmstudio.errors import NotFound
from filmstudio.idempotency import idempotency_key
from filmstudio.pagination import paginated_response
from filmstudio.permissions import IsPlatformStaff

from .. import selectors, services
from ..serializers import (
    BalanceSerializer,
    CreditPackSerializer,
    CreditTransactionSerializer,
    GrantCreditsSerializer,
    GrantResultSerializer,
    PlanSerializer,
    TransactionFilterSerializer,
)


class PlanListApi(GenericAPIView):
    """The plans (the default, free one included) with their monthly allowance and price."""

    filter_backends: list = []  # filtering is explicit (validated query serializer)
    serializer_class = PlanSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=PlanSerializer(many=True))
    def get(self, request):
        return Response(PlanSerializer(selectors.plans_list(), many=True).data)


class CreditPackListApi(GenericAPIView):
    """The credit packs on sale (purchased credits never expire)."""

    filter_backends: list = []
    serializer_class = CreditPackSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=CreditPackSerializer(many=True))
    def get(self, request):
        return Response(CreditPackSerializer(selectors.packs_list(), many=True).data)


class CreditBalanceApi(GenericAPIView):
    serializer_class = BalanceSerializer

    def get(self, request):
        return Response(selectors.credit_account_summary(user=request.user))


class CreditTransactionListApi(GenericAPIView):
    filter_backends: list = []  # filtering is explicit (validated query serializer)
    serializer_class = CreditTransactionSerializer

    @extend_schema(
        parameters=[TransactionFilterSerializer],
        responses=CreditTransactionSerializer(many=True),
    )
    def get(self, request):
        filters = TransactionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            queryset=selectors.credit_transactions_for(
                user=request.user, kind=filters.validated_data.get("kind")
            ),
            serializer_class=CreditTransactionSerializer,
            request=request,
            view=self,
        )


class AdminGrantCreditsApi(GenericAPIView):
    """Staff add credits (1 to 1,000,000) with a reason; an Idempotency-Key header makes a
    double-click grant once."""

    serializer_class = GrantCreditsSerializer
    permission_classes = [IsPlatformStaff]

    @extend_schema(
        request=GrantCreditsSerializer,
        responses={201: GrantResultSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A replay with the same key grants once. At most 150 characters.",
            )
        ],
    )
    def post(self, request, pk: int):
        data = GrantCreditsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(pk=pk).first()
        if user is None:
            raise NotFound("User not found.")
        # The ledger key is "admin:<staff id>:<key>", at most 200 characters.
        key = idempotency_key(request, max_length=150)
        tx = services.credits_admin_grant(
            staff_user=request.user,
            user=user,
            amount=data.validated_data["amount"],
            reason=data.validated_data["reason"],
            key=f"admin:{request.user.pk}:{key}" if key else None,
        )
        body = {
            "transaction": CreditTransactionSerializer(tx).data,
            "balance": selectors.credit_balance(user=user),
        }
        return Response(body, status=status.HTTP_201_CREATED)
