"""The library's categories: public to read, admins write."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from filmstudio.permissions import ReadPublicWriteAdmin

from .. import selectors, serializers, services


def _name(request: Request) -> str:
    form = serializers.CategoryInputSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    return form.validated_data["name"]


class CategoryListCreateApi(APIView):
    permission_classes = [ReadPublicWriteAdmin]
    serializer_class = serializers.CategorySerializer

    @extend_schema(responses=serializers.CategorySerializer(many=True), auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request) -> Response:
        # Unpaginated: a site has tens of categories.
        categories = selectors.categories_list()
        return Response(serializers.CategorySerializer(categories, many=True).data)

    @extend_schema(
        request=serializers.CategoryInputSerializer, responses={201: serializers.CategorySerializer}
    )
    def post(self, request: Request) -> Response:
        category = services.category_create(name=_name(request), created_by=request.user)
        return Response(
            serializers.CategorySerializer(category).data, status=status.HTTP_201_CREATED
        )


class CategoryDetailApi(APIView):
    permission_classes = [ReadPublicWriteAdmin]
    serializer_class = serializers.CategorySerializer

    @extend_schema(responses=serializers.CategorySerializer, auth=[{}, {"jwtAuth": []}])
    def get(self, request: Request, pk: int) -> Response:
        category = selectors.category_get(category_id=pk)
        return Response(serializers.CategorySerializer(category).data)

    @extend_schema(
        request=serializers.CategoryInputSerializer, responses=serializers.CategorySerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        name = _name(request)
        category = services.category_update(
            category=selectors.category_get(category_id=pk), name=name
        )
        return Response(serializers.CategorySerializer(category).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.category_delete(category=selectors.category_get(category_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
