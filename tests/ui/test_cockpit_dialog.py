"""The customer cockpit: where the customer stands, its tabs and timeline, and the actions that
write (notes and calls with follow-ups, promise, dispute, credit limit, statement of account)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QDialog

from desktop.domain.debtors import NoteKind
from desktop.domain.dunning.model import PauseKind
from desktop.services.work_queue import WorkQueueService
from desktop.ui.cockpit_dialog import CockpitDialog
from desktop.ui.customer_reminders_dialog import CustomerRemindersDialog
from desktop.ui.formatting import to_qdate
from desktop.ui.tasks import TaskRunner
from tests.ui.debtor_fixtures import T, make_book
from tests.ui.message_recorder import record_messages


@pytest.fixture
def book(paydesk, make_invoice, customer):
    return make_book(paydesk, make_invoice, customer)


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


@pytest.fixture
def cockpit(qtbot, paydesk, book, shown):
    dialog = CockpitDialog(paydesk, TaskRunner(None, lambda e: (_ for _ in ()).throw(e)), book.garcia)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def queue(paydesk, day=T):
    return WorkQueueService(paydesk.db, paydesk.debtors, paydesk.bank, paydesk.dunning, lambda: day).queue()


def cells(table, column):
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_header_tabs_and_timeline_newest_first(cockpit):
    assert cockpit.windowTitle() == "Cockpit: García y Asociados S.L. (1001)"
    texts = [cockpit.standing.itemAt(n).widget().text() for n in range(cockpit.standing.count())]
    assert "302.50" in texts and "EUR" in texts and "USD" in texts
    assert [cockpit.tabs.tabText(n) for n in range(cockpit.tabs.count())] == [
        "Open invoices", "Payments", "Credit notes and credits", "Timeline", "Notes"]
    assert cockpit.invoices.rowCount() == 3  # 242.00, 121.00 partly paid, 50.00 USD
    assert cockpit.payments.rowCount() == 1
    events = cells(cockpit.timeline, 2)
    assert events[0].startswith("Payment of 60.50 EUR")  # T-2, the newest
    assert any(e.startswith("Invoice ") and e.endswith(" issued") for e in events)
    assert cockpit.notes_stack.currentIndex() == 1  # no notes yet: the hint


def test_note_with_follow_up_shows_in_today_and_can_be_marked_done(qtbot, paydesk, cockpit, book):
    dialog = cockpit.add_note(NoteKind.CALL)
    dialog.text.setPlainText("Spoke to Ana: pays Friday")
    dialog.has_follow_up.setChecked(True)
    dialog.follow_up.setDate(to_qdate(T))
    with qtbot.waitSignal(cockpit.changed):
        assert dialog.save()
    assert cells(cockpit.notes, 2) == ["Spoke to Ana: pays Friday"]
    assert cells(cockpit.notes, 4) == ["Due"]
    assert "Call - follow up on" in cells(cockpit.timeline, 2)[0]
    follow_ups = queue(paydesk).follow_ups
    assert [(f.customer_id, f.text) for f in follow_ups] == [(book.garcia, "Spoke to Ana: pays Friday")]

    cockpit.tabs.setCurrentIndex(4)
    cockpit.notes.selectRow(0)
    assert cockpit.done_button.isEnabled()
    cockpit.complete_selected_follow_up()
    assert cells(cockpit.notes, 4)[0].startswith("Done")
    assert queue(paydesk).follow_ups == []


def test_a_note_without_text_is_refused(cockpit):
    dialog = cockpit.add_note(NoteKind.NOTE)
    assert not dialog.save()
    assert "Write what was said" in dialog.summary.text() or dialog.isVisible()
    dialog.close()


def test_promise_shows_in_today_on_its_day(paydesk, cockpit, book):
    dialog = cockpit.add_pause(PauseKind.PROMISE)
    dialog.reason.setText("promised on the phone")
    dialog.until.setDate(to_qdate(T + timedelta(days=3)))
    assert dialog.save()
    assert "Promised to pay by" in cockpit.status_line.text()
    assert queue(paydesk).promises == []  # not yet due
    due = queue(paydesk, T + timedelta(days=3)).promises
    assert [(p.customer_id, p.day) for p in due] == [(book.garcia, T + timedelta(days=3))]
    assert [p.customer_id for p in queue(paydesk, T + timedelta(days=10)).promises] == [book.garcia]  # not kept


def test_dispute_shows_as_open_dispute(paydesk, cockpit, book):
    dialog = cockpit.add_pause(PauseKind.DISPUTE)
    dialog.whole.setChecked(True)
    dialog.reason.setText("goods arrived damaged")
    assert dialog.save()
    assert "Disputed: goods arrived damaged" in cockpit.status_line.text()
    assert [(d.customer_id, d.text) for d in queue(paydesk).disputes] == [(book.garcia, "goods arrived damaged")]


def test_credit_limit_puts_the_customer_over_the_limit_in_today(paydesk, cockpit, book):
    dialog = cockpit.edit_credit_limit()
    dialog.amount.setText("250,00")
    dialog.currency.setText("EUR")
    assert dialog.save()
    texts = [cockpit.standing.itemAt(n).widget().text() for n in range(cockpit.standing.count())]
    assert "250.00" in texts and "121 %" in texts
    over = queue(paydesk).over_limit
    assert [(r.customer_id, r.currency) for r in over] == [(book.garcia, "EUR")]

    dialog = cockpit.edit_credit_limit()
    dialog.amount.setText("lots")
    assert not dialog.save()
    dialog.remove.setChecked(True)
    assert dialog.save()
    assert queue(paydesk).over_limit == []


def test_statement_save_writes_a_pdf(qtbot, cockpit, shown, tmp_path):
    target = tmp_path / "statement.pdf"
    cockpit.save_statement_to(target)
    qtbot.waitUntil(lambda: bool(shown.infos), timeout=15000)
    assert target.read_bytes().startswith(b"%PDF")
    assert shown.infos == [f"The statement of account was saved to {target}."]


def test_statement_email_without_email_settings_waits_in_the_outbox(qtbot, paydesk, cockpit, shown):
    cockpit.email_statement()
    qtbot.waitUntil(lambda: bool(shown.infos or shown.errors), timeout=15000)
    assert shown.errors == []
    assert "waits in the outbox" in shown.infos[0]


def test_reminders_and_timeline_opens_the_existing_dialog(cockpit):
    dialog = cockpit.open_reminders()
    assert isinstance(dialog, CustomerRemindersDialog)
    assert isinstance(dialog, QDialog)
    dialog.close()
