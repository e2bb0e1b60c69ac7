"""The one Celery app: configured from Django settings (namespace CELERY).

It knows queues, not apps: every task declares its own queue
(`@shared_task(queue_name=Queue.X)`), which the one generic route reads; a task that declares
none would go to `default`.
"""

import os

from celery import Celery
from kombu import Queue as KombuQueue

from .queues import Queue
from .schedule import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filmstudio.settings")

app = Celery("filmstudio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [KombuQueue(q.value, routing_key=q.value) for q in Queue]
app.conf.task_default_queue = Queue.DEFAULT.value
app.conf.task_routes = ("celery_app.routes.route_by_declared_queue",)
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
