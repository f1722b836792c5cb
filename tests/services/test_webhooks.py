"""Webhooks against a real HTTP receiver on 127.0.0.1: signed deliveries, retries with back-off
(500, timeouts, a receiver down for an hour), 4xx failing at once, a crashed attempt retried,
the delivery log and replays, and the endpoint settings (secret in the keyring, shown once)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from desktop.domain import events as ev
from desktop.domain.errors import ValidationError
from desktop.gateways.webhook_client import USER_AGENT, WebhookClient
from desktop.services.secrets import SecretStore
from desktop.services.webhooks import LEASE, WebhookService
from desktop.store import webhooks as webhook_store
from desktop.store.types import utcnow
from tests.fakes.webhook_receiver import WebhookReceiver


class Clock:
    def __init__(self):
        self.now = utcnow() + timedelta(seconds=1)  # events recorded by the test (at the real time) are due

    def __call__(self):
        return self.now

    def advance(self, delta):
        self.now += delta


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def receiver(clock):
    server = WebhookReceiver(clock=lambda: clock.now.timestamp()).start()
    yield server
    server.stop()


@pytest.fixture
def hooks(paydesk, clock):
    return WebhookService(paydesk.db, SecretStore(), clock, lambda: WebhookClient(timeout=(1.0, 0.5)))


def register(hooks, receiver, types=ev.EVENT_TYPES):
    endpoint_id, secret = hooks.save(receiver.url, list(types))
    receiver.secret = secret
    return endpoint_id


def test_signed_delivery_verifies_and_carries_the_event(paydesk, hooks, receiver, make_invoice):
    register(hooks, receiver, [ev.INVOICE_FINALIZED])
    invoice_id = make_invoice("100.00", "50.00")
    report = hooks.deliver()
    assert (report.delivered, report.retrying, report.failed) == (1, 0, 0)
    [got] = receiver.received
    assert got.signature_ok
    assert got.headers["User-Agent"] == USER_AGENT and got.headers["Content-Type"] == "application/json"
    event = got.event
    assert event["type"] == "invoice.finalized" and event["id"] == got.event_id and event["id"].startswith("evt_")
    invoice = event["data"]["invoice"]
    assert invoice["id"] == invoice_id and invoice["total"] == "181.50" and invoice["status"] == "open"
    assert invoice["customer"]["number"] == "1001" and invoice["number"]
    # A wrong secret or a changed body does not verify; nor does an old timestamp.
    signature = got.headers[ev.SIGNATURE_HEADER]
    assert not ev.verify("whsec_wrong", got.body, signature)
    assert not ev.verify(receiver.secret, got.body.replace("181.50", "1.50"), signature)
    assert not ev.verify(receiver.secret, got.body, signature, now=clock_time(signature) + 301)
    [entry] = hooks.deliveries()
    assert (entry.state, entry.last_status, entry.attempts, entry.last_response) == ("delivered", 200, 1, "ok")
    assert hooks.deliver().delivered == 0  # never twice


def clock_time(signature):
    return int(signature.split(",")[0].removeprefix("t="))


def test_only_subscribed_events_and_active_endpoints(paydesk, hooks, receiver, make_invoice):
    endpoint_id = register(hooks, receiver, [ev.INVOICE_VOIDED])
    invoice_id = make_invoice("10.00")
    paydesk.invoices.void(invoice_id, "Wrong customer")
    hooks.deliver()
    assert [r.event["type"] for r in receiver.received] == ["invoice.voided"]
    assert receiver.received[0].event["data"]["reason"] == "Wrong customer"
    hooks.save(receiver.url, [ev.INVOICE_FINALIZED], active=False, endpoint_id=endpoint_id)
    make_invoice("20.00")
    hooks.deliver()
    assert len(receiver.received) == 1


def test_500_then_retry_after_back_off_succeeds(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    receiver.answers = [500]
    make_invoice("10.00")
    report = hooks.deliver()
    assert (report.delivered, report.retrying) == (0, 1)
    [entry] = hooks.deliveries()
    assert (entry.state, entry.last_status, entry.attempts) == ("pending", 500, 1)
    assert entry.next_attempt_at == clock.now + timedelta(seconds=30) or entry.next_attempt_at > clock.now
    assert hooks.deliver().delivered == 0  # not due yet
    clock.advance(timedelta(seconds=31))
    assert hooks.deliver().delivered == 1
    first, second = receiver.received
    assert first.event_id == second.event_id and first.body == second.body
    [entry] = hooks.deliveries()
    assert (entry.state, entry.last_status, entry.attempts) == ("delivered", 200, 2)


def test_timeout_is_retried(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    receiver.hang = 1.5  # the client waits 0.5 s for an answer
    make_invoice("10.00")
    report = hooks.deliver()
    assert report.retrying == 1 and "no answer within 0.5 seconds" in report.errors[0]
    [entry] = hooks.deliveries()
    assert entry.state == "pending" and entry.last_status is None and "no answer" in entry.last_error
    receiver.hang = 0
    clock.advance(timedelta(seconds=31))
    assert hooks.deliver().delivered == 1


def test_client_errors_fail_at_once_but_429_is_retried(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    receiver.answers = [410, 429]
    make_invoice("10.00")
    make_invoice("20.00")
    report = hooks.deliver()
    assert (report.failed, report.retrying) == (1, 1)
    states = {e.last_status: e.state for e in hooks.deliveries()}
    assert states == {410: "failed", 429: "pending"}
    clock.advance(timedelta(days=1))
    assert hooks.deliver().delivered == 1
    assert hooks.counts() == {"pending": 0, "delivering": 0, "delivered": 1, "failed": 1}


def test_receiver_down_for_an_hour_gets_everything_once(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    for amount in ("10.00", "20.00", "30.00"):
        make_invoice(amount)
    receiver.stop()
    for _ in range(12):  # the app delivers every 5 minutes during the hour the receiver is down
        report = hooks.deliver()
        assert report.delivered == 0
        clock.advance(timedelta(minutes=5))
    assert [e.state for e in hooks.deliveries()] == ["pending"] * 3
    assert max(e.attempts for e in hooks.deliveries()) <= 4  # backed off, not hammered
    receiver.start()
    for _ in range(6):
        hooks.deliver()
        clock.advance(timedelta(minutes=5))
    assert sorted(receiver.event_ids()) == sorted({r.event_id for r in receiver.received})  # each once
    assert len(receiver.received) == 3 and all(r.signature_ok for r in receiver.received)
    assert [e.state for e in hooks.deliveries()] == ["delivered"] * 3


def test_gives_up_after_three_days(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    receiver.answers = [503] * 100
    make_invoice("10.00")
    for _ in range(80):
        hooks.deliver()
        clock.advance(timedelta(hours=1))
    [entry] = hooks.deliveries()
    assert entry.state == "failed" and entry.last_status == 503
    assert 5 < entry.attempts < 15


def test_a_crashed_attempt_is_retried_after_its_lease(paydesk, hooks, receiver, make_invoice, clock):
    register(hooks, receiver)
    make_invoice("10.00")
    [entry] = hooks.deliveries()
    with paydesk.db.transaction() as conn:  # an attempt that crashed after claiming
        assert webhook_store.claim(conn, entry.id, clock.now, clock.now + LEASE) is not None
    assert hooks.deliver().delivered == 0
    clock.advance(LEASE + timedelta(seconds=1))
    assert hooks.deliver().delivered == 1
    assert hooks.deliveries()[0].attempts == 2


def test_replay_makes_a_new_delivery_with_the_same_event_id(paydesk, hooks, receiver, make_invoice):
    register(hooks, receiver)
    make_invoice("10.00")
    hooks.deliver()
    [first] = hooks.deliveries()
    new_ids = hooks.replay(delivery_id=first.id)
    assert len(new_ids) == 1 and new_ids[0] != first.id
    hooks.deliver()
    new_ids = hooks.replay(event_id=first.event_uid)
    hooks.deliver()
    assert receiver.event_ids() == [first.event_uid] * 3
    log = hooks.deliveries(event_id=first.event_uid)
    assert [e.replay for e in log] == [2, 1, 0] and all(e.state == "delivered" for e in log)
    assert json.loads(hooks.body(first.id))["id"] == first.event_uid


def test_ping_and_secret_rotation(paydesk, hooks, receiver, memory_keyring):
    endpoint_id = register(hooks, receiver)
    result = hooks.test(endpoint_id)
    assert result.ok and result.status == 200
    assert receiver.received[-1].event["type"] == "ping" and receiver.received[-1].signature_ok
    old = receiver.secret
    receiver.secret = hooks.rotate_secret(endpoint_id)
    assert receiver.secret != old and receiver.secret.startswith("whsec_")
    assert hooks.test(endpoint_id).ok and receiver.received[-1].signature_ok
    assert old not in json.dumps([vars(e) if hasattr(e, "__dict__") else str(e) for e in hooks.deliveries()])
    receiver.answers = [404]
    failed = hooks.test(endpoint_id)
    assert not failed.ok and failed.status == 404
    hooks.delete(endpoint_id)
    assert hooks.endpoints() == [] and SecretStore().get(f"webhook:{endpoint_id}") is None


def test_unreachable_ping_says_so(paydesk, hooks, receiver):
    endpoint_id = register(hooks, receiver)
    receiver.stop()
    result = hooks.test(endpoint_id)
    assert not result.ok and result.status is None and "cannot connect" in result.message


def test_endpoint_urls_are_checked(hooks):
    for url in ("http://example.com/hook", "ftp://example.com", "example.com", "https://user:pw@example.com/x"):
        with pytest.raises(ValidationError):
            hooks.save(url, [ev.INVOICE_PAID])
    with pytest.raises(ValidationError):
        hooks.save("https://example.com/hook", [])
    with pytest.raises(ValidationError):
        hooks.save("https://example.com/hook", ["invoice.exploded"])
    endpoint_id, secret = hooks.save("https://example.com/hook", [ev.INVOICE_PAID, ev.INVOICE_SENT])
    assert secret and hooks.endpoint(endpoint_id).events == [ev.INVOICE_SENT, ev.INVOICE_PAID]
    assert hooks.endpoint(endpoint_id).secret_name == f"webhook:{endpoint_id}"
