"""Event streams under ASGI (uvicorn, as in production): many open streams hold no thread the
other requests need, and new events reach every stream through Redis pub/sub."""

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from jobs import services
from jobs.services import job_cost
from tests.celery_worker import purge_broker, test_database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
STREAMS = 120  # more than a threaded server's 16 threads, few enough for a shared machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_server(tmp_path, request):
    """uvicorn serving filmstudio.asgi on the test database; the database is read only when
    a stream opens (no resync while the test runs): later events can only come by pub/sub.
    A user may open STREAMS streams unless the test's parameter sets other settings."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CONN_MAX_AGE": "0",
        "JOB_EVENTS_RESYNC_SECONDS": "3600",
        "JOB_EVENTS_CHANNEL_PREFIX": settings.JOB_EVENTS_CHANNEL_PREFIX or "",
        "FILMSTUDIO_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": settings.SECRET_KEY,  # the tokens and links the test signs
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "JOB_EVENTS_MAX_STREAMS_PER_USER": str(STREAMS),
        **getattr(request, "param", {}),
    }
    uvicorn = str(Path(sys.executable).with_name("uvicorn"))
    log = open(tmp_path / "uvicorn.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [uvicorn, "filmstudio.asgi:application", "--port", str(port), "--lifespan", "off",
         "--no-access-log"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/v1/plans", timeout=2)
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail((tmp_path / "uvicorn.log").read_text()[-3000:])
            time.sleep(0.3)
    yield port, tmp_path / "uvicorn.log", process.pid
    process.terminate()
    process.wait(timeout=15)
    log.close()


async def _open(port: int, path: str, token: str):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    return reader, writer


def _run_apart(coroutine):
    """asyncio.run on a thread of its own: on the test's thread it would leave that thread's
    event loop closed and unset, which the browser tests' shared Playwright driver (run later
    in the same process) then trips over."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _read_until(reader, marker: bytes, seen: bytearray, timeout: float = 30) -> None:
    while marker not in seen:
        chunk = await asyncio.wait_for(reader.read(65536), timeout)
        if not chunk:
            raise AssertionError(f"stream closed before {marker!r}: {bytes(seen)[-300:]!r}")
        seen.extend(chunk)


def _threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Threads:")[1].split()[0])


def _get(port: int, path: str) -> int:
    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).status


def test_many_open_streams_leave_the_api_answering_and_pub_sub_reaches_them_all(
    asgi_server, user, project, fund
):
    asgi_server, _, server_pid = asgi_server
    from accounts.authentication import refresh_token_for

    fund(user, job_cost(job_type="script_analysis", target_duration=60))
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    token = str(refresh_token_for(user).access_token)
    path = f"/api/v1/jobs/{job.pk}/events"

    threads_before = _threads(server_pid)

    async def scenario():
        streams = []
        for _ in range(0, STREAMS, 10):  # ten at a time: each reads the database once
            opened = await asyncio.gather(*(_open(asgi_server, path, token) for _n in range(10)))
            for reader, writer in opened:
                seen = bytearray()
                await _read_until(reader, b'"to_status": "queued"', seen)
                streams.append((reader, writer, seen))
        # An open stream holds no thread: the server's threads are the pool's (at most
        # ASGI_IDLE_THREADS idle ones kept), not one per stream as under Django's own handler
        assert _threads(server_pid) - threads_before <= 20
        # Given STREAMS open streams, the API still answers every request
        statuses = await asyncio.gather(
            *(asyncio.to_thread(_get, asgi_server, "/api/v1/plans") for _ in range(20))
        )
        assert statuses == [200] * 20
        # When the job moves on, every stream hears it (pub/sub: the streams do not poll)
        await asyncio.to_thread(services.job_stage_begin, job_id=job.pk, stage="script_analysis")
        for reader, _, seen in streams:
            await _read_until(reader, b'"to_status": "processing"', seen)
        await asyncio.to_thread(services.job_cancel, job=job)
        for reader, writer, seen in streams:
            await _read_until(reader, b'data: {"status": "cancelled"}', seen)
            writer.close()
        return streams

    try:
        streams = _run_apart(scenario())
    finally:
        purge_broker()  # no worker here: drop the stage task the job queued
    assert len(streams) == STREAMS
    first = bytes(streams[0][2])
    assert b"HTTP/1.1 200" in first and b"text/event-stream" in first


@pytest.mark.parametrize("asgi_server", [{"JOB_EVENTS_MAX_STREAMS_PER_USER": "2"}], indirect=True)
def test_the_stream_cap_holds_under_asgi_and_a_closed_stream_frees_its_slot(
    asgi_server, user, project, fund
):
    port, _, _ = asgi_server
    from accounts.authentication import refresh_token_for

    fund(user, job_cost(job_type="script_analysis", target_duration=60))
    job, _ = services.job_create(user=user, project=project, job_type="script_analysis")
    token = str(refresh_token_for(user).access_token)
    path = f"/api/v1/jobs/{job.pk}/events"

    async def head(reader) -> bytes:
        seen = bytearray()
        await _read_until(reader, b"\r\n\r\n", seen)
        return bytes(seen)

    async def scenario():
        held = []
        for _ in range(2):
            reader, writer = await _open(port, path, token)
            assert b"HTTP/1.1 200" in await head(reader)
            held.append(writer)
        reader, writer = await _open(port, path, token)
        refused = await head(reader)
        assert b"HTTP/1.1 429" in refused
        # The body may arrive in a later read than the head: read the refusal whole.
        refused = bytearray(refused)
        await _read_until(reader, b"too_many_streams", refused)
        writer.close()
        refused = bytes(refused)
        # The client goes away: the server cancels its stream, which gives the slot back.
        held.pop().close()
        for _ in range(100):
            reader, writer = await _open(port, path, token)
            answer = await head(reader)
            writer.close()
            if b"HTTP/1.1 200" in answer:
                break
            assert b"HTTP/1.1 429" in answer
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the closed stream's slot was never released")
        for writer in held:
            writer.close()
        return refused

    try:
        refused = _run_apart(scenario())
    finally:
        purge_broker()  # no worker here: drop the stage task the job queued
    assert b"too_many_streams" in refused


def test_a_stored_file_is_streamed_in_chunks_under_asgi_not_read_whole_first(asgi_server):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from filmstudio.downloads import signed_file_url

    port, log, _ = asgi_server
    body = os.urandom(3 * settings.MEDIA_STREAM_CHUNK_SIZE + 123)
    name = default_storage.save("films/big.bin", ContentFile(body))
    url = signed_file_url(name=name)

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}", headers={"Range": "bytes=10-"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206
        assert response.read() == body[10:]
    assert "must consume synchronous iterators" not in log.read_text()
