from django.urls import path

from . import apis

urlpatterns = [
    path("youtube/oauth", apis.OAuthStartApi.as_view(), name="youtube-oauth"),
    path("youtube/callback", apis.OAuthCallbackApi.as_view(), name="youtube-callback"),
    path("youtube/channels", apis.ChannelListApi.as_view(), name="youtube-channels"),
    path("youtube/channels/<int:pk>", apis.ChannelDetailApi.as_view(), name="youtube-channel"),
    path("youtube/playlists", apis.PlaylistListCreateApi.as_view(), name="youtube-playlists"),
    path(
        "youtube/playlists/<str:playlist_id>/videos",
        apis.PlaylistItemCreateApi.as_view(),
        name="youtube-playlist-videos",
    ),
    path(
        "youtube/playlists/<str:playlist_id>/videos/<int:upload_id>",
        apis.PlaylistItemDeleteApi.as_view(),
        name="youtube-playlist-video",
    ),
    path("youtube/videos", apis.VideoListApi.as_view(), name="youtube-videos"),
    path("youtube/upload", apis.UploadCreateApi.as_view(), name="youtube-upload-create"),
    path("youtube/uploads", apis.UploadListApi.as_view(), name="youtube-uploads"),
    path("youtube/uploads/<int:pk>", apis.UploadDetailApi.as_view(), name="youtube-upload"),
    path("youtube/quota", apis.QuotaUsageApi.as_view(), name="youtube-quota"),
]
