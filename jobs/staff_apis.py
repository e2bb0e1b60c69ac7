"""Staff endpoints of the job engine (under /api/v1/admin/): the failed jobs, and retrying
them one at a time or in a bounded batch."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from filmstudio.pagination import paginated_response
from filmstudio.permissions import IsPlatformStaff

from . import selectors, services
from .serializers import (
    BulkRetryResultSerializer,
    BulkRetrySerializer,
    FailedJobFilterSerializer,
    FailedJobSerializer,
    JobDetailSerializer,
    StaffReasonSerializer,
)


@extend_schema(tags=["admin"])
class FailedJobListApi(GenericAPIView):
    """Failed jobs, latest failure first: error code, failed stage, attempts, owner."""

    permission_classes = [IsPlatformStaff]
    serializer_class = FailedJobSerializer
    filter_backends: list = []  # filtering is explicit (validated query serializer)

    @extend_schema(parameters=[FailedJobFilterSerializer], responses=FailedJobSerializer(many=True))
    def get(self, request):
        filters = FailedJobFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            queryset=selectors.failed_jobs(filters=filters.validated_data),
            serializer_class=FailedJobSerializer,
            request=request,
            view=self,
        )


@extend_schema(tags=["admin"])
class FailedJobRetryApi(GenericAPIView):
    """Retry one failed job on its owner's behalf (their credits are reserved again).
    409 when it is not failed (a second retry), 402 when the owner is short of credits."""

    permission_classes = [IsPlatformStaff]
    serializer_class = StaffReasonSerializer

    @extend_schema(
        request=StaffReasonSerializer,
        responses={200: JobDetailSerializer},
        operation_id="admin_job_retry",
    )
    def post(self, request, pk: int):
        data = StaffReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = selectors.job_get(job_id=pk)
        services.job_staff_retry(job=job, by=request.user, **data.validated_data)
        return Response(JobDetailSerializer(selectors.job_get(job_id=pk, with_events=True)).data)


@extend_schema(tags=["admin"])
class FailedJobBulkRetryApi(GenericAPIView):
    """Retry up to 100 jobs: each is retried (and charged) at most once, refusals are listed
    with their code and do not stop the others."""

    permission_classes = [IsPlatformStaff]
    serializer_class = BulkRetrySerializer

    @extend_schema(
        request=BulkRetrySerializer,
        responses={200: BulkRetryResultSerializer},
        operation_id="admin_jobs_retry_bulk",
    )
    def post(self, request):
        data = BulkRetrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.jobs_retry_failed(by=request.user, **data.validated_data)
        return Response(BulkRetryResultSerializer(result).data)
