"""The floor's own endpoints: signed file downloads, the site configuration, and the staff
views no single app owns (the audit log, the analytics the apps contribute to)."""

import mimetypes
from pathlib import PurePosixPath

from django.core import signing
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .analytics import analytics
from .downloads import signed_file_name
from .errors import LinkExpired, NotFound
from .pagination import paginated_response
from .permissions import IsPlatformAdmin, IsPlatformStaff
from .serializers import (
    AnalyticsQuerySerializer,
    AnalyticsSerializer,
    AuditEntrySerializer,
    AuditFilterSerializer,
    SiteConfigSerializer,
)
from .streaming import stored_file_response


class SignedFileApi(generics.GenericAPIView):
    """Serves a stored file to whoever holds an unexpired signed link (no login needed)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, token: str):
        try:
            name, filename = signed_file_name(token=token)
        except signing.SignatureExpired:
            raise LinkExpired() from None
        except signing.BadSignature:
            raise NotFound("Not found.") from None
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # Ranges, If-Range, X-Accel-Redirect and S3 redirects, as for library videos.
        response = stored_file_response(request, name=name, content_type=content_type)
        download_name = filename or PurePosixPath(name).name
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
        return response


class SiteConfigApi(generics.GenericAPIView):
    permission_classes = [IsPlatformAdmin]
    serializer_class = SiteConfigSerializer

    def get(self, request: Request) -> Response:
        return Response(SiteConfigSerializer(selectors.site_config_get()).data)

    def patch(self, request: Request) -> Response:
        form = SiteConfigSerializer(selectors.site_config_get(), data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        config = services.site_config_update(data=form.validated_data, user=request.user)
        return Response(SiteConfigSerializer(config).data)


@extend_schema(tags=["admin"])
class AuditListApi(generics.GenericAPIView):
    """Who did what, newest first: every staff action from the API, the admin site and the
    manage.py commands. Read-only (the records cannot be changed or deleted)."""

    permission_classes = [IsPlatformStaff]
    serializer_class = AuditEntrySerializer
    filter_backends: list = []  # filtering is explicit (validated query serializer)

    @extend_schema(parameters=[AuditFilterSerializer], responses=AuditEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = AuditFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            queryset=selectors.audit_entries(filters=filters.validated_data),
            serializer_class=AuditEntrySerializer,
            request=request,
            view=self,
        )


@extend_schema(tags=["admin"])
class AnalyticsApi(generics.GenericAPIView):
    """Time series for the staff dashboard, by day or week (at most 400 buckets): sign-ups,
    active creators, jobs created/completed/failed by type, render and film minutes,
    credits, revenue, uploads, YouTube publications; plus per-stage median and p95 seconds
    and the top failure codes. Computed by grouped database queries."""

    permission_classes = [IsPlatformStaff]
    serializer_class = AnalyticsSerializer

    @extend_schema(parameters=[AnalyticsQuerySerializer])
    def get(self, request: Request) -> Response:
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(AnalyticsSerializer(analytics(**query.validated_data)).data)
