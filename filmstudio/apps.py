from django.apps import AppConfig


class FilmstudioConfig(AppConfig):
    """The floor every app stands on. An app only for what no single app owns: the site
    configuration (its model, admin and API), the audit log, and the wiring of logs, metrics and
    the request context into Celery."""

    name = "filmstudio"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import logs, tasks_context

        logs.configure()
        tasks_context.connect()
