from enum import StrEnum


class Queue(StrEnum):
    """Every Celery queue, named once. A worker is started per queue group with -Q."""

    DEFAULT = "default"
    MEDIA = "media"  # ffmpeg and other long CPU work
    GPU = "gpu"  # image and video generation
