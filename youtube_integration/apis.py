"""YouTube endpoints: thin views that validate input, call one service and serialize."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from filmstudio.permissions import IsPlatformStaff

from . import selectors, serializers, services


class YouTubeApi(GenericAPIView):
    filter_backends: list = []  # inputs are validated by explicit query serializers


CHANNEL_PARAMETER = OpenApiParameter(
    "channel", int, required=True, description="The connection id (GET /youtube/channels)."
)


class OAuthStartApi(YouTubeApi):
    serializer_class = serializers.ConsentUrlSerializer

    @extend_schema(
        description=(
            "Google's consent URL (offline access, consent prompt, PKCE, a single-use `state` "
            "bound to the caller, valid for YOUTUBE_OAUTH_STATE_TTL seconds). Google sends the "
            "browser back to the registered redirect URI with `code` and `state`; post them to "
            "/youtube/callback with the same user's token. 503 `youtube_not_configured` "
            "without a Google client."
        )
    )
    def get(self, request):
        return Response({"url": services.oauth_start(user=request.user)})


class OAuthCallbackApi(YouTubeApi):
    serializer_class = serializers.ChannelSerializer

    def _complete(self, request, data) -> Response:
        form = serializers.CallbackSerializer(data=data)
        form.is_valid(raise_exception=True)
        connection = services.oauth_complete(user=request.user, **form.validated_data)
        return Response(
            serializers.ChannelSerializer(connection).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[serializers.CallbackSerializer],
        responses={201: serializers.ChannelSerializer},
        description="Finish the consent with the redirect's query (`code`, `state`, `error`).",
    )
    def get(self, request):
        return self._complete(request, request.query_params)

    @extend_schema(
        request=serializers.CallbackSerializer,
        responses={201: serializers.ChannelSerializer},
        description=(
            "Finish the consent: check the state belongs to the caller, exchange the code "
            "(with the PKCE verifier), read the channel and store the connection (its tokens "
            "encrypted, never returned). Reconnecting a channel updates its connection."
        ),
    )
    def post(self, request):
        return self._complete(request, request.data)


class ChannelListApi(YouTubeApi):
    serializer_class = serializers.ChannelSerializer

    @extend_schema(responses=serializers.ChannelSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.connections_for_user(user=request.user))
        return self.get_paginated_response(serializers.ChannelSerializer(page, many=True).data)


class ChannelDetailApi(YouTubeApi):
    serializer_class = serializers.ChannelSerializer

    def get(self, request, pk: int):
        connection = selectors.connection_get_for_user(user=request.user, connection_id=pk)
        return Response(serializers.ChannelSerializer(connection).data)

    @extend_schema(
        responses={204: None},
        description="Revoke the grant at Google and delete the connection (503 and kept if "
        "Google cannot be reached). Its published videos stay listed; an upload still "
        "running on it fails with `reconnect_required`.",
    )
    def delete(self, request, pk: int):
        connection = selectors.connection_get_for_user(user=request.user, connection_id=pk)
        services.connection_disconnect(connection=connection)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlaylistListCreateApi(YouTubeApi):
    serializer_class = serializers.PlaylistSerializer

    @extend_schema(
        parameters=[CHANNEL_PARAMETER],
        responses=serializers.PlaylistSerializer(many=True),
        description="The channel's playlists, read from YouTube.",
    )
    def get(self, request):
        query = serializers.ChannelQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        connection = selectors.connection_get_for_user(
            user=request.user, connection_id=query.validated_data["channel"]
        )
        page = self.paginate_queryset(services.playlists_list(connection=connection))
        return self.get_paginated_response(serializers.PlaylistSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.PlaylistCreateSerializer,
        responses={201: serializers.PlaylistSerializer},
    )
    def post(self, request):
        form = serializers.PlaylistCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        connection = selectors.connection_get_for_user(
            user=request.user, connection_id=data.pop("channel")
        )
        playlist = services.playlist_create(connection=connection, **data)
        return Response(
            serializers.PlaylistSerializer(playlist).data, status=status.HTTP_201_CREATED
        )


class PlaylistItemCreateApi(YouTubeApi):
    serializer_class = serializers.PlaylistItemSerializer

    @extend_schema(
        request=serializers.PlaylistItemCreateSerializer,
        responses={201: serializers.PlaylistItemSerializer},
        description="Add a published video to one of its channel's playlists (404 for a "
        "playlist of another channel).",
    )
    def post(self, request, playlist_id: str):
        form = serializers.PlaylistItemCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = selectors.published_upload_get_for_user(
            user=request.user, upload_id=form.validated_data["upload"]
        )
        item_id = services.playlist_add_video(upload=upload, playlist_id=playlist_id)
        body = {"playlist_id": playlist_id, "playlist_item_id": item_id, "upload": upload.pk}
        return Response(body, status=status.HTTP_201_CREATED)


class PlaylistItemDeleteApi(YouTubeApi):
    serializer_class = serializers.PlaylistItemSerializer

    @extend_schema(responses={204: None}, description="Take a published video out of a playlist.")
    def delete(self, request, playlist_id: str, upload_id: int):
        upload = selectors.published_upload_get_for_user(user=request.user, upload_id=upload_id)
        services.playlist_remove_video(upload=upload, playlist_id=playlist_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoListApi(YouTubeApi):
    serializer_class = serializers.PublishedVideoSerializer

    @extend_schema(
        responses=serializers.PublishedVideoSerializer(many=True),
        description="What the caller published, with the processing status refreshed from "
        "YouTube (videos.list) when it is older than YOUTUBE_PROCESSING_REFRESH_SECONDS.",
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.published_videos_for_user(user=request.user))
        services.videos_refresh_status(uploads=page)
        return self.get_paginated_response(
            serializers.PublishedVideoSerializer(page, many=True).data
        )


class UploadListApi(YouTubeApi):
    serializer_class = serializers.UploadSerializer

    @extend_schema(responses=serializers.UploadSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.uploads_for_user(user=request.user))
        return self.get_paginated_response(serializers.UploadSerializer(page, many=True).data)


class UploadCreateApi(YouTubeApi):
    serializer_class = serializers.UploadSerializer

    @extend_schema(
        request=serializers.UploadCreateSerializer,
        responses={201: serializers.UploadSerializer},
        description=(
            "Publish a completed film (`job` or `project`) or a processed library `video` to one "
            "of the caller's channels: a `youtube_upload` job (no credits) whose stages upload "
            "(resumable), set the thumbnail, add the captions and the playlist item. Follow it "
            "at /youtube/uploads/{id} or the job's events. 409 `film_not_completed`, "
            "`project_held`, `reconnect_required`, `scope_missing`, `nothing_to_attach`."
        ),
    )
    def post(self, request):
        form = serializers.UploadCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = services.upload_publish(user=request.user, **form.validated_data)
        upload = selectors.upload_get_for_user(user=request.user, upload_id=upload.pk)
        return Response(serializers.UploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailApi(YouTubeApi):
    serializer_class = serializers.UploadSerializer

    def get(self, request, pk: int):
        upload = selectors.upload_get_for_user(user=request.user, upload_id=pk)
        return Response(serializers.UploadSerializer(upload).data)


class QuotaUsageApi(YouTubeApi):
    """Staff: the Data API units spent per day and Cloud project."""

    serializer_class = serializers.QuotaUsageSerializer
    permission_classes = [IsPlatformStaff]

    @extend_schema(responses=serializers.QuotaUsageSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.quota_usage_recent())
        return self.get_paginated_response(serializers.QuotaUsageSerializer(page, many=True).data)
