from django.contrib import admin

from .models import Category, UploadQuota, UploadSession, Video


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug"]

    def save_model(self, request, obj, form, change):
        from . import services

        if change:
            services.category_update(category=obj, name=obj.name)
        else:
            created = services.category_create(name=obj.name, created_by=request.user)
            obj.pk, obj.slug = created.pk, created.slug


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["title", "uploaded_by", "category", "status", "view_count", "created_at"]
    list_filter = ["status", "category"]
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

    def delete_model(self, request, obj):
        from . import services

        services.video_delete(video=obj)

    def delete_queryset(self, request, queryset):
        from . import services

        for video in queryset:
            services.video_delete(video=video)


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
