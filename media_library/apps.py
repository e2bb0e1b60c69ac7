from django.apps import AppConfig


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = "Media Library"

    def ready(self) -> None:
        from filmstudio.registry import (
            analytics_sources,
            metrics_sources,
            user_erasers,
            user_sections,
        )

        from . import selectors
        from .services.videos import videos_erase_uploader

        user_sections.register("media_library", selectors.user_media_section)
        user_erasers.register("media_library", videos_erase_uploader)
        analytics_sources.register("media_library", selectors.uploads_series)
        metrics_sources.register("media_library", selectors.uploads_metrics)
