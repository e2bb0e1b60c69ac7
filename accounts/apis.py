"""The accounts REST API: thin views that validate input, call one service, shape output."""

from django.contrib.auth import get_user_model, logout
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Invitation
from accounts.serializers import (
    AdminUserSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    InvitationValidSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
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


@extend_schema(
    tags=["admin"],
    parameters=[OpenApiParameter("search", str, description="Part of an email or name.")],
)
class AdminUserListApi(generics.ListAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsPlatformStaff]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.users_list(search=self.request.query_params.get("search", ""))


class _AdminUserActionApi(generics.GenericAPIView):
    serializer_class = AdminUserSerializer
    permission_classes = [IsPlatformStaff]
    service = None

    def post(self, request, pk: int):
        target = get_object_or_404(User, pk=pk)
        user = type(self).service(user=target, by=request.user)
        return Response(AdminUserSerializer(user).data)


@extend_schema(tags=["admin"], request=None, responses={200: AdminUserSerializer})
class AdminUserSuspendApi(_AdminUserActionApi):
    service = staticmethod(services.user_suspend)


@extend_schema(tags=["admin"], request=None, responses={200: AdminUserSerializer})
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
