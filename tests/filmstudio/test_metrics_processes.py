"""Metrics under several processes (prometheus_client's multiprocess mode): a web process
that has exited stops counting its open event streams."""

import os
import subprocess
import sys
from types import SimpleNamespace

from prometheus_client import CollectorRegistry, multiprocess

from filmstudio.workers import child_exit

OPEN_STREAMS = """
import os
from prometheus_client import Gauge, values
from filmstudio.procid import process_identifier
values.ValueClass = values.MultiProcessValue(process_identifier=process_identifier)
Gauge("filmstudio_sse_streams_open", "open", multiprocess_mode="livesum").inc({n})
print(os.getpid())
"""


def _open_streams(directory) -> float:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    return registry.get_sample_value("filmstudio_sse_streams_open") or 0.0


def _web_process(directory, n: int) -> int:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_STREAMS.format(n=n)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout)


def test_an_exited_web_process_stops_counting_its_streams(tmp_path, monkeypatch):
    # given two web processes that counted 3 and 2 open streams, then exited
    first, second = _web_process(tmp_path, 3), _web_process(tmp_path, 2)
    assert _open_streams(tmp_path) == 5
    # when gunicorn's master hears the first one exit
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    child_exit(server=None, worker=SimpleNamespace(pid=first))
    # then only the other's streams count
    assert _open_streams(tmp_path) == 2
    child_exit(server=None, worker=SimpleNamespace(pid=second))
    assert _open_streams(tmp_path) == 0


def test_the_gunicorn_entry_loads_the_hooks():
    from pathlib import Path

    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert "--config python:filmstudio.workers" in web
