"""The moderation queue (staff) and users' reports of videos."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from filmstudio.pagination import paginated_response
from filmstudio.permissions import IsPlatformStaff

from .. import selectors, serializers, services


@extend_schema(tags=["videos"])
class VideoReportApi(APIView):
    """Report a video to staff (one open report per user and video: a repeat answers 200
    with the open one)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.VideoReportCreateSerializer

    @extend_schema(
        request=serializers.VideoReportCreateSerializer,
        responses={201: serializers.VideoReportSerializer, 200: serializers.VideoReportSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Looked up first: another user's private video is a 404 whatever the body says.
        video = selectors.video_get_visible(user=request.user, video_id=pk)
        form = serializers.VideoReportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report, created = services.video_report(
            video=video, reporter=request.user, **form.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(serializers.VideoReportSerializer(report).data, status=code)


@extend_schema(tags=["admin"])
class ModerationQueueApi(GenericAPIView):
    """Projects held for review and reported videos, oldest first."""

    permission_classes = [IsPlatformStaff]
    serializer_class = serializers.ModerationItemSerializer
    filter_backends: list = []  # a merged list of two tables, not one queryset

    @extend_schema(responses=serializers.ModerationItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.moderation_queue(),
            serializer_class=serializers.ModerationItemSerializer,
            request=request,
            view=self,
        )


@extend_schema(tags=["admin"])
class ModerationDecisionApi(APIView):
    """Approve or reject (with a reason) a queued project or video; the owner is emailed."""

    permission_classes = [IsPlatformStaff]
    serializer_class = serializers.ModerationDecisionSerializer

    @extend_schema(request=serializers.ModerationDecisionSerializer, responses={204: None})
    def post(self, request: Request, kind: str, pk: int) -> Response:
        form = serializers.ModerationDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.moderation_decide(kind=kind, item_id=pk, by=request.user, **form.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
