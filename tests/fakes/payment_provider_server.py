"""A local stand-in for Stripe and Mollie: a real HTTP server on 127.0.0.1 (random port, a thread)
that speaks the endpoints Paydesk uses, as documented by the providers.

Stripe: POST /v1/payment_links (form-encoded, nested keys), GET /v1/payment_links/{id},
GET /v1/checkout/sessions?payment_link=..., GET /v1/balance; errors ``{"error": {"type", "message", ...}}``.
Mollie: POST /v2/payment-links (JSON), GET /v2/payment-links/{id}, GET /v2/methods; errors as
application/hal+json ``{"status", "title", "detail", "field", "_links"}``.
Both: Bearer auth, ``Idempotency-Key`` replay (same key, same request -> the same object; same key,
other parameters -> an error), and scriptable failures: a 4xx with the provider's body, a 500, a slow
answer (the object is created first, as a real server may do before the client gives up).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

STRIPE_KEY = "sk_test_paydesk"
MOLLIE_KEY = "test_paydeskpaydeskpaydeskpaydes"
MOLLIE_VALUE = re.compile(r"^\d+\.\d{2}$")
STATUS_TITLES = {400: "Bad Request", 401: "Unauthorized Request", 404: "Not Found", 422: "Unprocessable Entity",
                 500: "Internal Server Error"}


@dataclass(slots=True)
class Failure:
    status: int
    message: str = "Scripted failure"
    field: str = ""
    delay: float = 0.0  # seconds to wait before answering (the request is still carried out first)


@dataclass(slots=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class FakeProviders:
    """State of the fake server; tests script it through these methods."""

    stripe_links: dict[str, dict[str, Any]] = field(default_factory=dict)
    stripe_sessions: list[dict[str, Any]] = field(default_factory=list)
    mollie_links: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    base_url: str = ""

    def fail_next(self, status: int, message: str = "Scripted failure", field: str = "", *, times: int = 1) -> None:
        self.failures.extend(Failure(status, message, field) for _ in range(times))

    def slow_next(self, seconds: float) -> None:
        """The next create is carried out, then answered only after ``seconds``."""
        self.failures.append(Failure(0, delay=seconds))

    def created(self, provider: str) -> int:
        return len(self.stripe_links if provider == "stripe" else self.mollie_links)

    def pay(self, provider_id: str, amount_minor: int | None = None) -> None:
        """The customer pays: Stripe gets a complete, paid Checkout Session; Mollie sets ``paidAt``."""
        with self.lock:
            if provider_id.startswith("plink_"):
                link = self.stripe_links[provider_id]
                self.stripe_sessions.append({
                    "id": f"cs_test_{next(self._ids)}", "object": "checkout.session", "payment_link": provider_id,
                    "status": "complete", "payment_status": "paid", "currency": link["currency"],
                    "amount_total": amount_minor if amount_minor is not None else link["amount"], "created": 1795000000,
                })
                link["active"] = False
            else:
                self.mollie_links[provider_id]["paidAt"] = "2026-11-22T10:15:00+00:00"

    def next_id(self) -> int:
        return next(self._ids)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        state.seen.append(Seen(method, url.path, {k.lower(): v for k, v in self.headers.items()}, body))
        stripe = url.path.startswith("/v1/")
        if not self._authorized(stripe):
            return
        failure = None
        with state.lock:
            if state.failures:
                failure = state.failures.pop(0)
        if failure is not None and failure.status:
            self._error(stripe, failure.status, failure.message, failure.field)
            return
        status, payload, headers = (self._stripe(method, url.path, url.query, body) if stripe
                                    else self._mollie(method, url.path, body))
        if failure is not None and failure.delay:
            state.stop.wait(failure.delay)
        self._send(status, payload, "application/json" if stripe or status < 400 else "application/hal+json", headers)

    def _authorized(self, stripe: bool) -> bool:
        key = STRIPE_KEY if stripe else MOLLIE_KEY
        if self.headers.get("Authorization") == f"Bearer {key}":
            return True
        message = ("Invalid API Key provided: " + (self.headers.get("Authorization") or "none")[7:14] + "****"
                   if stripe else "Missing authentication, or failed to authenticate")
        self._error(stripe, 401, message)
        return False

    def _error(self, stripe: bool, status: int, message: str, field: str = "") -> None:
        if stripe:
            kind = "api_error" if status >= 500 else "invalid_request_error"
            error: dict[str, Any] = {"type": kind, "message": message, "request_log_url": "https://dashboard.stripe.com/"}
            if field:
                error["param"] = field
            self._send(status, {"error": error}, "application/json")
        else:
            body: dict[str, Any] = {"status": status, "title": STATUS_TITLES.get(status, "Error"), "detail": message,
                                    "_links": {"documentation": {"href": "https://docs.mollie.com/overview/handling-errors",
                                                                 "type": "text/html"}}}
            if field:
                body["field"] = field
            self._send(status, body, "application/hal+json")

    def _send(self, status: int, payload: dict[str, Any], content_type: str, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def _idempotent(self, provider: str, params: Any, create: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        key = self.headers.get("Idempotency-Key")
        state = self.server.state
        signature = json.dumps(params, sort_keys=True)
        with state.lock:
            if key and (provider, key) in state.idempotency:
                seen_signature, status, payload = state.idempotency[(provider, key)]
                if seen_signature != signature:
                    if provider == "stripe":
                        return 400, {"error": {"type": "idempotency_error", "message": "Keys for idempotent requests "
                                               "can only be used with the same parameters they were first used with."}}, {}
                    return 422, {"status": 422, "title": "Unprocessable Entity",
                                 "detail": "The idempotency key was already used for a different request"}, {}
                return status, payload, {"Idempotent-Replayed": "true"}
            status, payload = create()
            if key and status < 500:
                state.idempotency[(provider, key)] = (signature, status, payload)
        return status, payload, {}

    # Stripe ---------------------------------------------------------------------------------------------------
    def _stripe(self, method: str, path: str, query: str, body: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        state = self.server.state
        if method == "GET" and path == "/v1/balance":
            return 200, {"object": "balance", "livemode": False, "available": [{"amount": 0, "currency": "eur"}]}, {}
        if method == "POST" and path == "/v1/payment_links":
            fields = dict(parse_qsl(body, keep_blank_values=True))
            return self._idempotent("stripe", fields, lambda: self._stripe_create(fields))
        if method == "GET" and path.startswith("/v1/payment_links/"):
            link = state.stripe_links.get(path.rsplit("/", 1)[1])
            if link is None:
                return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_link"}}, {}
            return 200, link, {}
        if method == "GET" and path == "/v1/checkout/sessions":
            params = dict(parse_qsl(query))
            data = [s for s in state.stripe_sessions if s["payment_link"] == params.get("payment_link")
                    and ("status" not in params or s["status"] == params["status"])]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/checkout/sessions"}, {}
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({method}: {path})"}}, {}

    def _stripe_create(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        for required in ("line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]",
                         "line_items[0][price_data][product_data][name]", "line_items[0][quantity]"):
            if not fields.get(required):
                return 400, {"error": {"type": "invalid_request_error", "message": f"Missing required param: {required}.",
                                       "param": required}}
        amount = fields["line_items[0][price_data][unit_amount]"]
        if not amount.isdigit() or int(amount) < 50:
            return 400, {"error": {"type": "invalid_request_error", "param": "line_items[0][price_data][unit_amount]",
                                   "message": "The Checkout Session's total amount due must add up to at least €0.50 eur"}}
        number = state.next_id()
        link_id = f"plink_test_{number:06d}"
        link = {
            "id": link_id, "object": "payment_link", "active": True, "livemode": False,
            "url": f"{state.base_url}/pay/{link_id}", "currency": fields["line_items[0][price_data][currency]"],
            "amount": int(amount),
            "metadata": {k[9:-1]: v for k, v in fields.items() if k.startswith("metadata[")},
            "payment_method_types": [v for k, v in sorted(fields.items()) if k.startswith("payment_method_types[")] or None,
            "restrictions": {"completed_sessions": {"count": 0,
                                                    "limit": int(fields.get("restrictions[completed_sessions][limit]", 0))}},
        }
        state.stripe_links[link_id] = link
        return 200, link

    # Mollie ---------------------------------------------------------------------------------------------------
    def _mollie(self, method: str, path: str, body: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        state = self.server.state
        if method == "GET" and path == "/v2/methods":
            methods = [{"resource": "method", "id": m, "description": m} for m in ("ideal", "creditcard", "bancontact")]
            return 200, {"count": len(methods), "_embedded": {"methods": methods}}, {}
        if method == "POST" and path == "/v2/payment-links":
            try:
                payload = json.loads(body or "{}")
            except ValueError:
                return 400, {"status": 400, "title": "Bad Request", "detail": "The request body is not valid JSON"}, {}
            return self._idempotent("mollie", payload, lambda: self._mollie_create(payload))
        if method == "GET" and path.startswith("/v2/payment-links/"):
            link = state.mollie_links.get(path.rsplit("/", 1)[1])
            if link is None:
                return 404, {"status": 404, "title": "Not Found", "detail": "No payment link exists with token"}, {}
            return 200, link, {}
        return 404, {"status": 404, "title": "Not Found", "detail": f"Unknown endpoint {method} {path}"}, {}

    def _mollie_create(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        amount = payload.get("amount") or {}
        if not payload.get("description"):
            return 422, {"status": 422, "title": "Unprocessable Entity", "detail": "The description is invalid",
                         "field": "description"}
        if not isinstance(amount, dict) or not MOLLIE_VALUE.match(str(amount.get("value", ""))) or not amount.get("currency"):
            return 422, {"status": 422, "title": "Unprocessable Entity", "field": "amount.value",
                         "detail": "The amount contains an invalid value"}
        token = f"pl_test{state.next_id():06d}"
        link = {
            "resource": "payment-link", "id": token, "mode": "test", "description": payload["description"],
            "amount": amount, "redirectUrl": payload.get("redirectUrl"), "allowedMethods": payload.get("allowedMethods"),
            "createdAt": "2026-11-21T09:00:00+00:00", "paidAt": None, "expiresAt": payload.get("expiresAt"),
            "_links": {"self": {"href": f"{state.base_url}/v2/payment-links/{token}", "type": "application/hal+json"},
                       "paymentLink": {"href": f"{state.base_url}/payment/{token}/", "type": "text/html"}},
        }
        state.mollie_links[token] = link
        return 201, link


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeProviders


@contextmanager
def running() -> Iterator[FakeProviders]:
    """Start the fake server on 127.0.0.1 with a free port; stop it when the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = FakeProviders()
    server.state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.state.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        time.sleep(0)
