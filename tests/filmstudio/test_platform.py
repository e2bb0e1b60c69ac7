import json

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health_reports_every_part_ok():
    response = Client().get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_health_is_503_when_a_part_is_down(monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from filmstudio import health

    # A cache on a port where nothing listens stands in for a Redis that went away.
    monkeypatch.setattr(health, "cache", RedisCache("redis://127.0.0.1:1/0", {}))
    response = Client().get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_openapi_schema_is_valid_and_documents_the_api(tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )

    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/projects", "/api/v1/projects/{id}", "/api/v1/projects/{id}/assets"):
        assert path in schema["paths"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"])
def test_api_docs_are_served(path):
    response = Client().get(path)

    assert response.status_code == 200


def test_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_admin_login_page_is_served():
    assert Client().get("/admin/login/").status_code == 200


def _run_settings(env_overrides: dict[str, str], code: str, tmp_path) -> str:
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "DEBUG", "SECRET_KEY"}
    }
    env.update({"FILMSTUDIO_VAR_DIR": str(tmp_path / "var"), **env_overrides})
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_embedded_defaults_need_no_server(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='filmstudio.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL);"
        "print(s.STORAGES['default']['BACKEND']); print(s.EMAIL_BACKEND)"
    )
    engine, broker, storage, email = _run_settings({}, code, tmp_path).split()

    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert storage == "django.core.files.storage.FileSystemStorage"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert (tmp_path / "var" / "celery" / "in").is_dir()


def test_environment_switches_to_production_parts(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='filmstudio.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL);"
        "print(s.STORAGES['default']['BACKEND']); print(s.CACHES['default']['BACKEND'])"
    )
    out = _run_settings(
        {
            "DATABASE_URL": "postgres://u:p@db.internal:5432/films",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "AWS_STORAGE_BUCKET_NAME": "films",
        },
        code,
        tmp_path,
    )
    engine, broker, storage, cache_backend = out.split()

    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://cache.internal:6379/0"
    assert storage == "storages.backends.s3.S3Storage"
    assert cache_backend == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_the_deploy_check(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "production-only-not-a-real-secret-" + "y" * 20,
        "ALLOWED_HOSTS": "films.example.com",
        "FILMSTUDIO_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
