from rest_framework import serializers

from . import state
from .models import Job, JobEvent, JobPriority, JobStatus, JobType
from .stages import APP_STARTED_TYPES

# What POST /jobs may start: every type but those another app starts with its own input.
CREATABLE_TYPES = [
    (value, label) for value, label in JobType.choices if value not in APP_STARTED_TYPES
]


class JobCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1)
    type = serializers.ChoiceField(choices=CREATABLE_TYPES)
    parameters = serializers.JSONField(required=False, default=dict)
    priority = serializers.ChoiceField(choices=JobPriority.choices, default=JobPriority.NORMAL)


class JobListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    type = serializers.ChoiceField(choices=JobType.choices, required=False)
    project = serializers.IntegerField(min_value=1, required=False)


class JobEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = ["id", "from_status", "to_status", "stage", "progress", "message", "at"]
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer):
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


class JobDetailSerializer(JobSerializer):
    events = JobEventSerializer(many=True, read_only=True)
    valid_transitions = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [
            *JobSerializer.Meta.fields,
            "parameters",
            "result",
            "stage_timings",
            "attempts",
            "stage_attempt",
            "valid_transitions",
            "events",
        ]
        read_only_fields = fields

    def get_valid_transitions(self, job: Job) -> list[str]:
        return state.valid_transitions(job.status)


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
