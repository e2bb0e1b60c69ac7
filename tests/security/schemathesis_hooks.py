"""Loaded by schemathesis in tests/security/test_fuzz.py (SCHEMATHESIS_HOOKS): how to send
the one body type it has no serializer for, a tus chunk (raw bytes, like octet-stream)."""

import schemathesis
from schemathesis.transport.requests import binary_serializer


@schemathesis.serializer("application/offset+octet-stream")
def tus_chunk(ctx, value):
    return binary_serializer(ctx, value)
