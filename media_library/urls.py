from django.urls import path

from .apis import categories, moderation, stats, uploads, videos

urlpatterns = [
    path("videos", videos.VideoListCreateApi.as_view(), name="video-list"),
    path("videos/<int:pk>", videos.VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<int:pk>/view", videos.VideoViewApi.as_view(), name="video-view"),
    path("videos/<int:pk>/stream", videos.VideoStreamApi.as_view(), name="video-stream"),
    path("videos/<int:pk>/thumbnail", videos.VideoThumbnailApi.as_view(), name="video-thumbnail"),
    path("users/<int:user_id>/videos", videos.UserVideoListApi.as_view(), name="user-videos"),
    path("projects/<int:pk>/publish", videos.ProjectPublishApi.as_view(), name="project-publish"),
    path("uploads", uploads.UploadCreateApi.as_view(), name="upload-list"),
    path("uploads/<uuid:upload_id>", uploads.UploadDetailApi.as_view(), name="upload-detail"),
    path("categories", categories.CategoryListCreateApi.as_view(), name="category-list"),
    path("categories/<int:pk>", categories.CategoryDetailApi.as_view(), name="category-detail"),
    path("videos/<int:pk>/report", moderation.VideoReportApi.as_view(), name="video-report"),
    path("admin/stats", stats.AdminStatsApi.as_view(), name="admin-stats"),
    path("admin/moderation", moderation.ModerationQueueApi.as_view(), name="admin-moderation"),
    path(
        "admin/moderation/<str:kind>/<int:pk>",
        moderation.ModerationDecisionApi.as_view(),
        name="admin-moderation-decision",
    ),
]
