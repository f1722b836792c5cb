"""The event envelope, the signature scheme (checked against an independent computation) and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from desktop.domain import events as ev


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = '{"id":"evt_1","type":"invoice.paid"}'
    header = ev.sign("whsec_abc", body, 1763717400)
    expected = hmac.new(b"whsec_abc", b"1763717400." + body.encode(), hashlib.sha256).hexdigest()
    assert header == f"t=1763717400,v1={expected}"
    assert ev.verify("whsec_abc", body, header, now=1763717400 + 299)
    assert ev.verify("whsec_abc", body.encode(), header, now=1763717400)
    assert not ev.verify("whsec_abc", body, header, now=1763717400 + 301)  # too old: a replayed request
    assert not ev.verify("whsec_abd", body, header, now=1763717400)
    assert not ev.verify("whsec_abc", body + " ", header, now=1763717400)
    assert not ev.verify("whsec_abc", body, "t=x,v1=00", now=1763717400)
    rotated = f"{header},v1={'0' * 64}"  # several v1 values: any one may match
    assert ev.verify("whsec_abc", body, rotated, now=1763717400)


def test_envelope_is_json_with_decimal_strings_and_iso_dates():
    data = ev.payload_json({"amount": Decimal("12.50"), "day": date(2026, 11, 21), "name": "Müller"})
    created = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    body = ev.envelope("evt_1", ev.INVOICE_PAID, created, data)
    assert json.loads(body) == {"id": "evt_1", "type": "invoice.paid", "created": "2026-11-21T09:30:00+00:00",
                                "data": {"amount": "12.50", "day": "2026-11-21", "name": "Müller"}}
    assert ev.money_text(123450, 2) == "1234.50" and ev.money_text(5, 0) == "5" and ev.money_text(-1, 3) == "-0.001"


def test_event_ids_are_unique_and_secrets_prefixed():
    ids = ev.new_event_ids(1000)
    assert len(set(ids)) == 1000 and all(i.startswith("evt_") and len(i) == 28 for i in ids)
    assert ev.new_secret().startswith("whsec_") and ev.new_secret() != ev.new_secret()


def test_retry_schedule_backs_off_and_gives_up_after_three_days():
    start = datetime(2026, 11, 21, tzinfo=UTC)
    assert [ev.retry_delay(n) for n in range(1, 8)] == [
        timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6),
        timedelta(hours=12), timedelta(hours=12)]
    assert ev.retry_at(1, start, start) == start + timedelta(seconds=30)
    assert ev.retry_at(9, start + timedelta(days=2, hours=13), start) is None
    assert ev.retriable_status(500) and ev.retriable_status(429) and ev.retriable_status(408)
    assert not ev.retriable_status(404) and not ev.retriable_status(301)
