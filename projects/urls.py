from django.urls import path

from . import apis

urlpatterns = [
    path("projects", apis.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/<int:pk>", apis.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:pk>/assets", apis.ProjectAssetListApi.as_view(), name="project-assets"),
]
