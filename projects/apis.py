import mimetypes
from pathlib import PurePosixPath

from django.core import signing
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status

from filmstudio.errors import DomainError, NotFound
from media_library.streaming import stored_file_response

from . import services
from .downloads import signed_file_name
from .models import Asset, Project
from .selectors import project_assets, project_get_for_user, projects_for_user
from .serializers import AssetSerializer, ProjectListSerializer, ProjectSerializer


class ProjectFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Project.Status.choices)

    class Meta:
        model = Project
        fields = ["status"]


class ProjectListCreateApi(generics.ListCreateAPIView):
    """The requesting user's projects (paginated, `?status=`, `?ordering=`), or a new one."""

    filterset_class = ProjectFilter
    ordering_fields = ["created_at", "updated_at", "title"]
    ordering = ["-created_at", "-id"]

    def get_serializer_class(self):
        return ProjectSerializer if self.request.method == "POST" else ProjectListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return projects_for_user(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.project_create(
            owner=self.request.user, **serializer.validated_data
        )


class ProjectDetailApi(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = ProjectSerializer

    def get_object(self):
        return project_get_for_user(user=self.request.user, project_id=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = services.project_update(
            project=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.project_delete(project=instance)


class ProjectAssetListApi(generics.ListAPIView):
    """Files the pipeline produced for the project, each with a signed download link."""

    serializer_class = AssetSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["created_at"]
    ordering = ["created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Asset.objects.none()
        project = project_get_for_user(user=self.request.user, project_id=self.kwargs["pk"])
        return project_assets(project=project)


class LinkExpired(DomainError):
    status_code = status.HTTP_410_GONE
    code = "link_expired"
    default_detail = "This download link has expired."


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
