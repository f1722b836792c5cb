"""Webhooks in the quiet background jobs (a real receiver on 127.0.0.1): due deliveries go out only
when an endpoint exists, the overdue events are emitted once a day, a webhook job that finds
another job running starts right after it; and Settings › Webhooks… opens the dialog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from desktop.domain import events as ev
from desktop.services.paydesk import Paydesk
from desktop.ui.background_jobs import BackgroundJobs
from desktop.ui.main_window import MainWindow
from desktop.ui.webhooks_dialog import WebhooksDialog
from tests.conftest import TODAY
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.ui.message_recorder import record_messages


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def jobs(qtbot, paydesk: Paydesk) -> Iterator[BackgroundJobs]:
    running = BackgroundJobs(paydesk)
    yield running
    running.stop()


def register(paydesk: Paydesk, receiver: WebhookReceiver, types: tuple[str, ...] = ev.EVENT_TYPES) -> int:
    endpoint_id, secret = paydesk.webhooks.save(receiver.url, list(types))
    assert secret is not None
    receiver.secret = secret
    return endpoint_id


def test_due_deliveries_go_out_only_with_an_endpoint(qtbot, paydesk, jobs, receiver, make_invoice) -> None:
    make_invoice("100.00")
    assert not jobs.deliver_webhooks_now()  # no endpoint: nothing starts
    register(paydesk, receiver, (ev.INVOICE_FINALIZED,))
    make_invoice("250.00")
    notes: list[str] = []
    jobs.status.connect(notes.append)
    with qtbot.waitSignal(jobs.webhooks_delivered, timeout=20_000):
        assert jobs.deliver_webhooks_now()
    assert [r.event["type"] for r in receiver.received] == [ev.INVOICE_FINALIZED]
    assert receiver.received[0].signature_ok and receiver.received[0].event["data"]["invoice"]["total"] == "302.50"
    assert notes == ["Webhooks: 1 events delivered"]


def test_failures_are_reported_in_the_status_bar(qtbot, paydesk, jobs, receiver, make_invoice) -> None:
    register(paydesk, receiver, (ev.INVOICE_FINALIZED,))
    receiver.answers = [500]
    make_invoice("100.00")
    notes: list[str] = []
    jobs.status.connect(notes.append)
    with qtbot.waitSignal(jobs.webhooks_delivered, timeout=20_000):
        jobs.deliver_webhooks_now()
    assert notes == ["Webhooks: 0 delivered, 1 to retry, 0 failed (see Settings › Webhooks › Delivery log)"]


def test_overdue_events_are_emitted_once_a_day(qtbot, paydesk, jobs, receiver, make_invoice) -> None:
    register(paydesk, receiver, (ev.INVOICE_OVERDUE,))
    make_invoice("100.00", issue=TODAY - timedelta(days=40))  # due ten days ago
    with qtbot.waitSignal(jobs.webhooks_delivered, timeout=20_000):
        assert jobs.emit_overdue_now()
    assert jobs.overdue_date == TODAY
    (got,) = receiver.received
    assert got.signature_ok and got.event["type"] == ev.INVOICE_OVERDUE and got.event["data"]["days_overdue"] == 10
    assert not jobs.emit_overdue_now()  # the same day: not again

    make_invoice("50.00", issue=TODAY - timedelta(days=30))  # falls due today: overdue tomorrow
    paydesk.today = lambda: TODAY + timedelta(days=1)
    with qtbot.waitSignal(jobs.webhooks_delivered, timeout=20_000):
        assert jobs.emit_overdue_now()
    assert jobs.overdue_date == TODAY + timedelta(days=1)
    assert [r.event["data"]["days_overdue"] for r in receiver.received] == [10, 1]


def test_overdue_without_endpoints_still_records_the_events(qtbot, paydesk, jobs, make_invoice) -> None:
    make_invoice("100.00")
    finished: list[str] = []
    jobs._signals.done.connect(lambda name, _result: finished.append(name))
    assert jobs.emit_overdue_now()
    qtbot.waitUntil(lambda: finished == ["overdue"], timeout=20_000)
    assert jobs.overdue_date == TODAY
    assert paydesk.webhooks.emit_overdue(TODAY) == 0  # announced already, so a later endpoint can replay it


def test_a_webhook_job_waits_for_the_running_one(qtbot, paydesk, jobs, receiver, make_invoice) -> None:
    register(paydesk, receiver, (ev.INVOICE_OVERDUE,))
    make_invoice("100.00")
    finished: list[str] = []
    jobs._signals.done.connect(lambda name, _result: finished.append(name))
    assert jobs.emit_overdue_now()
    assert not jobs.deliver_webhooks_now()  # one job at a time: queued instead
    qtbot.waitUntil(lambda: finished == ["overdue", "webhooks"], timeout=20_000)
    assert jobs.running == "" and len(receiver.received) == 1


def test_timers(jobs: BackgroundJobs) -> None:
    jobs.start()
    assert jobs.webhooks_timer.interval() == 60_000 and jobs.webhooks_timer.isActive()
    assert jobs.first_overdue.isActive() and jobs.first_overdue.interval() == 10_000
    assert jobs.overdue_timer.interval() == 60 * 60_000
    jobs.stop()
    assert not jobs.webhooks_timer.isActive() and not jobs.first_overdue.isActive() and not jobs.overdue_timer.isActive()
    assert not jobs.deliver_webhooks_now() and not jobs.emit_overdue_now()


def test_settings_menu_opens_webhooks_after_email_templates(qtbot, paydesk, monkeypatch) -> None:
    record_messages(monkeypatch)
    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    window.show()
    texts = [a.text() for a in window.settings_menu.menu.actions() if not a.isSeparator()]
    assert texts.index("&Webhooks…") == texts.index("Email &templates…") + 1
    window.settings_menu.webhooks_action.trigger()
    dialog = window.settings_menu.dialog
    assert isinstance(dialog, WebhooksDialog) and dialog.isVisible() and dialog.parent() is window
    dialog.reject()
    window.close()
