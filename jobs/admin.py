from django.contrib import admin, messages

from filmstudio.errors import DomainError

from . import services
from .models import Job, JobEvent
from .stages import STAGE_LABELS


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "stage", "progress", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "type",
        "status",
        "progress",
        "stage",
        "owner",
        "project",
        "cost",
        "created_at",
    ]
    list_filter = ["status", "type", "priority", "created_at"]
    search_fields = ["id", "owner__email", "project__title", "error_code", "celery_task_id"]
    list_select_related = ["owner", "project"]
    raw_id_fields = ["owner", "project"]
    inlines = [JobEventInline]
    actions = ["cancel_jobs", "retry_jobs"]
    # Status changes go through the state machine (the actions), never a form field.
    readonly_fields = [
        "status", "progress", "current_stage", "failed_stage", "stage_attempt", "attempts",
        "sweeps", "result", "stage_timings", "error_code", "error_message", "celery_task_id",
        "cost", "reservation_no", "idempotency_key", "request_fingerprint", "created_at",
        "updated_at", "started_at", "stage_started_at", "finished_at",
    ]  # fmt: skip

    @admin.display(description="Stage", ordering="current_stage")
    def stage(self, job):
        return STAGE_LABELS.get(job.current_stage, job.current_stage)

    def _each(self, request, queryset, action, verb):
        done = 0
        for job in queryset:
            try:
                action(job=job)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Job {job.pk}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{done} job(s) {verb}.")

    @admin.action(description="Cancel selected jobs (refunds)")
    def cancel_jobs(self, request, queryset):
        self._each(request, queryset, services.job_cancel, "cancelled")

    @admin.action(description="Retry selected failed jobs")
    def retry_jobs(self, request, queryset):
        self._each(request, queryset, services.job_retry, "queued again")
