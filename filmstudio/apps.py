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
        _metrics_process_end()
        _strict_text_fields()


def _metrics_process_end() -> None:
    """A Celery prefork child that is ending stops counting in the live gauges shared by the
    host's processes (filmstudio/procid.py; gunicorn's master does it for web workers)."""
    from celery import signals

    from .procid import process_ended

    def ended(pid=None, **kwargs) -> None:
        process_ended(pid)

    signals.worker_process_shutdown.connect(
        ended, weak=False, dispatch_uid="filmstudio-metrics-process-end"
    )


def _strict_text_fields() -> None:
    """A text field takes text. DRF's CharField turns a JSON number into its digits (so
    `"last_name": 0` was accepted where the schema says string); every CharField and its
    subclasses (email, slug, URL...) refuse anything but a string instead, API-wide, with
    DRF's own `invalid` error."""
    from rest_framework.fields import CharField

    if getattr(CharField.to_internal_value, "strict", False):
        return
    lenient = CharField.to_internal_value

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return lenient(self, data)

    to_internal_value.strict = True
    CharField.to_internal_value = to_internal_value
