"""Thin DRF views of the media library: validate, call one service, serialize."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsPlatformAdmin
from filmstudio.errors import Conflict, DomainError, Forbidden, NotFound
from filmstudio.pagination import PageNumberPagination
from projects.selectors import project_get_for_user

from . import quota, resumable, selectors, serializers, services
from .errors import QuotaExceeded, UnsupportedMedia
from .models import Category, Rendition
from .streaming import stored_file_response

# Multipart framing (boundaries, part headers) and the text fields ride along with the file
# in Content-Length. Before the body is read, the size check and the quota reservation use
# Content-Length minus this allowance, so a user within a few KB of the limit is not refused
# for bytes that are not the file; once the exact file size is known the reservation is trued
# up atomically, so the quota itself is exact. The allowance only bounds how much body an
# upload that will be refused may send first. 64 KiB covers framing and a long description.
MULTIPART_SLACK = 64 * 1024


class ReadPublicWriteAuthenticated(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class ReadPublicWriteAdmin(IsPlatformAdmin):
    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)


class VideoPagination(PageNumberPagination):
    page_size = 10


class QuotaHeadersMixin:
    """A quota refusal says when the quota resets (Retry-After)."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, QuotaExceeded) and exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response


def _paginated(view: APIView, request: Request, queryset) -> Response:
    paginator = VideoPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializers.VideoSerializer(page, many=True).data)


def _list_params(request: Request) -> dict:
    query = serializers.VideoListQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


LIST_PARAMETERS = [
    OpenApiParameter("category_id", int),
    OpenApiParameter("uploaded_by", int),
    OpenApiParameter("sort_by", str, enum=["created_at", "view_count"]),
    OpenApiParameter("order", str, enum=["asc", "desc"]),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class VideoListCreateApi(QuotaHeadersMixin, APIView):
    permission_classes = [ReadPublicWriteAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = serializers.VideoSerializer

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses=serializers.VideoSerializer(many=True),
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
        declared = _content_length(request)
        # Before a byte of the body is read: the declared size against the site maximum
        # and the weekly quota (reserved now, trued up once the real size is known).
        reserved = max(0, declared - MULTIPART_SLACK)
        services.upload_check_size(declared_size=reserved)
        week = quota.quota_reserve(user=request.user, nbytes=reserved)
        # Every file goes to a temp file on disk (never memory), whatever its size.
        request._request.upload_handlers = [TemporaryFileUploadHandler(request._request)]
        try:
            form = serializers.VideoUploadSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
            upload = data["file"]
            if not hasattr(upload, "temporary_file_path"):
                raise UnsupportedMedia("The upload did not arrive as a file.")
            quota.quota_true_up(user=request.user, reserved=reserved, actual=upload.size, week=week)
        except Exception:
            quota.quota_release(user=request.user, nbytes=reserved, week=week)
            raise
        video = services.video_create_from_local_file(
            user=request.user,
            path=upload.temporary_file_path(),
            size=upload.size,
            title=data["title"],
            description=data["description"],
            category=data["category"],
            original_filename=upload.name or "",
            quota_week=week,
        )
        return Response(serializers.VideoSerializer(video).data, status=status.HTTP_201_CREATED)


def _content_length(request: Request) -> int:
    # Django reads no body for a missing or malformed Content-Length; count it as 0 too.
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _editable_video(request: Request, pk: int):
    video = selectors.video_get_visible(user=request.user, video_id=pk)
    if not (request.user.is_platform_admin or video.uploaded_by_id == request.user.id):
        raise Forbidden("Only the uploader or an admin may change this video.")
    return video


class VideoDetailApi(APIView):
    permission_classes = [ReadPublicWriteAuthenticated]
    serializer_class = serializers.VideoSerializer

    @extend_schema(responses=serializers.VideoSerializer, auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request, pk: int) -> Response:
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        return Response(serializers.VideoSerializer(video).data)

    @extend_schema(request=serializers.VideoUpdateSerializer, responses=serializers.VideoSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        video = _editable_video(request, pk)
        form = serializers.VideoUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        video = services.video_update(video=video, data=form.validated_data)
        return Response(serializers.VideoSerializer(video).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.video_delete(video=_editable_video(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoViewApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.ViewCountSerializer

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
        parameters=[p for p in LIST_PARAMETERS if p.name != "uploaded_by"],
        responses=serializers.VideoSerializer(many=True),
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request, user_id: int) -> Response:
        params = _list_params(request)
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
        available = video.available_renditions
        if not available:
            raise Conflict("The video is not processed yet.", code="not_ready")
        rendition = query.validated_data.get("rendition") or available[0]
        if rendition not in available:
            raise NotFound(
                f"No {rendition} rendition; available: {', '.join(available)}.",
                code="rendition_not_found",
            )
        return stored_file_response(
            request, name=video.rendition_file(rendition).name, content_type="video/mp4"
        )


class VideoThumbnailApi(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.StreamQuerySerializer

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 302: BINARY_RESPONSES[302]},
        auth=[{}, {"jwtAuth": []}],
    )
    def get(self, request: Request, pk: int):
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        if not video.thumbnail:
            raise NotFound("This video has no thumbnail yet.", code="not_ready")
        return stored_file_response(request, name=video.thumbnail.name, content_type="image/jpeg")


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


# --- Categories ------------------------------------------------------------------------------


class CategoryListCreateApi(APIView):
    permission_classes = [ReadPublicWriteAdmin]
    serializer_class = serializers.CategorySerializer

    @extend_schema(responses=serializers.CategorySerializer(many=True), auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request) -> Response:
        # A site has tens of categories: the whole list, unpaginated, one query.
        return Response(serializers.CategorySerializer(Category.objects.all(), many=True).data)

    @extend_schema(
        request=serializers.CategoryInputSerializer, responses={201: serializers.CategorySerializer}
    )
    def post(self, request: Request) -> Response:
        form = serializers.CategoryInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        category = services.category_create(
            name=form.validated_data["name"], created_by=request.user
        )
        return Response(
            serializers.CategorySerializer(category).data, status=status.HTTP_201_CREATED
        )


class CategoryDetailApi(APIView):
    permission_classes = [ReadPublicWriteAdmin]
    serializer_class = serializers.CategorySerializer

    def _get(self, pk: int) -> Category:
        category = Category.objects.filter(id=pk).first()
        if category is None:
            raise NotFound("Category not found.")
        return category

    @extend_schema(responses=serializers.CategorySerializer, auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request, pk: int) -> Response:
        return Response(serializers.CategorySerializer(self._get(pk)).data)

    @extend_schema(
        request=serializers.CategoryInputSerializer, responses=serializers.CategorySerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        form = serializers.CategoryInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        category = services.category_update(
            category=self._get(pk), name=form.validated_data["name"]
        )
        return Response(serializers.CategorySerializer(category).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.category_delete(category=self._get(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Admin -----------------------------------------------------------------------------------


class SiteConfigApi(APIView):
    permission_classes = [IsPlatformAdmin]
    serializer_class = serializers.SiteConfigSerializer

    @extend_schema(responses=serializers.SiteConfigSerializer)
    def get(self, request: Request) -> Response:
        return Response(serializers.SiteConfigSerializer(selectors.site_config_get()).data)

    @extend_schema(
        request=serializers.SiteConfigSerializer, responses=serializers.SiteConfigSerializer
    )
    def patch(self, request: Request) -> Response:
        form = serializers.SiteConfigSerializer(
            selectors.site_config_get(), data=request.data, partial=True
        )
        form.is_valid(raise_exception=True)
        config = services.site_config_update(data=form.validated_data, user=request.user)
        return Response(serializers.SiteConfigSerializer(config).data)


class AdminStatsApi(APIView):
    permission_classes = [IsPlatformAdmin]
    serializer_class = serializers.AdminStatsSerializer

    @extend_schema(responses=serializers.AdminStatsSerializer)
    def get(self, request: Request) -> Response:
        return Response(serializers.AdminStatsSerializer(selectors.admin_stats()).data)


# --- Resumable uploads (tus 1.0) -------------------------------------------------------------

TUS_VERSION = "1.0.0"
TUS_CONTENT_TYPE = "application/offset+octet-stream"


class TusVersionUnsupported(DomainError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "tus_version_unsupported"


class TusMixin(QuotaHeadersMixin):
    """tus protocol framing: version check on every request but OPTIONS, and the
    Tus-Resumable header on every response (errors included)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise TusVersionUnsupported(f"Tus-Resumable: {TUS_VERSION} is required.")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        if response.status_code == 412:
            response["Tus-Version"] = TUS_VERSION
        return response

    def options(self, request, *args, **kwargs):
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = "creation,termination"
        response["Tus-Max-Size"] = str(selectors.site_config_get().max_file_size_bytes)
        return response

    def get_permissions(self):
        if self.request.method == "OPTIONS":  # discovery is public
            return [permissions.AllowAny()]
        return super().get_permissions()


def _header_int(request: Request, name: str) -> int:
    try:
        value = int(request.headers.get(name, ""))
    except ValueError:
        raise DomainError(
            f"{name} must be a non-negative integer.", code="invalid_header"
        ) from None
    if value < 0:
        raise DomainError(f"{name} must be a non-negative integer.", code="invalid_header")
    return value


def _session_headers(response: Response, session) -> Response:
    response["Upload-Offset"] = str(session.offset)
    response["Upload-Length"] = str(session.length)
    if session.video_id:
        response["Video-Id"] = str(session.video_id)
        response["Video-Location"] = reverse("video-detail", args=[session.video_id])
    return response


class UploadCreateApi(TusMixin, APIView):
    serializer_class = serializers.VideoSerializer

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Length", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Metadata", str, OpenApiParameter.HEADER, required=True),
        ],
        responses={201: OpenApiResponse(description="Created; Location names the upload.")},
    )
    def post(self, request: Request) -> Response:
        length = _header_int(request, "Upload-Length")
        metadata = resumable.parse_metadata(request.headers.get("Upload-Metadata", ""))
        session = resumable.upload_session_create(
            user=request.user, length=length, metadata=metadata
        )
        response = Response(status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("upload-detail", args=[session.id])
        )
        response["Upload-Offset"] = "0"
        return response


class UploadDetailApi(TusMixin, APIView):
    serializer_class = serializers.VideoSerializer

    @extend_schema(exclude=True)
    def head(self, request: Request, upload_id) -> Response:
        session = resumable.upload_session_get(user=request.user, session_id=upload_id)
        return _session_headers(Response(status=status.HTTP_200_OK), session)

    @extend_schema(
        request={TUS_CONTENT_TYPE: OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            204: OpenApiResponse(description="Bytes stored; Upload-Offset is the new offset.")
        },
    )
    def patch(self, request: Request, upload_id) -> Response:
        session = resumable.upload_session_get(user=request.user, session_id=upload_id)
        if request.content_type.split(";")[0].strip() != TUS_CONTENT_TYPE:
            raise UnsupportedMedia(f"Content-Type must be {TUS_CONTENT_TYPE}.")
        offset = _header_int(request, "Upload-Offset")
        # Read straight from the WSGI input in chunks: the body is never in memory whole.
        session = resumable.upload_session_append(
            session=session, offset=offset, read=request._request.read
        )
        return _session_headers(Response(status=status.HTTP_204_NO_CONTENT), session)

    @extend_schema(
        parameters=[OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True)],
        responses={204: None},
    )
    def delete(self, request: Request, upload_id) -> Response:
        session = resumable.upload_session_get(user=request.user, session_id=upload_id)
        resumable.upload_session_terminate(session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)
