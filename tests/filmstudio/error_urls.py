"""A test-only URLConf: the real one plus views that fail on purpose, to pin the error shape."""

from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from filmstudio.urls import handler400, handler403, handler404, handler500  # noqa: F401
from filmstudio.urls import urlpatterns as real_urlpatterns


class _Shot(serializers.Serializer):
    duration = serializers.IntegerField(min_value=1)


class _Scene(serializers.Serializer):
    heading = serializers.CharField()
    shots = _Shot(many=True)


class _Nested(serializers.Serializer):
    scene = _Scene()


class NestedApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = _Nested(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class BrokenApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


def broken_django_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/nested", NestedApi.as_view()),
    path("test-errors/drf", BrokenApi.as_view()),
    path("test-errors/django", broken_django_view),
    *real_urlpatterns,
]
