"""The accounts REST API: thin views that validate input, call one service, shape output."""

from django.contrib.auth import get_user_model, logout
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Invitation
from accounts.serializers import (
    AdminRoleSerializer,
    AdminUserDetailSerializer,
    AdminUserFilterSerializer,
    AdminUserSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    InvitationValidSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ReasonSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
)
from accounts.throttles import (
    LoginEmailThrottle,
    LoginIPThrottle,
    PasswordResetEmailThrottle,
    PasswordResetIPThrottle,
)
from filmstudio.permissions import IsPlatformAdmin, IsPlatformStaff

User = get_user_model()


class _PublicView(generics.GenericAPIView):
    # No authentication at all: a stale or broken Authorization header must not stop
    # someone from logging in, registering or refreshing.
    authentication_classes: list = []
    permission_classes = [AllowAny]


def _validated(view: generics.GenericAPIView, request) -> dict:
    serializer = view.get_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["auth"], responses={201: MeSerializer})
class RegisterApi(_PublicView):
    serializer_class = RegisterSerializer

    def post(self, request):
        user = services.user_register(**_validated(self, request))
        return Response(MeSerializer(selectors.user_profile(user=user)).data, status=201)


@extend_schema(tags=["auth"], responses={200: TokenPairSerializer})
class LoginApi(_PublicView):
    serializer_class = LoginSerializer
    throttle_classes = [LoginIPThrottle, LoginEmailThrottle]

    def post(self, request):
        _, tokens = services.user_login(**_validated(self, request))
        return Response(tokens)


@extend_schema(tags=["auth"], responses={200: TokenPairSerializer})
class RefreshApi(_PublicView):
    serializer_class = RefreshSerializer

    def post(self, request):
        return Response(services.token_refresh(**_validated(self, request)))


@extend_schema(tags=["auth"], responses={204: None})
class LogoutApi(_PublicView):
    # Possession of the refresh token is the proof: logging out must work even after the
    # access token has expired.
    serializer_class = RefreshSerializer

    def post(self, request):
        services.token_blacklist(**_validated(self, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"], request=None, responses={200: TokenPairSerializer})
class SocialTokenApi(generics.GenericAPIView):
    """After a Google or GitHub sign-in through allauth's headless browser API, which ends
    in a session cookie, a single-page app trades that session for the JWT pair every client
    uses (the same tokens as /auth/login). The session ends here: it was only the way in.
    Cookie authentication, so the CSRF token is required (header X-CSRFToken)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    serializer_class = TokenPairSerializer

    def post(self, request):
        tokens = services.tokens_issue(user=request.user)
        logout(request)
        return Response(tokens)


@extend_schema(tags=["users"])
class MeApi(generics.GenericAPIView):
    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        # DRF's OPTIONS metadata asks for the object a PUT would change: the caller.
        return self.request.user

    def get(self, request):
        return Response(MeSerializer(selectors.user_profile(user=request.user)).data)

    def patch(self, request):
        return self._update(request, partial=True)

    def put(self, request):
        return self._update(request, partial=False)

    def _update(self, request, *, partial: bool):
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(selectors.user_profile(user=user)).data)


@extend_schema(tags=["auth"])
class AuthMeApi(generics.GenericAPIView):
    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(MeSerializer(selectors.user_profile(user=request.user)).data)


@extend_schema(tags=["auth"], responses={200: TokenPairSerializer})
class PasswordChangeApi(generics.GenericAPIView):
    serializer_class = PasswordChangeSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request):
        tokens = services.user_password_change(user=request.user, **_validated(self, request))
        return Response(tokens)


@extend_schema(tags=["auth"], responses={202: None})
class PasswordResetApi(_PublicView):
    serializer_class = PasswordResetSerializer
    throttle_classes = [PasswordResetIPThrottle, PasswordResetEmailThrottle]

    def post(self, request):
        services.password_reset_request(**_validated(self, request))
        # Same answer whether or not the account exists.
        return Response(status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["auth"], responses={204: None})
class PasswordResetConfirmApi(_PublicView):
    serializer_class = PasswordResetConfirmSerializer

    def post(self, request):
        services.password_reset_confirm(**_validated(self, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["admin"], parameters=[AdminUserFilterSerializer])
class AdminUserListApi(generics.ListAPIView):
    """Every account, newest first: search by email or name, filter by role, state, plan,
    join date, and the apps' filters (has failed jobs)."""

    serializer_class = AdminUserSerializer
    permission_classes = [IsPlatformStaff]
    filter_backends: list = []  # filtering is explicit (validated query serializer)

    def get_queryset(self):
        query = AdminUserFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        return selectors.users_list(search=filters.pop("search"), filters=filters)


@extend_schema(tags=["admin"])
class AdminUserDetailApi(generics.GenericAPIView):
    """One account and everything about it (staff); change its role or delete it (admins)."""

    serializer_class = AdminUserDetailSerializer
    permission_classes = [IsPlatformStaff]

    def _detail(self, user) -> Response:
        return Response(AdminUserDetailSerializer(selectors.user_detail(user=user)).data)

    def get(self, request, pk: int):
        return self._detail(selectors.user_get(user_id=pk))

    @extend_schema(request=AdminRoleSerializer, responses={200: AdminUserDetailSerializer})
    def patch(self, request, pk: int):
        data = AdminRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.user_get(user_id=pk)
        services.user_role_change(user=target, by=request.user, **data.validated_data)
        return self._detail(selectors.user_get(user_id=pk))

    @extend_schema(request=ReasonSerializer, responses={204: None})
    def delete(self, request, pk: int):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.user_get(user_id=pk)
        services.user_anonymise(user=target, by=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _AdminUserActionApi(generics.GenericAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsPlatformStaff]
    service = None

    def post(self, request, pk: int):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.user_get(user_id=pk)
        type(self).service(user=target, by=request.user, **data.validated_data)
        return Response(AdminUserSerializer(selectors.user_get(user_id=pk)).data)


@extend_schema(tags=["admin"], request=ReasonSerializer, responses={200: AdminUserSerializer})
class AdminUserSuspendApi(_AdminUserActionApi):
    service = staticmethod(services.user_suspend)


@extend_schema(tags=["admin"], request=ReasonSerializer, responses={200: AdminUserSerializer})
class AdminUserReactivateApi(_AdminUserActionApi):
    service = staticmethod(services.user_reactivate)


@extend_schema(tags=["invitations"])
class InvitationListCreateApi(generics.ListAPIView):
    serializer_class = InvitationSerializer
    permission_classes = [IsPlatformAdmin]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.invitations_list()

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def post(self, request):
        serializer = InvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(by=request.user, **serializer.validated_data)
        return Response(InvitationSerializer(invitation).data, status=201)


@extend_schema(tags=["invitations"], responses={204: None})
class InvitationRevokeApi(generics.GenericAPIView):
    serializer_class = InvitationSerializer
    permission_classes = [IsPlatformAdmin]

    def delete(self, request, pk: int):
        invitation = get_object_or_404(Invitation, pk=pk)
        services.invitation_revoke(invitation=invitation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["invitations"], responses={200: InvitationValidSerializer})
class InvitationValidateApi(_PublicView):
    serializer_class = InvitationValidSerializer

    def get(self, request, token: str):
        invitation = services.invitation_check(token=token)
        return Response(
            InvitationValidSerializer(
                {
                    "status": invitation.status,
                    "email": invitation.email,
                    "expires_at": invitation.expires_at,
                }
            ).data
        )
