"""How a process names its metrics files (prometheus_client's multiprocess mode): the host
name as well as the pid, so containers sharing one directory (web and workers, docker/) never
collide. No Django here: the settings and gunicorn's master process use it."""

import os
import socket


def process_identifier(pid: int | None = None) -> str:
    return f"{socket.gethostname()}-{os.getpid() if pid is None else pid}"


def process_ended(pid: int | None = None) -> None:
    """The process `pid` (this one by default) has ended: its live gauges (the open event
    streams) stop counting. Without this a web process that exited would keep its last
    count in the sum until the directory is emptied."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(process_identifier(pid), path)
