"""Role-based permissions other apps reuse: `permission_classes = [IsPlatformStaff]`."""

from rest_framework.permissions import BasePermission


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
