"""Operators watch the workers in Celery Flower, started from the Procfile entry."""

import base64
import os
import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.celery_worker import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _procfile_command(name: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.split(":", 1)[1])
    raise AssertionError(f"no {name} entry in the Procfile")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_flower_from_the_procfile_serves_against_the_configured_broker(celery_worker, tmp_path):
    """Given a worker on the configured Redis, when Flower starts from its Procfile entry
    with credentials in FLOWER_BASIC_AUTH, then it answers its health check, refuses the
    dashboard without the credentials and lists the worker with them."""
    port = _free_port()
    command = [c.replace("${FLOWER_PORT:-5555}", str(port)) for c in _procfile_command("flower")]
    assert command[0] == "celery"
    command[0] = str(Path(sys.executable).with_name("celery"))
    log = (tmp_path / "flower.log").open("wb")
    flower = subprocess.Popen(
        [*command, "--address=127.0.0.1"], cwd=ROOT,
        env={**os.environ, "FLOWER_BASIC_AUTH": "ops:s3cret"}, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip

    def get(path: str, auth: str | None = "ops:s3cret") -> bytes | None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
        if auth:
            request.add_header("Authorization", f"Basic {base64.b64encode(auth.encode()).decode()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as r:
                return r.read()
        except urllib.error.HTTPError as error:
            return str(error.code).encode()
        except OSError:
            return None

    try:
        assert wait_for(lambda: get("/healthcheck"), timeout=30) == b"OK"
        assert get("/workers", auth=None) == b"401"
        assert get("/workers", auth="ops:wrong") == b"401"

        # Flower learns of workers from their events and pings; give it a few seconds.
        def dashboard_lists_the_worker() -> bool:
            body = get("/workers?refresh=1") or b""
            return celery_worker.hostname.encode() in body

        assert wait_for(dashboard_lists_the_worker, timeout=30, interval=0.5)
    finally:
        flower.terminate()
        try:
            flower.wait(timeout=10)
        except subprocess.TimeoutExpired:
            flower.kill()
        log.close()
