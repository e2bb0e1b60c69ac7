from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class YoutubeIntegrationConfig(AppConfig):
    name = "youtube_integration"
    verbose_name = "YouTube publishing"

    def ready(self) -> None:
        from filmstudio.registry import (
            analytics_sources,
            metrics_sources,
            user_erasers,
            user_sections,
        )
        from jobs.stages import register_stage

        from . import selectors, stages
        from .services.connections import connections_erase_owner

        checks.register(check_token_keys, checks.Tags.security)
        # The youtube_upload job's stages are declared in the job engine's stage table
        # (jobs/stages.py); their work is ours.
        for name, work in stages.STAGE_WORK.items():
            register_stage(name, work)
        user_sections.register("youtube_integration", selectors.user_youtube_section)
        user_erasers.register("youtube_integration", connections_erase_owner)
        analytics_sources.register("youtube_integration", selectors.publications_series)
        metrics_sources.register("youtube_integration", selectors.publications_metrics)


def check_token_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """YOUTUBE_TOKEN_KEYS must be Fernet keys, or no token could be stored or read."""
    from .tokens import keys_problem

    problem = keys_problem(list(settings.YOUTUBE_TOKEN_KEYS))
    if problem:
        return [checks.Error(problem, id="youtube_integration.E001")]
    return []
