"""Events Paydesk sends to other tools (webhooks): their types, the JSON they carry, how each
delivery is signed, a ``verify`` receivers can copy, and the retry schedule.

Every delivery is an HTTP POST whose body is one JSON object::

    {"id": "evt_3f1c...", "type": "invoice.paid", "created": "2026-11-21T09:30:00.123456+00:00",
     "data": {"invoice": {...}}}

Money is a decimal string with the currency's decimals (``"1234.50"``), dates are ISO
``YYYY-MM-DD``, instants ISO 8601 in UTC. A replayed or retried delivery carries the same ``id``:
receivers deduplicate on it (it is also in the ``Paydesk-Event-Id`` header).

Signature (the ``Paydesk-Signature`` header), like Stripe's::

    Paydesk-Signature: t=1763717400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

``t`` is the Unix time (seconds) of this attempt; ``v1`` is the lowercase hex HMAC-SHA256 of the
UTF-8 bytes of ``f"{t}.{body}"`` (``body`` exactly as received, not re-serialized), keyed with the
endpoint's secret (its UTF-8 bytes, ``whsec_`` prefix included). A receiver recomputes it,
compares in constant time, and refuses a ``t`` more than 5 minutes from its own clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

INVOICE_FINALIZED = "invoice.finalized"
INVOICE_SENT = "invoice.sent"
INVOICE_PAID = "invoice.paid"
INVOICE_PARTIALLY_PAID = "invoice.partially_paid"
INVOICE_OVERDUE = "invoice.overdue"
INVOICE_VOIDED = "invoice.voided"
REMINDER_SENT = "reminder.sent"
PAYMENT_RECEIVED = "payment.received"
CUSTOMER_ON_HOLD = "customer.on_hold"
SUBSCRIPTION_RENEWED = "subscription.renewed"
PING = "ping"  # sent by "Test" to one endpoint only; not subscribable

EVENT_TYPES: tuple[str, ...] = (
    INVOICE_FINALIZED, INVOICE_SENT, INVOICE_PAID, INVOICE_PARTIALLY_PAID, INVOICE_OVERDUE, INVOICE_VOIDED,
    REMINDER_SENT, PAYMENT_RECEIVED, CUSTOMER_ON_HOLD, SUBSCRIPTION_RENEWED,
)
"""What an endpoint can subscribe to, in the order the settings list shows them."""

EVENT_LABELS: dict[str, str] = {
    INVOICE_FINALIZED: "Invoice finalized",
    INVOICE_SENT: "Invoice sent",
    INVOICE_PAID: "Invoice paid",
    INVOICE_PARTIALLY_PAID: "Invoice partially paid",
    INVOICE_OVERDUE: "Invoice overdue",
    INVOICE_VOIDED: "Invoice voided",
    REMINDER_SENT: "Reminder sent",
    PAYMENT_RECEIVED: "Payment received",
    CUSTOMER_ON_HOLD: "Customer on hold",
    SUBSCRIPTION_RENEWED: "Subscription renewed",
    PING: "Test (ping)",
}

SIGNATURE_HEADER = "Paydesk-Signature"
EVENT_ID_HEADER = "Paydesk-Event-Id"
EVENT_TYPE_HEADER = "Paydesk-Event-Type"
DELIVERY_HEADER = "Paydesk-Delivery"
TOLERANCE_S = 300
SECRET_PREFIX = "whsec_"

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6),
)
RETRY_EVERY = timedelta(hours=12)
GIVE_UP_AFTER = timedelta(days=3)


def new_secret() -> str:
    """A fresh signing secret (shown once to the user, kept in the keyring)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_event_ids(count: int) -> list[str]:
    """``count`` random public event ids (``evt_`` and 24 hex digits), from one read of the OS generator."""
    raw = secrets.token_bytes(12 * count).hex()
    return [f"evt_{raw[i:i + 24]}" for i in range(0, 24 * count, 24)]


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based): 30 s, 2 min, 10 min, 1 h, 6 h, then 12 h."""
    if attempts < 1:
        return RETRY_DELAYS[0]
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else RETRY_EVERY


def retry_at(attempts: int, now: datetime, first_created: datetime) -> datetime | None:
    """When to try again after the ``attempts``-th failure, or None once three days have gone by."""
    at = now + retry_delay(attempts)
    return at if at <= first_created + GIVE_UP_AFTER else None


def retriable_status(status: int) -> bool:
    """5xx, 408 and 429 are tried again; other 4xx (and 3xx: redirects are not followed) fail at once."""
    return status >= 500 or status in (408, 429)


# --- payloads -----------------------------------------------------------------------------------------
def money_text(minor: int, places: int) -> str:
    """Minor units as a decimal string with ``places`` decimals (``123450, 2`` -> ``"1234.50"``)."""
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


def json_value(value: Any) -> Any:
    """``json.dumps`` default: Decimals as strings, dates and instants as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def payload_json(data: Mapping[str, Any]) -> str:
    """The stored (and sent) form of an event's ``data``: compact JSON, keys in a stable order."""
    return json.dumps(data, default=json_value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def envelope(event_id: str, event_type: str, created: datetime, data_json: str) -> str:
    """The request body: the event with its data, as text (the exact bytes are what is signed)."""
    head = json.dumps({"id": event_id, "type": event_type, "created": created.isoformat()}, separators=(",", ":"))
    return f'{head[:-1]},"data":{data_json}}}'


# --- signing ------------------------------------------------------------------------------------------
def sign(secret: str, body: str, timestamp: int) -> str:
    """The ``Paydesk-Signature`` header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: str | bytes, header: str, tolerance: int = TOLERANCE_S, now: float | None = None) -> bool:
    """True when ``header`` (Paydesk-Signature) signs ``body`` with ``secret`` within ``tolerance`` seconds.

    Self-contained on purpose (hashlib, hmac, time only): receivers may copy it as it is."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields.get("t", [""])[0])
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.{text}".encode(), hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def delivery_headers(secret: str, body: str, event_id: str, event_type: str, delivery_id: int, timestamp: int) -> dict[str, str]:
    """The headers of one attempt (besides Content-Type and User-Agent)."""
    return {
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        DELIVERY_HEADER: str(delivery_id),
    }
