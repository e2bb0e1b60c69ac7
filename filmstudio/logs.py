"""Structured logs: every line of every logger (ours, Django's, Celery's) goes through
structlog's formatter, carries the bound context (request id, user id, job id, source; see
`filmstudio.context`) and is written as one JSON object per line in production or as a
readable coloured line in development (settings LOG_FORMAT: json | console)."""

import structlog
import structlog.tracebacks

from . import context


def add_context(logger, method_name: str, event_dict: dict) -> dict:
    """Every line names the work it belongs to: request_id, user_id, job_id, source..."""
    for key, value in context.current().items():
        event_dict.setdefault(key, value)
    return event_dict


# Applied to every line, whether it came from structlog or from the standard library.
SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    add_context,
]


def formatter(log_format: str) -> dict:
    """The LOGGING formatter for LOG_FORMAT ("json" or "console")."""
    if log_format == "json":
        # Tracebacks as data, without the frames' local variables (they may hold secrets).
        tracebacks = structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        )
        render = [tracebacks, structlog.processors.JSONRenderer()]
    else:
        render = [structlog.dev.ConsoleRenderer(colors=False)]
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": SHARED,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    }


def configure() -> None:
    """structlog's own loggers (`structlog.get_logger()`) hand their events to the standard
    library, so both kinds of line get the same handlers and formatter."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
