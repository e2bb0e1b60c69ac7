"""Role-based permissions every app uses: `permission_classes = [IsPlatformStaff]`."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsPlatformStaff(BasePermission):
    """Staff and admins (role staff/admin, or a superuser)."""

    message = "Staff only."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_platform_staff)


class IsPlatformAdmin(BasePermission):
    """Platform admins only (role admin, or a superuser)."""

    message = "Admins only."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_platform_admin)


class ReadPublicWriteAuthenticated(BasePermission):
    """Anyone may read; writing needs a login."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class ReadPublicWriteAdmin(IsPlatformAdmin):
    """Anyone may read; writing is for platform admins."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)
