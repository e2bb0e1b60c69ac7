"""One generic route: a task goes to the queue it declares (`@shared_task(queue_name=Queue.X)`).

Celery 5.5 deprecated the `queue` task attribute (it stops working in 6.0; routes are the
supported way), so tasks declare a `queue_name` of their own and this router reads it. The
router knows queues, not apps: it never imports one.
"""

from .queues import Queue


def route_by_declared_queue(name, args, kwargs, options, task=None, **kw):
    queue = getattr(task, "queue_name", None)
    return {"queue": Queue(queue).value} if queue else None
