"""Serving stored files to players: byte ranges, If-Range, X-Accel-Redirect, S3 redirects."""

import asyncio
import json
import os
import re
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

from .errors import NotFound, error_body
from .files import storage_local_path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = "unsatisfiable"


def parse_range(header: str, size: int):
    """One `bytes=` range → (start, end) inclusive; UNSATISFIABLE; or None to ignore the
    header (malformed, or several ranges: we answer those with the whole file, as RFC 9110
    allows, rather than a multipart body no player asks for)."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return start, min(end, size - 1)


def _if_range_matches(value: str, etag: str, mtime: float) -> bool:
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison: a weak tag never matches
    date = parse_http_date_safe(value)
    return date is not None and date == int(mtime)


def _chunks(path: str, start: int, length: int, chunk_size: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(chunk_size, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


async def _chunks_async(path: str, start: int, length: int, chunk_size: int):
    """The same chunks for an ASGI server, each read in the default thread pool: Django's ASGI
    handler would read a plain iterator whole into memory before sending a byte."""
    chunks = _chunks(path, start, length, chunk_size)
    done = object()
    try:
        while (data := await asyncio.to_thread(next, chunks, done)) is not done:
            yield data
    finally:
        chunks.close()


def is_asgi(request) -> bool:
    """Whether the request came through an ASGI server (a DRF Request or a Django one)."""
    return isinstance(getattr(request, "_request", request), ASGIRequest)


def stored_file_response(
    request, *, name: str, content_type: str, storage: Storage = default_storage
) -> HttpResponse:
    """Answer a GET for a stored file the way a video player needs.

    Remote storage (S3): 302 to a presigned URL (the object store serves ranges itself).
    MEDIA_ACCEL_REDIRECT_PREFIX set: an empty response with X-Accel-Redirect for nginx.
    Otherwise the bytes, streamed in chunks: 206 + Content-Range for a satisfiable single
    range (honouring If-Range), 416 + `Content-Range: bytes */size` for an unsatisfiable one.
    """
    path = storage_local_path(name, storage)
    if path is None:
        return HttpResponseRedirect(storage.url(name))
    if settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = (
            settings.MEDIA_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + (quote(name))
        )
        return response

    try:
        stat = os.stat(path)
    except FileNotFoundError:
        # The row outlived its file (deleted by hand, a lost volume): gone, not a crash.
        raise NotFound("The file is no longer stored.", code="file_missing") from None
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": http_date(stat.st_mtime),
        "Cache-Control": "private, max-age=3600",
    }
    status, start, length = 200, 0, size
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (not if_range or _if_range_matches(if_range, etag, stat.st_mtime)):
        parsed = parse_range(range_header, size)
        if parsed == UNSATISFIABLE:
            response = HttpResponse(
                json.dumps(
                    error_body("The requested range is not satisfiable.", "range_not_satisfiable")
                ),
                status=416,
                content_type="application/json",
            )
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response
        if parsed is not None:
            start, end = parsed
            status, length = 206, end - start + 1
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    chunks = _chunks_async if is_asgi(request) else _chunks
    body = (
        []
        if request.method == "HEAD"
        else chunks(path, start, length, settings.MEDIA_STREAM_CHUNK_SIZE)
    )
    response = StreamingHttpResponse(body, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    for key, value in headers.items():
        response[key] = value
    return response
