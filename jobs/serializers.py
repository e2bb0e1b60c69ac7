from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from filmstudio.representation import RowsMixin

from . import state
from .models import Job, JobEvent, JobPriority, JobStatus, JobType
from .stages import APP_STARTED_TYPES, STAGES, stages_for

# What POST /jobs may start: every type but those another app starts with its own input.
CREATABLE_TYPES = [
    (value, label) for value, label in JobType.choices if value not in APP_STARTED_TYPES
]


class JobCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1)
    type = serializers.ChoiceField(choices=CREATABLE_TYPES)
    parameters = serializers.JSONField(required=False, default=dict)
    priority = serializers.ChoiceField(
        choices=JobPriority.choices,
        default=JobPriority.NORMAL,
        help_text=(
            "Among queued stages, high runs before normal before low, and among your jobs "
            "waiting for a running slot. Honoured on the Redis broker; the embedded "
            "filesystem broker ignores it (stages run in the order they were sent)."
        ),
    )


class JobBatchCreateSerializer(serializers.Serializer):
    jobs = JobCreateSerializer(
        many=True,
        min_length=1,
        max_length=settings.JOB_BATCH_MAX,
        help_text="The jobs to create: several projects, or one project in variants "
        "(parameters, priority). All are paid for together or none is created.",
    )


class JobListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    type = serializers.ChoiceField(choices=JobType.choices, required=False)
    project = serializers.IntegerField(min_value=1, required=False)
    batch = serializers.UUIDField(required=False, help_text="Only the jobs of this batch.")


class JobEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = ["id", "from_status", "to_status", "stage", "progress", "message", "at"]
        read_only_fields = fields


class JobSerializer(RowsMixin, serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "project",
            "type",
            "status",
            "priority",
            "progress",
            "current_stage",
            "failed_stage",
            "cost",
            "error_code",
            "error_message",
            "created_at",
            "updated_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class JobBatchSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    finished = serializers.BooleanField(help_text="Every job of the batch has ended.")
    progress = serializers.IntegerField(help_text="The mean progress of its jobs (0-100).")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many of its jobs are in each status."
    )
    jobs = JobSerializer(many=True)


class JobStageSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    share = serializers.FloatField()


class JobDetailSerializer(JobSerializer):
    events = JobEventSerializer(many=True, read_only=True)
    valid_transitions = serializers.SerializerMethodField()
    stages = serializers.SerializerMethodField(
        help_text="The stages of the job's type, in order, each with its share (0-1) of the "
        "progress bar: a stage is done when `progress` passes the sum of the shares up to it."
    )

    class Meta(JobSerializer.Meta):
        fields = [
            *JobSerializer.Meta.fields,
            "parameters",
            "result",
            "stage_timings",
            "attempts",
            "stage_attempt",
            "valid_transitions",
            "stages",
            "events",
        ]
        read_only_fields = fields

    def get_valid_transitions(self, job: Job) -> list[str]:
        return state.valid_transitions(job.status)

    @extend_schema_field(JobStageSerializer(many=True))
    def get_stages(self, job: Job) -> list[dict]:
        names = stages_for(job.type)
        total = sum(STAGES[name].weight for name in names) or 1.0
        return [
            {"name": name, "label": STAGES[name].label, "share": STAGES[name].weight / total}
            for name in names
        ]


class JobStatusUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices)
    message = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ValidTransitionsSerializer(serializers.Serializer):
    status = serializers.CharField()
    valid_transitions = serializers.ListField(child=serializers.CharField())


class DownloadUrlSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField()


class QueueStatsSerializer(serializers.Serializer):
    queues = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    running = serializers.IntegerField()
    queued = serializers.IntegerField()
    failed_24h = serializers.IntegerField()
    mean_stage_seconds = serializers.DictField(child=serializers.FloatField())


class RegenerateSerializer(serializers.Serializer):
    """No body: the project's own script and settings are used."""


class JobEstimateSerializer(JobCreateSerializer):
    script = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Price this screenplay instead of the project's saved one (unsaved edits).",
    )


class JobEstimateResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=JobType.choices)
    cost = serializers.IntegerField(help_text="Credits the job would reserve.")
    seconds = serializers.IntegerField(help_text="The film length it is priced at.")
    balance = serializers.IntegerField()
    can_pay = serializers.BooleanField()


class ScriptAnalyseSerializer(serializers.Serializer):
    script = serializers.CharField(allow_blank=True, trim_whitespace=False)


class SceneSummarySerializer(serializers.Serializer):
    index = serializers.IntegerField()
    heading = serializers.CharField()
    characters = serializers.ListField(child=serializers.CharField())
    shots = serializers.IntegerField()
    lines = serializers.IntegerField()


class ScriptBreakdownSerializer(serializers.Serializer):
    title = serializers.CharField()
    format = serializers.ChoiceField(choices=["fountain", "prose"])
    characters = serializers.ListField(child=serializers.CharField())
    scenes = SceneSummarySerializer(many=True)
    shots = serializers.IntegerField()
    lines = serializers.IntegerField()
    words = serializers.IntegerField()
    estimated_seconds = serializers.IntegerField(
        help_text="About how long the film runs, before any voice is synthesised."
    )


# --- staff


class FailedJobFilterSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, max_length=64, help_text="Error code.")
    type = serializers.ChoiceField(choices=JobType.choices, required=False)
    stage = serializers.ChoiceField(choices=list(STAGES), required=False, help_text="Failed stage.")
    since = serializers.DateTimeField(required=False, help_text="Failed at or after.")


class FailedJobSerializer(serializers.ModelSerializer):
    owner_email = serializers.EmailField(source="owner.email", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "type",
            "owner",
            "owner_email",
            "project",
            "failed_stage",
            "error_code",
            "error_message",
            "attempts",
            "cost",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class StaffReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class BulkRetrySerializer(StaffReasonSerializer):
    job_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100
    )


class RetryRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()


class BulkRetryResultSerializer(serializers.Serializer):
    retried = serializers.ListField(child=serializers.IntegerField())
    refused = RetryRefusalSerializer(many=True)
