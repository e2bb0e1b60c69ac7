"""Settings: one base module plus topic modules, all driven by the environment.

With nothing set, the embedded defaults run (SQLite, local files, filesystem broker).
"""

from .api import *  # noqa: F403
from .auth import *  # noqa: F403
from .base import *  # noqa: F403
from .billing import *  # noqa: F403
from .celery import *  # noqa: F403
from .jobs import *  # noqa: F403
from .media import *  # noqa: F403
from .observability import *  # noqa: F403
from .pipeline import *  # noqa: F403
from .storage import *  # noqa: F403
from .youtube import *  # noqa: F403
