from django.contrib import admin

from filmstudio.admin import AuditedAdmin

from . import services
from .models import Asset, Project


class AssetInline(admin.TabularInline):
    model = Asset
    extra = 0
    fields = ["kind", "file", "size", "content_type", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["id", "title", "owner", "status", "moderation_status", "created_at", "deleted"]
    list_filter = [
        "status",
        "moderation_status",
        "aspect_ratio",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "description", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at", "moderation_flags"]
    inlines = [AssetInline]
    actions = ["approve", "reject", "restore"]

    @admin.display(boolean=True)
    def deleted(self, obj: Project) -> bool:
        return obj.deleted_at is not None

    @admin.action(description="Approve (moderation; emails the owner)")
    def approve(self, request, queryset):
        self._moderate(request, queryset, "approve")

    @admin.action(description="Reject (moderation; emails the owner)")
    def reject(self, request, queryset):
        self._moderate(request, queryset, "reject")

    def _moderate(self, request, queryset, decision: str) -> None:
        def decide(project):
            services.project_moderate(project=project, decision=decision, by=request.user)

        self.run_action(request, queryset, decide, f"{decision.rstrip('e')}ed".title())

    @admin.action(description="Restore deleted projects")
    def restore(self, request, queryset):
        self.run_action(
            request,
            queryset,
            lambda p: services.project_restore(project=p, by=request.user),
            "Restored",
        )


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "kind", "size", "content_type", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["project__title", "project__owner__email", "file"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["created_at"]
