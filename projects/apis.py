from django_filters import rest_framework as filters
from rest_framework import generics

from . import services
from .models import Asset, Project
from .selectors import project_assets, project_get_for_user, projects_list
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
        return projects_list(user=self.request.user)

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
