"""Signed, expiring download links for stored files.

On S3 the storage itself presigns the URL. On local storage the link points at
`files/<signed token>`, which carries the storage name and expires after
settings.SIGNED_URL_MAX_AGE seconds; the signature is the only credential it needs.
"""

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse

SALT = "filmstudio.download"


def signed_file_url(*, name: str, request=None, filename: str | None = None) -> str:
    """An absolute URL from which the stored file `name` can be downloaded for a while."""
    if settings.USE_S3:
        return default_storage.url(name)
    token = signing.dumps({"n": name, "f": filename or ""}, salt=SALT, compress=True)
    path = reverse("signed-file", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def signed_file_lifetime() -> int:
    """How many seconds a link from signed_file_url stays valid."""
    if settings.USE_S3:
        return int(settings.STORAGES["default"]["OPTIONS"].get("querystring_expire", 3600))
    return settings.SIGNED_URL_MAX_AGE


def signed_file_name(*, token: str) -> tuple[str, str]:
    """The (storage name, download filename) a token grants, or signing.BadSignature."""
    data = signing.loads(token, salt=SALT, max_age=settings.SIGNED_URL_MAX_AGE)
    return data["n"], data.get("f") or ""
