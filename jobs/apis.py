"""Job endpoints: thin views that validate input, call one service and serialize."""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from filmstudio.downloads import signed_file_lifetime, signed_file_url
from filmstudio.errors import Conflict
from filmstudio.idempotency import idempotency_key
from filmstudio.permissions import IsPlatformStaff
from filmstudio.slots import AsyncSlotHeld, SlotHeld, slot_acquire
from filmstudio.streaming import is_asgi
from projects.models import Asset
from projects.selectors import project_get_for_user, result_asset

from . import selectors, services, state, streams
from .errors import TooManyStreams
from .models import Job
from .renderers import EventStreamRenderer
from .serializers import (
    DownloadUrlSerializer,
    JobBatchCreateSerializer,
    JobBatchSerializer,
    JobCreateSerializer,
    JobDetailSerializer,
    JobEstimateResultSerializer,
    JobEstimateSerializer,
    JobEventSerializer,
    JobListFilterSerializer,
    JobSerializer,
    JobStatusUpdateSerializer,
    QueueStatsSerializer,
    RegenerateSerializer,
    ScriptAnalyseSerializer,
    ScriptBreakdownSerializer,
    ValidTransitionsSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Replaying a request with the same key and body returns the first job (200, charged "
        "once; the first request answers 201). The same key with a different body is 422 "
        "`idempotency_key_reused`. At most 200 characters."
    ),
)


def _idempotency_key(request) -> str | None:
    return idempotency_key(request, max_length=200)  # Job.idempotency_key's length


def _detail(job_id: int, user) -> dict:
    job = selectors.job_get_for_user(user=user, job_id=job_id, with_events=True)
    return JobDetailSerializer(job).data


class JobListCreateApi(GenericAPIView):
    filter_backends: list = []  # filtering is explicit (validated query serializer)
    serializer_class = JobSerializer

    @extend_schema(parameters=[JobListFilterSerializer], responses=JobSerializer(many=True))
    def get(self, request):
        filters = JobListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.jobs_list(user=request.user, filters=filters.validated_data)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(JobSerializer(page, many=True).data)

    @extend_schema(
        request=JobCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: JobDetailSerializer, 200: JobDetailSerializer},
    )
    def post(self, request):
        data = JobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_get_for_user(user=request.user, project_id=data.validated_data["project"])
        job, created = services.job_create(
            user=request.user,
            project=project,
            job_type=data.validated_data["type"],
            parameters=data.validated_data["parameters"],
            priority=data.validated_data["priority"],
            idempotency_key=_idempotency_key(request),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_detail(job.pk, request.user), status=code)


class JobDetailApi(GenericAPIView):
    serializer_class = JobDetailSerializer

    def get(self, request, pk: int):
        return Response(_detail(pk, request.user))

    @extend_schema(responses=JobDetailSerializer, description="Cancel the job (same as /cancel).")
    def delete(self, request, pk: int):
        return _cancel(request, pk)


def _cancel(request, pk: int) -> Response:
    """Cancel the requesting user's job (POST /cancel and DELETE do the same)."""
    services.job_cancel(job=selectors.job_get_for_user(user=request.user, job_id=pk))
    return Response(_detail(pk, request.user))


class JobCancelApi(GenericAPIView):
    serializer_class = JobDetailSerializer

    @extend_schema(request=None, responses=JobDetailSerializer)
    def post(self, request, pk: int):
        return _cancel(request, pk)


class JobRetryApi(GenericAPIView):
    serializer_class = JobDetailSerializer

    @extend_schema(request=None, responses=JobDetailSerializer)
    def post(self, request, pk: int):
        job = selectors.job_get_for_user(user=request.user, job_id=pk)
        services.job_retry(job=job)
        return Response(_detail(pk, request.user))


class JobValidTransitionsApi(GenericAPIView):
    serializer_class = ValidTransitionsSerializer

    def get(self, request, pk: int):
        job = selectors.job_get_for_user(user=request.user, job_id=pk)
        return Response(
            {"status": job.status, "valid_transitions": state.valid_transitions(job.status)}
        )


class JobStatusApi(GenericAPIView):
    """Staff override of a job's status, through the state machine (409 if not allowed)."""

    serializer_class = JobDetailSerializer
    permission_classes = [IsPlatformStaff]

    @extend_schema(request=JobStatusUpdateSerializer, responses=JobDetailSerializer)
    def patch(self, request, pk: int):
        data = JobStatusUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.job_staff_set_status(
            job=selectors.job_get(job_id=pk),
            status=data.validated_data["status"],
            by=request.user,
            reason=data.validated_data.get("message", ""),
        )
        return Response(JobDetailSerializer(selectors.job_get(job_id=pk, with_events=True)).data)


class JobStatsApi(GenericAPIView):
    serializer_class = QueueStatsSerializer
    permission_classes = [IsPlatformStaff]

    def get(self, request):
        return Response(selectors.queue_stats())


def _result_asset(job: Job) -> Asset:
    assets = (job.result or {}).get("assets") or {}
    asset = result_asset(project_id=job.project_id, asset_ids=list(assets.values()))
    if asset is None:
        raise Conflict("This job has no result to download yet.", code="no_result")
    return asset


class JobDownloadUrlApi(GenericAPIView):
    """A signed, expiring link to the job's result (the film, else its last asset): presigned
    by S3, or signed by us and served with Range support by the project file view."""

    serializer_class = DownloadUrlSerializer

    def get(self, request, pk: int):
        job = selectors.job_get_for_user(user=request.user, job_id=pk)
        asset = _result_asset(job)
        suffix = PurePosixPath(asset.file.name).suffix
        url = signed_file_url(
            name=asset.file.name, request=request, filename=f"job-{job.pk}-{asset.kind}{suffix}"
        )
        return Response({"url": url, "expires_in": signed_file_lifetime()})


# One Server-Sent Event, as the schema describes each event of the stream.
SSE_EVENT = {
    "type": "object",
    "description": (
        "Server-Sent Events. `state` and `progress` events carry one JobEvent as JSON in "
        "`data` and its id in `id` (send it back as Last-Event-ID to resume); the last, `end`, "
        'carries `{"status": <final status>}`. The stream opens with a `retry` hint.'
    ),
    "properties": {
        "event": {"type": "string", "enum": ["state", "progress", "end"]},
        "id": {"type": "string"},
        "data": {"type": "string"},
        "retry": {"type": "integer"},
    },
}


class JobEventsStreamApi(GenericAPIView):
    """Server-Sent Events: every state change and progress step of the job, from the start
    (or after `Last-Event-ID`), until the job reaches a terminal state (jobs/streams.py:
    under ASGI an async stream fed by Redis pub/sub, holding no thread while it waits)."""

    serializer_class = JobEventSerializer
    renderer_classes = [JSONRenderer, EventStreamRenderer]
    error_statuses = ("429",)  # `too_many_streams` (filmstudio.schema documents it)

    @extend_schema(responses={(200, "text/event-stream"): OpenApiResponse(SSE_EVENT)})
    def get(self, request, pk: int):
        job = selectors.job_get_for_user(user=request.user, job_id=pk)
        try:
            after = int(request.headers.get("Last-Event-ID") or 0)
        except ValueError:
            after = 0
        # One user may not hold every stream a web process can serve (429 past
        # JOB_EVENTS_MAX_STREAMS_PER_USER); the slot is freed when the stream ends or closes.
        key = f"job-event-streams:user:{request.user.pk}"
        limit = settings.JOB_EVENTS_MAX_STREAMS_PER_USER
        if not slot_acquire(key, limit=limit, ttl=settings.JOB_EVENTS_MAX_SECONDS + 60):
            raise TooManyStreams(f"At most {limit} event streams may be open at once.")
        if is_asgi(request):
            # An async iterable: Django's ASGI handler would buffer a sync one whole.
            content = AsyncSlotHeld(key, streams.event_stream_async(job.pk, after))
        else:
            content = SlotHeld(key, streams.event_stream(job.pk, after))
        response = StreamingHttpResponse(content, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # nginx must not buffer the stream
        return response


class ProjectRegenerateApi(GenericAPIView):
    serializer_class = RegenerateSerializer

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: JobDetailSerializer, 200: JobDetailSerializer, 402: OpenApiResponse()},
    )
    def post(self, request, pk: int):
        project = project_get_for_user(user=request.user, project_id=pk)
        job, created = services.project_regenerate(
            user=request.user, project=project, idempotency_key=_idempotency_key(request)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_detail(job.pk, request.user), status=code)


class ScriptsThrottle(UserRateThrottle):
    """Per user: parsing a screenplay is cheap once, not in a tight loop (settings: scripts)."""

    scope = "scripts"


class ScriptAnalyseApi(GenericAPIView):
    """Parse a screenplay (Fountain or prose) into its breakdown and estimate its film's
    length: no job is created and no credit moves. Rate-limited per user. An unusable
    screenplay is a 400 `script_<reason>` with the message under `errors.script`."""

    serializer_class = ScriptAnalyseSerializer
    throttle_classes = [ScriptsThrottle]

    @extend_schema(tags=["scripts"], responses=ScriptBreakdownSerializer)
    def post(self, request):
        data = ScriptAnalyseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.script_analyse(text=data.validated_data["script"]))


class JobEstimateApi(GenericAPIView):
    """The credits `POST /jobs` with this body would reserve now, the caller's balance and
    whether it covers them. `script` prices that text instead of the project's saved
    screenplay. Nothing is created, reserved or moderated; rate-limited like the analysis."""

    serializer_class = JobEstimateSerializer
    throttle_classes = [ScriptsThrottle]

    @extend_schema(responses=JobEstimateResultSerializer)
    def post(self, request):
        data = JobEstimateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_get_for_user(user=request.user, project_id=data.validated_data["project"])
        estimate = services.job_estimate(
            user=request.user,
            project=project,
            job_type=data.validated_data["type"],
            parameters=data.validated_data["parameters"],
            script=data.validated_data.get("script"),
        )
        return Response(estimate)


def _batch(batch_id, user) -> dict:
    batch = selectors.batch_get_for_user(user=user, batch_id=batch_id)
    return JobBatchSerializer(selectors.batch_summary(batch=batch)).data


class JobBatchCreateApi(GenericAPIView):
    """Create up to JOB_BATCH_MAX jobs in one request: every item is checked first (a bad one
    is a 400 naming it, `errors["jobs.<n>.<field>"]`), then all are reserved in one
    transaction or none is (402 `insufficient_credits` says how many credits are short).
    Jobs past your running limit wait their turn (queued)."""

    serializer_class = JobBatchSerializer

    @extend_schema(
        request=JobBatchCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: JobBatchSerializer, 200: JobBatchSerializer, 402: OpenApiResponse()},
    )
    def post(self, request):
        data = JobBatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["jobs"]
        projects = {
            pk: project_get_for_user(user=request.user, project_id=pk)
            for pk in {item["project"] for item in items}
        }
        batch, created = services.job_batch_create(
            user=request.user,
            items=[{**item, "project": projects[item["project"]]} for item in items],
            idempotency_key=_idempotency_key(request),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_batch(batch.pk, request.user), status=code)


class JobBatchDetailApi(GenericAPIView):
    """A batch: its jobs, how many are in each status and its overall progress."""

    serializer_class = JobBatchSerializer

    def get(self, request, batch_id):
        return Response(_batch(batch_id, request.user))


class JobBatchCancelApi(GenericAPIView):
    """Cancel every live job of the batch (each refunded); finished ones stay as they are."""

    serializer_class = JobBatchSerializer

    @extend_schema(request=None, responses=JobBatchSerializer)
    def post(self, request, batch_id):
        batch = selectors.batch_get_for_user(user=request.user, batch_id=batch_id)
        services.job_batch_cancel(batch=batch)
        return Response(_batch(batch_id, request.user))
