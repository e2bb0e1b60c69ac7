from django.urls import path

from accounts import apis

urlpatterns = [
    path("auth/register", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/social/token", apis.SocialTokenApi.as_view(), name="auth-social-token"),
    path("auth/me", apis.AuthMeApi.as_view(), name="auth-me"),
    path("auth/password/change", apis.PasswordChangeApi.as_view(), name="auth-password-change"),
    path("auth/password/reset", apis.PasswordResetApi.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm",
        apis.PasswordResetConfirmApi.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("users/me", apis.MeApi.as_view(), name="users-me"),
    path("admin/users", apis.AdminUserListApi.as_view(), name="admin-users"),
    path("admin/users/<int:pk>", apis.AdminUserDetailApi.as_view(), name="admin-user-detail"),
    path(
        "admin/users/<int:pk>/suspend",
        apis.AdminUserSuspendApi.as_view(),
        name="admin-user-suspend",
    ),
    path(
        "admin/users/<int:pk>/reactivate",
        apis.AdminUserReactivateApi.as_view(),
        name="admin-user-reactivate",
    ),
    path("invitations", apis.InvitationListCreateApi.as_view(), name="invitations"),
    path("invitations/<int:pk>", apis.InvitationRevokeApi.as_view(), name="invitation-revoke"),
    path(
        "invitations/validate/<str:token>",
        apis.InvitationValidateApi.as_view(),
        name="invitation-validate",
    ),
]
