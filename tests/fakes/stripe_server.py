"""A local HTTP server speaking Stripe's REST API (v1), for tests: Stripe is unreachable here.

Point the official client at it (`stripe.api_base = server.base_url`, which is what dj-stripe's
`STRIPE_API_HOST` setting does) and it answers what the client and dj-stripe call, with
Stripe's JSON objects (`stripe_world.py`), its list envelope, its error shape and status codes:

- `GET /v1/account`
- customers, products, prices: create, retrieve, update, list (with `expand`, `lookup_keys`)
- `POST /v1/checkout/sessions` (line items checked against the prices and the mode), retrieve
  (with `expand[]=line_items`), `GET .../line_items`, `POST .../expire`
- `POST /v1/billing_portal/sessions` (also the `subscription_update_confirm` flow)
- subscriptions: retrieve, list, update (`cancel_at_period_end`, `items`), `DELETE` (cancel),
  `POST .../resume` (a paused one)
- invoices (with `expand[]=payments`), `GET .../lines`, invoice payments, payment intents,
  charges, refunds (`POST /v1/refunds`), disputes, events

Requests are form-encoded (`a[b][0]=c`), as the client sends them. A wrong secret key gets
Stripe's 401; an `Idempotency-Key` replays the first answer; `fail_next(status)` injects
errors. Every request is recorded (`requests`). What happens outside the API (the customer
pays a session, a renewal, a failed payment, a dispute) is driven through `world`
(`StripeWorld`), which returns the events Stripe would send; `signature_header` and
`deliver` sign and post them exactly as Stripe does:
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.request
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.http import address, close, respond, running, serve
from tests.fakes.stripe_world import (
    API_VERSION,
    COLLECTIONS,
    RESOURCES,
    StripeError,
    StripeWorld,
    as_list,
)


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeStripeServer:
    api_key: str = "sk_test_FakeFilmStudioKey0123456789"
    webhook_secret: str = "whsec_fakefilmstudio"
    world: StripeWorld = field(default_factory=StripeWorld)
    requests: list[RecordedRequest] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    _replies: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- control ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What `stripe.api_base` / `STRIPE_API_HOST` take (the client appends `/v1/...`)."""
        return address(self._server)

    def start(self) -> FakeStripeServer:
        self._server = serve(_handler_for(self), name="fake-stripe")
        return self

    def stop(self) -> None:
        close(self._server)
        self._server = None

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` API requests with HTTP `status` and Stripe's error body."""
        with self._lock:
            self._failures.extend([status] * times)

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        """Recorded requests whose method matches and whose path matches the regex."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == method and re.fullmatch(path_pattern, r.path)
            ]

    # -- webhooks ------------------------------------------------------------------------------

    def signature_header(
        self, payload: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """Stripe's `Stripe-Signature` header for the raw body `payload`."""
        stamp = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new(
            (secret or self.webhook_secret).encode(), f"{stamp}.{payload}".encode(), hashlib.sha256
        )
        return f"t={stamp},v1={mac.hexdigest()}"

    def deliver(self, event: dict[str, Any], url: str, **signing: Any) -> tuple[int, bytes]:
        """POST `event` to a webhook URL over HTTP, signed, as Stripe delivers it."""
        payload = json.dumps(event, indent=2)
        request = urllib.request.Request(
            url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": self.signature_header(payload, **signing),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    # -- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        """Answer one API call: (HTTP status, JSON body)."""
        world = self.world
        expand = _indexed(params.pop("expand", None))
        with world.lock:
            if path == "/v1/account" and method == "GET":
                return 200, copy.deepcopy(world.account)
            match = re.fullmatch(
                r"/v1/((?:checkout|billing_portal)/sessions|[a-z_]+)"
                r"(?:/([A-Za-z0-9_]+))?(?:/([a-z_]+))?",
                path,
            )
            if not match or match.group(1) not in COLLECTIONS:
                raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
            collection, object_id, action = match.groups()
            prefix = COLLECTIONS[collection]
            obj = self._route(method, prefix, object_id, action, params)
            if obj.get("object") == "list":
                # `expand[]=data.product` expands `product` in every item of the page
                inner = [path.removeprefix("data.") for path in expand if path.startswith("data.")]
                obj["data"] = [
                    world.expanded(world.objects.get(item["id"], item), inner)
                    for item in obj["data"]
                ]
                return 200, obj
            return 200, world.expanded(obj, expand)

    def _route(
        self,
        method: str,
        prefix: str,
        object_id: str | None,
        action: str | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        world = self.world
        if object_id is None:
            if method == "POST":
                creators = {
                    "cus": world.create_customer,
                    "prod": world.create_product,
                    "price": world.create_price,
                    "cs": world.create_checkout_session,
                    "bps": world.create_portal_session,
                    "re": world.create_refund,
                }
                if prefix not in creators:
                    raise StripeError(404, f"Unrecognized request URL (POST: {prefix}).")
                return creators[prefix](params)
            return self._list(prefix, params)
        obj = world.get(object_id, prefix)
        if action == "line_items" and prefix == "cs":
            return self._page(
                f"/v1/checkout/sessions/{object_id}/line_items",
                copy.deepcopy(obj["_line_items"]),
                params,
            )
        if action == "lines" and prefix == "in":
            return self._page(
                f"/v1/invoices/{object_id}/lines", copy.deepcopy(obj["lines"]["data"]), params
            )
        if action == "features" and prefix == "prod":
            return self._page(f"/v1/products/{object_id}/features", [], params)
        if action == "expire" and prefix == "cs" and method == "POST":
            return world.expire_checkout_session(object_id)
        if action == "resume" and prefix == "sub" and method == "POST":
            return world.resume_subscription(object_id, params)
        if action is not None:
            raise StripeError(404, f"Unrecognized request URL ({method}: {action}).")
        if method == "GET":
            return obj
        if method == "DELETE" and prefix == "sub":
            return world.cancel_subscription(object_id)
        if method == "POST" and prefix == "sub":
            return world.update_subscription(object_id, params)
        if method == "POST" and prefix in ("cus", "prod", "price"):
            return world.update(object_id, params, prefix)
        raise StripeError(404, f"Unrecognized request URL ({method}: {prefix}).")

    def _list(self, prefix: str, params: dict[str, Any]) -> dict[str, Any]:
        paging = {
            k: params.pop(k) for k in ("limit", "starting_after", "ending_before") if k in params
        }
        if prefix == "inpay":
            invoice = self.world.get(params.get("invoice") or "", "in")
            found = [self.world.expanded(p, []) for p in invoice["_payments"]]
        else:
            found = self.world.listing(prefix, params, "")
        url = f"/v1/{RESOURCES[prefix][1]}"
        return self._page(url, [self.world.expanded(o, []) for o in found], paging)

    @staticmethod
    def _page(url: str, items: list[dict[str, Any]], paging: dict[str, Any]) -> dict[str, Any]:
        limit = int(paging.get("limit") or 10)
        if not 1 <= limit <= 100:
            raise StripeError(400, "Invalid integer: must be between 1 and 100", param="limit")
        ids = [item["id"] for item in items]
        if paging.get("starting_after") in ids:
            items = items[ids.index(paging["starting_after"]) + 1 :]
        elif paging.get("ending_before") in ids:
            items = items[: ids.index(paging["ending_before"])][-limit:]
        page = as_list(url, items[:limit])
        page["has_more"] = len(items) > limit
        return page


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding back into nested data: `a[b]=1` -> {"a": {"b": "1"}},
    `a[0][c]=2` / `a[]=3` -> lists."""
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        parts = re.findall(r"^[^\[]+|\[([^\]]*)\]", raw_key)
        keys = [raw_key.split("[", 1)[0], *parts[1:]]
        node: Any = root
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            following = None if last else keys[depth + 1]
            blank: Any = (
                [] if following is not None and (following == "" or following.isdigit()) else {}
            )
            if isinstance(node, list):
                index = len(node) if key == "" else int(key)
                while len(node) <= index:
                    node.append(None)
                if last:
                    node[index] = value
                else:
                    node[index] = node[index] if node[index] is not None else blank
                    node = node[index]
            elif last:
                node[key] = value
            else:
                node = node.setdefault(key, blank)
    return root


def _indexed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _handler_for(fake: FakeStripeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the client expects
        disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms ACK waits

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _handle(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            pairs = parse_qsl(url.query, keep_blank_values=True)
            pairs += parse_qsl(body, keep_blank_values=True)
            params = decode_form(pairs)
            headers = {k.lower(): v for k, v in self.headers.items()}
            with fake._lock:
                fake.requests.append(
                    RecordedRequest(self.command, url.path, copy.deepcopy(params), headers)
                )
            if headers.get("authorization") != f"Bearer {fake.api_key}":
                key = (headers.get("authorization") or "").removeprefix("Bearer ")
                error = StripeError(401, f"Invalid API Key provided: {key[:8]}***{key[-4:]}")
                self._json(401, error.body())
                return
            with fake._lock:
                failure = fake._failures.pop(0) if fake._failures else None
            if failure is not None:
                kind = "api_error" if failure >= 500 else "invalid_request_error"
                error = StripeError(failure, f"Injected failure {failure}.", kind=kind)
                self._json(failure, error.body())
                return
            replay_key = headers.get("idempotency-key") if self.command == "POST" else None
            with fake._lock:
                replay = fake._replies.get(replay_key) if replay_key else None
            if replay is not None:
                self._send(replay[0], replay[1], {"idempotent-replayed": "true"})
                return
            try:
                status, data = fake.handle(self.command, url.path, params)
            except StripeError as error:
                status, data = error.status, error.body()
            except (KeyError, TypeError, ValueError) as error:
                status, data = 400, StripeError(400, f"Invalid request: {error!r}").body()
            payload = json.dumps(data).encode()
            if replay_key and status < 500:
                with fake._lock:
                    fake._replies[replay_key] = (status, payload)
            self._send(status, payload)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode())

        def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None):
            stamp = {"Request-Id": f"req_fake{len(fake.requests)}", "Stripe-Version": API_VERSION}
            respond(self, status, payload, "application/json", {**stamp, **(headers or {})})

    return Handler


def running_fake_stripe(**options: Any) -> AbstractContextManager[FakeStripeServer]:
    """Start a `FakeStripeServer` on 127.0.0.1 (a free port) and stop it afterwards."""
    return running(FakeStripeServer(**options))
