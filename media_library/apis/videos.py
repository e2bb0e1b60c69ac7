"""The library's videos: list, upload, detail, edit, delete, views, streaming, publishing."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from filmstudio.pagination import PageNumberPagination, paginated_response
from filmstudio.parsers import MultiPartParser
from filmstudio.permissions import ReadPublicWriteAuthenticated
from filmstudio.streaming import stored_file_response
from projects.selectors import project_get_for_user

from .. import selectors, serializers, services
from ..models import Rendition
from .mixins import QuotaHeadersMixin


class VideoPagination(PageNumberPagination):
    page_size = 10


def _paginated(view: APIView, request: Request, queryset) -> Response:
    return paginated_response(
        queryset=queryset,
        serializer_class=serializers.VideoSerializer,
        request=request,
        view=view,
        pagination_class=VideoPagination,
    )


def _list_params(request: Request, query_serializer=serializers.VideoListQuerySerializer) -> dict:
    query = query_serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


# The page parameters; the filters come from the query serializers themselves, so the schema
# states exactly the bounds the view enforces.
PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1}, description="Capped at 100."),
]


class VideoListCreateApi(QuotaHeadersMixin, APIView):
    permission_classes = [ReadPublicWriteAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = serializers.VideoSerializer

    @extend_schema(
        operation_id="videos_list",
        parameters=[serializers.VideoListQuerySerializer, *PAGE_PARAMETERS],
        responses=serializers.VideoPageSerializer,
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request) -> Response:
        qs = selectors.video_list(user=request.user, **_list_params(request))
        return _paginated(self, request, qs)

    @extend_schema(
        request={"multipart/form-data": serializers.VideoUploadSerializer},
        responses={201: serializers.VideoSerializer},
    )
    def post(self, request: Request) -> Response:
        # Every file goes to a temp file on disk (never memory), whatever its size. The body
        # is read only when the service calls `receive`, after its size checks.
        request._request.upload_handlers = [TemporaryFileUploadHandler(request._request)]

        def receive() -> dict:
            form = serializers.VideoUploadSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            return form.validated_data

        video = services.video_upload(
            user=request.user, content_length=_content_length(request), receive=receive
        )
        return Response(serializers.VideoSerializer(video).data, status=status.HTTP_201_CREATED)


def _content_length(request: Request) -> int:
    # Django reads no body for a missing or malformed Content-Length; count it as 0 too.
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class VideoDetailApi(APIView):
    permission_classes = [ReadPublicWriteAuthenticated]
    serializer_class = serializers.VideoSerializer

    @extend_schema(responses=serializers.VideoSerializer, auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request, pk: int) -> Response:
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        return Response(serializers.VideoSerializer(video).data)

    @extend_schema(request=serializers.VideoUpdateSerializer, responses=serializers.VideoSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        video = selectors.video_get_editable(user=request.user, video_id=pk)
        form = serializers.VideoUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        video = services.video_update(video=video, data=form.validated_data)
        return Response(serializers.VideoSerializer(video).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.video_delete(video=selectors.video_get_editable(user=request.user, video_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoViewThrottle(SimpleRateThrottle):
    """One counted view per client (user, else IP) per video per rate period."""

    scope = "video_views"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return f"throttle_{self.scope}_{ident}_{view.kwargs.get('pk')}"


class VideoViewApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.ViewCountSerializer
    throttle_classes = [VideoViewThrottle]

    @extend_schema(
        request=None, responses=serializers.ViewCountSerializer, auth=[{}, {"jwtAuth": []}]
    )
    def post(self, request: Request, pk: int) -> Response:
        selectors.video_get_visible(user=request.user, video_id=pk)
        return Response({"view_count": services.video_register_view(video_id=pk)})


class UserVideoListApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.VideoSerializer

    @extend_schema(
        operation_id="users_videos_list",
        parameters=[serializers.UserVideoListQuerySerializer, *PAGE_PARAMETERS],
        responses=serializers.VideoPageSerializer,
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request, user_id: int) -> Response:
        params = _list_params(request, serializers.UserVideoListQuerySerializer)
        params["uploaded_by"] = user_id
        return _paginated(self, request, selectors.video_list(user=request.user, **params))


BINARY_RESPONSES = {
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
    (206, "application/octet-stream"): OpenApiTypes.BINARY,
    302: OpenApiResponse(description="Redirect to a presigned object-store URL (S3)."),
    416: OpenApiResponse(description="Range not satisfiable (`Content-Range: bytes */size`)."),
}


class VideoStreamApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.StreamQuerySerializer

    @extend_schema(
        parameters=[OpenApiParameter("rendition", str, enum=[r.value for r in Rendition])],
        responses=BINARY_RESPONSES,
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request, pk: int):
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        query = serializers.StreamQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = selectors.video_rendition_name(
            video=video, rendition=query.validated_data.get("rendition")
        )
        return stored_file_response(request, name=name, content_type="video/mp4")


class VideoThumbnailApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.StreamQuerySerializer

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 302: BINARY_RESPONSES[302]},
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request, pk: int):
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        name = selectors.video_thumbnail_name(video=video)
        return stored_file_response(request, name=name, content_type="image/jpeg")


class ProjectPublishApi(QuotaHeadersMixin, APIView):
    serializer_class = serializers.PublishSerializer

    @extend_schema(
        request=serializers.PublishSerializer, responses={201: serializers.VideoSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        project = project_get_for_user(user=request.user, project_id=pk)
        form = serializers.PublishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        video = services.video_publish_film(
            user=request.user, project=project, **form.validated_data
        )
        return Response(serializers.VideoSerializer(video).data, status=status.HTTP_201_CREATED)
