import json

from rest_framework.renderers import BaseRenderer


class EventStreamRenderer(BaseRenderer):
    """Lets a client ask for `Accept: text/event-stream` without DRF answering 406. The
    stream itself is a StreamingHttpResponse; this only renders error bodies as one event."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return f"event: error\ndata: {json.dumps(data, default=str)}\n\n".encode()
