"""Settings › Webhooks against a real receiver on 127.0.0.1: adding an endpoint shows its secret
once (kept in the keyring), editing its events, the URL's problem at the field, a test ping that
the receiver verifies, the delivery log (a 500, a replay, deliver now, the JSON body), a new
secret without a keyring kept for this session, and deleting with confirmation."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.domain import events as ev
from desktop.services.paydesk import Paydesk
from desktop.ui.tasks import TaskRunner
from desktop.ui.webhooks_dialog import WebhooksDialog
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.ui.message_recorder import record_messages


@pytest.fixture
def tasks(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    reports: list[BaseException] = []
    runner = TaskRunner(host, reports.append)
    yield runner
    runner.wait()
    assert reports == []


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def open_dialog(qtbot, paydesk: Paydesk, tasks) -> WebhooksDialog:
    dialog = WebhooksDialog(paydesk.webhooks, tasks)
    qtbot.addWidget(dialog)
    return dialog


def add(dialog: WebhooksDialog, url: str, events: list[str] | None = None) -> str:
    """Add an endpoint through the editor; returns the secret the dialog showed."""
    editor = dialog.add_endpoint()
    editor.url.setText(url)
    editor.description.setText("CRM")
    if events is not None:
        editor.select_events(False)
        for event_type in events:
            editor.event_checks[event_type].setChecked(True)
    assert editor.save()
    assert dialog.secret_dialog is not None
    return dialog.secret_dialog.secret.text()


def test_adding_an_endpoint_shows_its_secret_once(qtbot, paydesk, tasks, memory_keyring, monkeypatch) -> None:
    record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    assert dialog.pages.currentIndex() == 1 and not dialog.edit_button.isEnabled()  # the empty hint
    secret = add(dialog, "https://crm.example.com/hooks/paydesk", [ev.INVOICE_PAID, ev.INVOICE_OVERDUE])

    (endpoint,) = paydesk.webhooks.endpoints()
    assert secret.startswith("whsec_") and memory_keyring.passwords[("Paydesk", f"webhook:{endpoint.id}")] == secret
    shown = dialog.secret_dialog
    assert shown.secret.isReadOnly() and "will not show it again" in shown.note.text()
    assert "system keyring" in shown.kept.text()
    shown.copy()
    assert QGuiApplication.clipboard().text() == secret
    shown.accept()
    assert shown.secret.text() == ""  # gone from the widget once closed
    assert dialog.table.rowCount() == 1
    assert [dialog.table.item(0, c).text() for c in range(5)] == [
        "https://crm.example.com/hooks/paydesk", "CRM", "2", "Yes", "Nothing sent yet"]
    assert endpoint.events == [ev.INVOICE_PAID, ev.INVOICE_OVERDUE] and endpoint.description == "CRM"


def test_editing_events_and_active_keeps_the_secret(qtbot, paydesk, tasks, memory_keyring, monkeypatch) -> None:
    record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    secret = add(dialog, "https://crm.example.com/hooks")
    dialog.secret_dialog = None
    editor = dialog.edit_endpoint()
    assert editor is not None and editor.url.text() == "https://crm.example.com/hooks"
    assert editor.chosen_events() == list(ev.EVENT_TYPES)  # a new endpoint gets every event by default
    editor.select_events(False)
    editor.event_checks[ev.SUBSCRIPTION_RENEWED].setChecked(True)
    editor.active.setChecked(False)
    assert editor.save()

    (endpoint,) = paydesk.webhooks.endpoints()
    assert endpoint.events == [ev.SUBSCRIPTION_RENEWED] and not endpoint.active
    assert dialog.secret_dialog is None  # editing never shows a secret
    assert memory_keyring.passwords[("Paydesk", f"webhook:{endpoint.id}")] == secret
    assert [dialog.table.item(0, c).text() for c in (2, 3)] == ["1", "No"]


def test_url_and_events_problems_are_shown_at_their_fields(qtbot, paydesk, tasks) -> None:
    dialog = open_dialog(qtbot, paydesk, tasks)
    editor = dialog.add_endpoint()
    editor.url.setText("http://crm.example.com/hooks")
    assert not editor.save()
    assert editor.errors.marked() == ["url"] and "https://" in editor.errors.message("url")
    assert editor.errors.is_marked(editor.url) and editor.summary.isVisibleTo(editor)

    editor.url.setText("https://crm.example.com/hooks")  # typing clears the mark
    assert not editor.errors.is_marked(editor.url)
    editor.select_events(False)
    assert not editor.save()
    assert editor.errors.marked() == ["events"] and "at least one event" in editor.errors.message("events")
    assert paydesk.webhooks.endpoints() == [] and dialog.secret_dialog is None


def test_test_ping_is_verified_by_the_receiver(qtbot, paydesk, tasks, receiver, monkeypatch) -> None:
    record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    receiver.secret = add(dialog, receiver.url, [ev.INVOICE_PAID])
    task = dialog.test_endpoint()
    assert task is not None and not dialog.test_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.test_task is None, timeout=20_000)

    assert dialog.test_result.text() == "Test event delivered: the receiver answered 200."
    (got,) = receiver.received
    assert got.signature_ok and got.event["type"] == ev.PING
    assert ev.verify(receiver.secret, got.body, got.headers[ev.SIGNATURE_HEADER])
    assert dialog.table.item(0, 4).text() == "Delivered"


def test_a_failed_ping_says_why(qtbot, paydesk, tasks, receiver, monkeypatch) -> None:
    record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    receiver.secret = add(dialog, receiver.url)
    receiver.answers = [500]
    receiver.body = "database is down"
    dialog.test_endpoint()
    qtbot.waitUntil(lambda: dialog.test_task is None, timeout=20_000)
    assert dialog.test_result.text().startswith("Test event not delivered: The receiver answered 500")
    assert "database is down" in dialog.test_result.text()


def test_delivery_log_shows_a_500_then_replay_and_deliver_now(qtbot, paydesk, tasks, receiver, make_invoice,
                                                              monkeypatch) -> None:
    record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    receiver.secret = add(dialog, receiver.url, [ev.INVOICE_FINALIZED])
    make_invoice("100.00")
    receiver.answers = [500]
    receiver.body = "try later"
    log = dialog.log
    log.refresh()
    assert [log.model.text(e, log.model.STATE) for e in log.model.rows] == ["Waiting"]

    log.deliver_now()
    qtbot.waitUntil(lambda: log.deliver_task is None, timeout=20_000)
    (entry,) = log.model.rows
    m = log.model
    assert [m.text(entry, c) for c in (m.ENDPOINT, m.EVENT, m.STATE, m.ATTEMPTS, m.STATUS)] == [
        receiver.url, "Invoice finalized", "Waiting", "1", "500"]
    assert m.text(entry, m.NEXT) and m.text(entry, m.ANSWER) == "HTTP 500"
    assert log.result.text().startswith("0 delivered, 1 to retry later, 0 failed")

    log.select_row(0)
    body = log.show_body()
    assert body is not None and json.loads(body.text.toPlainText())["type"] == ev.INVOICE_FINALIZED
    assert json.loads(body.text.toPlainText())["id"] == entry.event_uid

    assert len(log.replay_selected()) == 1
    assert "is queued again" in log.result.text()
    assert log.model.rows[0].replay and log.model.text(log.model.rows[0], m.EVENT) == (
        "Invoice finalized (replay)")
    log.deliver_now()
    qtbot.waitUntil(lambda: log.deliver_task is None, timeout=20_000)
    assert [m.text(e, m.STATE) for e in log.model.rows] == ["Delivered", "Waiting"]
    assert receiver.event_ids() == [entry.event_uid, entry.event_uid]  # the same event id both times
    assert receiver.received[-1].signature_ok

    log.set_filter(state="delivered")
    assert [e.state for e in log.model.rows] == ["delivered"]
    assert log.count_label.text() == "1 waiting, 0 being sent, 1 delivered, 0 failed"
    log.set_filter(state="failed")
    assert log.pages.currentIndex() == 1  # nothing failed: the hint
    endpoint_id = paydesk.webhooks.endpoints()[0].id
    log.set_filter("delivered", endpoint_id)
    assert [(e.state, e.endpoint_id) for e in log.model.rows] == [("delivered", endpoint_id)]
    log.set_filter()
    assert len(log.model.rows) == 2


def test_new_secret_without_a_keyring_is_kept_for_this_session(qtbot, paydesk, tasks, receiver, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    old = add(dialog, receiver.url)
    keyring.set_keyring(fail.Keyring())
    secret_dialog = dialog.rotate_secret()

    assert len(shown.questions) == 2 and "this session only" in shown.questions[1]
    assert secret_dialog is not None and "session only" in secret_dialog.kept.text()
    new = secret_dialog.secret.text()
    assert new != old and new.startswith("whsec_")
    receiver.secret = new
    dialog.test_endpoint()
    qtbot.waitUntil(lambda: dialog.test_task is None, timeout=20_000)
    assert receiver.received[-1].signature_ok  # the session secret signs
    assert new.encode() not in paydesk.path.read_bytes()


def test_delete_asks_first(qtbot, paydesk, tasks, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    dialog = open_dialog(qtbot, paydesk, tasks)
    add(dialog, "https://crm.example.com/hooks")
    shown.answer = False
    assert not dialog.delete_endpoint()
    assert len(paydesk.webhooks.endpoints()) == 1
    shown.answer = True
    assert dialog.delete_endpoint()
    assert paydesk.webhooks.endpoints() == [] and dialog.table.rowCount() == 0 and dialog.pages.currentIndex() == 1
    assert "cannot be undone" in shown.questions[-1]


def test_adding_without_a_keyring_keeps_the_secret_for_this_session(qtbot, paydesk, tasks, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    keyring.set_keyring(fail.Keyring())
    dialog = open_dialog(qtbot, paydesk, tasks)
    editor = dialog.add_endpoint()
    editor.url.setText("https://crm.example.com/hooks")
    assert editor.save()
    assert len(shown.questions) == 1
    (endpoint,) = paydesk.webhooks.endpoints()
    assert paydesk.secrets.is_session_only(endpoint.secret_name)
    assert dialog.secret_dialog is not None and "session only" in dialog.secret_dialog.kept.text()
