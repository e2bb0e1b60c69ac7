from django.urls import path

from . import apis

urlpatterns = [
    path("videos", apis.VideoListCreateApi.as_view(), name="video-list"),
    path("videos/<int:pk>", apis.VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<int:pk>/view", apis.VideoViewApi.as_view(), name="video-view"),
    path("videos/<int:pk>/stream", apis.VideoStreamApi.as_view(), name="video-stream"),
    path("videos/<int:pk>/thumbnail", apis.VideoThumbnailApi.as_view(), name="video-thumbnail"),
    path("users/<int:user_id>/videos", apis.UserVideoListApi.as_view(), name="user-videos"),
    path("projects/<int:pk>/publish", apis.ProjectPublishApi.as_view(), name="project-publish"),
    path("uploads", apis.UploadCreateApi.as_view(), name="upload-list"),
    path("uploads/<uuid:upload_id>", apis.UploadDetailApi.as_view(), name="upload-detail"),
    path("categories", apis.CategoryListCreateApi.as_view(), name="category-list"),
    path("categories/<int:pk>", apis.CategoryDetailApi.as_view(), name="category-detail"),
    path("admin/config", apis.SiteConfigApi.as_view(), name="admin-config"),
    path("admin/stats", apis.AdminStatsApi.as_view(), name="admin-stats"),
]
