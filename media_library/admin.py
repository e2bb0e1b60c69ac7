from django.contrib import admin

from filmstudio.admin import AuditedAdmin

from . import services
from .models import Category, UploadQuota, UploadSession, Video, VideoReport


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    """Saving goes through the services (the slug); the audit record comes from
    AuditedAdmin. Deleting a category leaves its videos uncategorised."""

    list_display = ["name", "slug", "video_count", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]
    actions = ["delete_categories"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(video_count=Count("videos"))

    @admin.display(description="videos", ordering="video_count")
    def video_count(self, category) -> int:
        return category.video_count

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the action below goes through the service
        return actions

    def persist(self, request, obj, form, change):
        if change:
            services.category_update(category=obj, name=obj.name)
        else:
            created = services.category_create(name=obj.name, created_by=request.user)
            obj.pk, obj.slug = created.pk, created.slug

    def remove(self, request, obj):
        services.category_delete(category=obj)

    @admin.action(description="Delete selected categories (their videos stay, uncategorised)")
    def delete_categories(self, request, queryset):
        self.run_action(request, queryset, lambda c: self.delete_model(request, c), "Deleted")


class OpenReportsFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Has open reports")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reports__status=VideoReport.Status.OPEN).distinct()
        return queryset


@admin.register(Video)
class VideoAdmin(AuditedAdmin):
    list_display = [
        "title",
        "uploaded_by",
        "category",
        "status",
        "is_published",
        "view_count",
        "created_at",
    ]
    list_filter = ["status", "is_published", OpenReportsFilter, "category", "created_at"]
    actions = ["publish", "unpublish", "approve_reported", "reject_reported"]
    search_fields = ["title", "uploaded_by__email"]
    list_select_related = ["uploaded_by", "category"]
    raw_id_fields = ["uploaded_by", "source_asset"]
    readonly_fields = [
        "key",
        "status",
        "error",
        "original",
        "original_size",
        "rendition_1080p",
        "rendition_720p",
        "rendition_480p",
        "thumbnail",
        "duration",
        "stream_info",
        "storage_bytes",
        "view_count",
        "processing_started_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        # A video is made from an uploaded file (API) or a published film, never from a form.
        return False

    def remove(self, request, obj):
        services.video_delete(video=obj)

    def _each(self, request, queryset, verb: str, service, **kwargs):
        def act(video):
            service(video=video, by=request.user, **kwargs)

        self.run_action(request, queryset, act, verb)

    @admin.action(description="Publish selected videos")
    def publish(self, request, queryset):
        self._each(request, queryset, "Published", services.video_set_published, published=True)

    @admin.action(description="Unpublish selected videos")
    def unpublish(self, request, queryset):
        self._each(request, queryset, "Unpublished", services.video_set_published, published=False)

    @admin.action(description="Reported: dismiss the reports (emails the uploader)")
    def approve_reported(self, request, queryset):
        self._each(request, queryset, "Approved", services.video_moderate, decision="approve")

    @admin.action(description="Reported: uphold and unpublish (emails the uploader)")
    def reject_reported(self, request, queryset):
        self._each(request, queryset, "Rejected", services.video_moderate, decision="reject")


@admin.register(VideoReport)
class VideoReportAdmin(admin.ModelAdmin):
    """Reports are decided on their video (the video actions, or the moderation API)."""

    list_display = ["id", "video", "reporter", "status", "decided_by", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["video__title", "reporter__email", "reason"]
    list_select_related = ["video", "reporter", "decided_by"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in VideoReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UploadQuota)
class UploadQuotaAdmin(admin.ModelAdmin):
    list_display = ["user", "week_start", "bytes_used"]
    list_filter = ["week_start"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(UploadSession)
class UploadSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "status", "offset", "length", "updated_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "id"]
    raw_id_fields = ["user", "video"]
    readonly_fields = ["offset", "length", "quota_week", "video"]
