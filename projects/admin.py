from django.contrib import admin, messages
from django.utils import timezone

from .models import Asset, Project


class AssetInline(admin.TabularInline):
    model = Asset
    extra = 0
    fields = ["kind", "file", "size", "content_type", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
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
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AssetInline]
    actions = ["approve", "reject", "restore"]

    @admin.display(boolean=True)
    def deleted(self, obj: Project) -> bool:
        return obj.deleted_at is not None

    @admin.action(description="Approve (moderation)")
    def approve(self, request, queryset):
        count = queryset.update(
            moderation_status=Project.ModerationStatus.APPROVED, updated_at=timezone.now()
        )
        self.message_user(request, f"{count} project(s) approved.", messages.SUCCESS)

    @admin.action(description="Reject (moderation)")
    def reject(self, request, queryset):
        count = queryset.update(
            moderation_status=Project.ModerationStatus.REJECTED, updated_at=timezone.now()
        )
        self.message_user(request, f"{count} project(s) rejected.", messages.SUCCESS)

    @admin.action(description="Restore deleted projects")
    def restore(self, request, queryset):
        count = queryset.update(deleted_at=None)
        self.message_user(request, f"{count} project(s) restored.", messages.SUCCESS)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "kind", "size", "content_type", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["project__title", "project__owner__email", "file"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["created_at"]
