"""Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/."""

from .env import VAR_DIR, env

_redis_url = env("REDIS_URL", default="")
_broker_dir = VAR_DIR / "celery"

# The broker must redeliver an unacknowledged task only after the longest task could have
# finished: every hard time limit below stays under this (one hour). The worker tests lower it
# (CELERY_VISIBILITY_TIMEOUT) so a SIGKILLed worker's task comes back within seconds.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)

if _redis_url:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_redis_url)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=_redis_url)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # Job priorities (low/normal/high) map onto these broker priority steps.
        "priority_steps": list(range(10)),
        "sep": ":",
        "queue_order_strategy": "priority",
        # How often a worker looks for unacknowledged tasks past the visibility timeout
        # (kombu: interval x throttle seconds; 100 s by default).
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
else:
    for _sub in ("in", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    CELERY_RESULT_BACKEND = env(
        "CELERY_RESULT_BACKEND", default=f"file://{(_broker_dir / 'results').as_posix()}"
    )
    (_broker_dir / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # The filesystem transport reads and writes the same folder: one queue of files.
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (control, events) files go under var/ too, not the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Job state lives in PostgreSQL; results are only kept for the bench round trip.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task in hand per worker process: a long render must not hold others hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Stage tasks override these with their own; the default bounds anything else.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=16 * 60)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = True  # Flower shows live task state.
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
