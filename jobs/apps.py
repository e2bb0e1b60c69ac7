from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from filmstudio.registry import (
            analytics_sources,
            metrics_sources,
            user_filters,
            user_sections,
        )

        from . import analytics, selectors

        # The jobs' contributions to the staff views the floor owns.
        user_sections.register("jobs", selectors.user_jobs_section)
        user_filters.register("has_failed_jobs", selectors.users_with_failed_jobs)
        analytics_sources.register("jobs", analytics.jobs_series)
        metrics_sources.register("jobs", selectors.jobs_metrics)
