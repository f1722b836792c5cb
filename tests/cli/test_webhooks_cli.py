"""``paydesk billing run`` and ``paydesk dunning run --send`` announce overdue invoices before
their work and deliver webhooks after it (in process, so the in-memory keyring holds the secret);
a webhook problem is a warning on stderr and never changes the exit code or the JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import events as ev
from desktop.gateways.smtp import Security
from desktop.services.mail_settings import MailSettings
from desktop.services.paydesk import Paydesk
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.mail_server import MailServer

KEYS = {"subscription", "customer_number", "period_start", "period_end", "number", "total", "currency"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def demo(tmp_path: Path, capsys) -> Path:
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--customers", "6", "--invoices", "20", "--seed", "2", "--today", "2026-11-21",
                 "--no-history"]) == 0
    capsys.readouterr()
    return db


def register(db: Path, url: str, types: tuple[str, ...] = ev.EVENT_TYPES) -> str:
    paydesk = Paydesk.open(db)
    try:
        _endpoint_id, secret = paydesk.webhooks.save(url, list(types))
    finally:
        paydesk.close()
    assert secret is not None
    return secret


def test_billing_run_emits_overdue_and_delivers_webhooks(demo: Path, receiver: WebhookReceiver, capsys) -> None:
    receiver.secret = register(demo, receiver.url)
    assert main(["billing", "run", "--db", str(demo), "--date", "2026-11-21", "--json"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    assert rows and all(set(row) == KEYS for row in rows)
    assert "webhook" not in out.err
    types = [r.event["type"] for r in receiver.received]
    assert types and types[0] == ev.INVOICE_OVERDUE  # emitted before the run's work
    assert all(r.signature_ok for r in receiver.received)
    assert len(set(receiver.event_ids())) == len(receiver.received)
    paydesk = Paydesk.open(demo)
    try:
        counts = paydesk.webhooks.counts()
    finally:
        paydesk.close()
    # Everything recorded up to the end of the run went out (the run's own events too, once billing records them).
    assert counts["pending"] == 0 and counts["delivered"] == len(receiver.received)


def test_dry_run_sends_nothing(demo: Path, receiver: WebhookReceiver, capsys) -> None:
    receiver.secret = register(demo, receiver.url)
    assert main(["billing", "run", "--db", str(demo), "--date", "2026-11-21", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) and receiver.received == []


def test_a_receiver_that_is_down_is_a_warning_only(demo: Path, receiver: WebhookReceiver, capsys) -> None:
    register(demo, receiver.url)
    receiver.stop()
    assert main(["billing", "run", "--db", str(demo), "--date", "2026-11-21", "--json"]) == 0
    out = capsys.readouterr()
    assert all(set(row) == KEYS for row in json.loads(out.out))
    assert "paydesk: warning: webhook: http://127.0.0.1" in out.err and "cannot connect" in out.err
    paydesk = Paydesk.open(demo)
    try:
        counts = paydesk.webhooks.counts()
    finally:
        paydesk.close()
    assert counts["pending"] > 0 and counts["delivered"] == 0  # kept for the next delivery


def test_dunning_run_send_emits_overdue_and_delivers(demo: Path, receiver: WebhookReceiver, tmp_path: Path,
                                                      capsys) -> None:
    receiver.secret = register(demo, receiver.url, (ev.INVOICE_OVERDUE, ev.REMINDER_SENT))
    with MailServer("plain", tmp_path, login=False) as mail:
        paydesk = Paydesk.open(demo)
        try:
            paydesk.mail_settings.save(MailSettings("127.0.0.1", mail.port, Security.NONE, "", "Billing", "billing@example.com"))
        finally:
            paydesk.close()
        code = main(["dunning", "run", "--db", str(demo), "--date", "2026-11-21", "--send", "--json"])
    out = capsys.readouterr()
    assert json.loads(out.out) and code == 0, out.err
    assert "webhook" not in out.err
    types = [r.event["type"] for r in receiver.received]
    assert ev.INVOICE_OVERDUE in types and ev.REMINDER_SENT in types
    assert types.index(ev.INVOICE_OVERDUE) < types.index(ev.REMINDER_SENT)
    assert all(r.signature_ok for r in receiver.received)


def test_a_failed_dunning_run_keeps_its_exit_code(demo: Path, receiver: WebhookReceiver, capsys) -> None:
    register(demo, receiver.url)
    assert main(["dunning", "run", "--db", str(demo), "--date", "2026-11-21", "--send", "--json"]) == 1  # no email server
    assert "Set up the email server" in capsys.readouterr().err
