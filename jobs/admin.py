from django.contrib import admin

from filmstudio.admin import AuditedAdmin

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


class ErrorCodeFilter(admin.SimpleListFilter):
    """The failure codes that occur (the failed-jobs investigation starts here)."""

    title = "error code"
    parameter_name = "error_code"

    def lookups(self, request, model_admin):
        codes = (
            Job.objects.exclude(error_code="")
            .values_list("error_code", flat=True)
            .distinct()
            .order_by("error_code")
        )
        return [(code, code) for code in codes[:50]]

    def queryset(self, request, queryset):
        return queryset.filter(error_code=self.value()) if self.value() else queryset


@admin.register(Job)
class JobAdmin(AuditedAdmin):
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
    list_filter = [
        "status",
        "type",
        ErrorCodeFilter,
        "failed_stage",
        "priority",
        "created_at",
        "finished_at",
    ]
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

    @admin.action(description="Cancel selected jobs (refunds)")
    def cancel_jobs(self, request, queryset):
        def cancel(job):
            services.job_staff_set_status(job=job, status="cancelled", by=request.user)

        self.run_action(request, queryset, cancel, "Cancelled")

    @admin.action(description="Retry selected failed jobs (the owner is charged again)")
    def retry_jobs(self, request, queryset):
        def retry(job):
            services.job_staff_retry(job=job, by=request.user)

        self.run_action(request, queryset.select_related("project"), retry, "Queued again")
