"""Resumable uploads (tus 1.0 core + creation + termination): the protocol's framing.
The work is in `services.resumable`."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from filmstudio.selectors import site_config_get

from .. import serializers
from ..errors import InvalidHeader, TusVersionUnsupported, UnsupportedMedia
from ..services import resumable
from .mixins import QuotaHeadersMixin

TUS_VERSION = "1.0.0"
TUS_CONTENT_TYPE = "application/offset+octet-stream"


TUS_RESUMABLE = OpenApiParameter(
    "Tus-Resumable",
    str,
    OpenApiParameter.HEADER,
    required=True,
    enum=[TUS_VERSION],
    description="The tus protocol version; anything else is a 412 `tus_version_unsupported`.",
)


class TusMixin(QuotaHeadersMixin):
    """tus protocol framing: version check on every request but OPTIONS, and the
    Tus-Resumable header on every response (errors included)."""

    error_statuses = ("412", "429")  # tus' version check; the weekly quota

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
        response["Tus-Max-Size"] = str(site_config_get().max_file_size_bytes)
        return response

    def get_permissions(self):
        if self.request.method == "OPTIONS":  # discovery is public
            return [permissions.AllowAny()]
        return super().get_permissions()


def _header_int(request: Request, name: str) -> int:
    try:
        value = int(request.headers.get(name, ""))
    except ValueError:
        value = -1
    if value < 0:
        raise InvalidHeader(f"{name} must be a non-negative integer.")
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
            TUS_RESUMABLE,
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
            TUS_RESUMABLE,
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
        parameters=[TUS_RESUMABLE],
        responses={204: None},
    )
    def delete(self, request: Request, upload_id) -> Response:
        session = resumable.upload_session_get(user=request.user, session_id=upload_id)
        resumable.upload_session_terminate(session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)
