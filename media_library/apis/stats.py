from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from filmstudio.permissions import IsPlatformAdmin

from .. import selectors, serializers


class AdminStatsApi(APIView):
    permission_classes = [IsPlatformAdmin]
    serializer_class = serializers.AdminStatsSerializer

    @extend_schema(responses=serializers.AdminStatsSerializer)
    def get(self, request: Request) -> Response:
        return Response(serializers.AdminStatsSerializer(selectors.admin_stats()).data)
