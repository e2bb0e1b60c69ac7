"""Every write of the media library, one module per concern. Import from here:
`from media_library import services; services.video_delete(video=...)`."""

from .categories import category_create, category_delete, category_update
from .moderation import moderation_decide, video_moderate, video_report, video_set_published
from .processing import (
    video_process,
    video_processing_enqueue,
    videos_requeue_stuck,
    videos_resend_unqueued,
)
from .publishing import video_publish_film
from .quota import quota_release, quota_reserve, quota_true_up, quotas_reset_weekly
from .resumable import (
    upload_session_append,
    upload_session_create,
    upload_session_get,
    upload_session_terminate,
    upload_sessions_expire,
)
from .uploads import upload_check_size, video_create_from_local_file, video_upload
from .videos import video_delete, video_register_view, video_update

__all__ = [
    "category_create",
    "category_delete",
    "category_update",
    "moderation_decide",
    "quota_release",
    "quota_reserve",
    "quota_true_up",
    "quotas_reset_weekly",
    "upload_check_size",
    "upload_session_append",
    "upload_session_create",
    "upload_session_get",
    "upload_session_terminate",
    "upload_sessions_expire",
    "video_create_from_local_file",
    "video_delete",
    "video_moderate",
    "video_process",
    "video_processing_enqueue",
    "video_publish_film",
    "video_register_view",
    "video_report",
    "video_set_published",
    "video_update",
    "video_upload",
    "videos_requeue_stuck",
    "videos_resend_unqueued",
]
