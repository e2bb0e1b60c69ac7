"""Where files live: local folders under var/ by default, S3 when a bucket is named."""

from pathlib import Path

from .env import VAR_DIR, env

MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Large uploads stream to disk past this size instead of being held in memory; so do files
# read back from S3.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
USE_S3 = bool(AWS_STORAGE_BUCKET_NAME)

if USE_S3:
    _default = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            # Any S3-compatible server (SeaweedFS, MinIO, R2) is named by its endpoint.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            # Presigned URLs for downloads and streaming live this long (seconds).
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            # A stored file opened for reading is downloaded into a temp file that stays in
            # memory only up to this size (django-storages' default, 0, keeps it all there).
            "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
        },
    }
else:
    _default = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }

STORAGES = {
    "default": _default,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# Streaming stored files (filmstudio/streaming.py: videos, signed downloads): 256 KiB chunks
# keep syscalls few while a slow client holds little memory.
MEDIA_STREAM_CHUNK_SIZE = env.int("MEDIA_STREAM_CHUNK_SIZE", default=256 * 1024)
# When set (e.g. "/protected-media/"), streaming answers with X-Accel-Redirect to this
# prefix + the storage key, and nginx serves the bytes (an `internal` location).
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX", default="")
# Signed download links (local storage) stay valid this long, in seconds.
SIGNED_URL_MAX_AGE = env.int("SIGNED_URL_MAX_AGE", default=3600)
