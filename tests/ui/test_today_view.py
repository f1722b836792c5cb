"""Today: the work queue is read in the background, each item opens where it is handled, and an
empty day says so. Also the Today page is the first page of the window."""

from __future__ import annotations

import pytest

from desktop.domain.bank import TransactionState
from desktop.domain.debtors import NoteKind
from desktop.domain.dunning.model import PauseKind
from desktop.ui.cockpit_dialog import CockpitDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner
from desktop.ui.today_view import Target, TodayView
from tests.ui.debtor_fixtures import D, T, make_book
from tests.ui.message_recorder import record_messages


@pytest.fixture
def book(paydesk, make_invoice, customer):
    return make_book(paydesk, make_invoice, customer)


def loaded(qtbot, view: TodayView) -> TodayView:
    qtbot.waitUntil(lambda: view.queue is not None and not view.reader.busy(), timeout=10000)
    return view


def make_view(qtbot, paydesk) -> TodayView:
    view = TodayView(paydesk, TaskRunner(None, lambda e: (_ for _ in ()).throw(e)))
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    return loaded(qtbot, view)


def sections(view: TodayView) -> list[str]:
    return [view.tree.topLevelItem(n).text(0) for n in range(view.tree.topLevelItemCount())]


def test_an_empty_day(qtbot, paydesk, monkeypatch):
    record_messages(monkeypatch)
    view = make_view(qtbot, paydesk)
    assert view.queue.is_empty()
    assert view.pages.currentWidget() is view.hint
    assert view.hint.text() == "Nothing needs you today."
    view.shutdown()


def test_the_queue_lists_what_is_due_and_customer_items_open_the_cockpit(qtbot, paydesk, book, monkeypatch):
    record_messages(monkeypatch)
    paydesk.debtors.add_note(book.zorro, NoteKind.CALL, "Call back about the 300", T)
    paydesk.pauses.add(book.garcia, PauseKind.DISPUTE, "price disagreement")
    paydesk.debtors.set_credit_limit(book.berg, D("500.00"), "EUR")
    view = make_view(qtbot, paydesk)
    titles = sections(view)
    assert "Follow-ups due (1)" in titles and "Open disputes (1)" in titles
    assert "Over the credit limit (1)" in titles
    assert view.pages.currentWidget() is view.tree
    by_name = {item.text(0): item for item in view.items()}
    assert by_name["Zorro Trading (1003)"].text(2) == "Call: Call back about the 300"
    dialog = view.open_item(by_name["Berg Handel GmbH (1002)"])
    assert isinstance(dialog, CockpitDialog) and dialog.customer_id == book.berg
    dialog.close()
    view.shutdown()


def test_reminders_due_item_opens_the_reminders_page(qtbot, paydesk, book, monkeypatch):
    record_messages(monkeypatch)
    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.today
    loaded(qtbot, window.today)
    items = [i for i in window.today.items() if i.data(0, 0x0100)[0] == Target.REMINDERS]
    assert window.today.queue.reminders_due > 0 and len(items) == 1
    window.today.open_item(items[0])
    assert window.stack.currentWidget() is window.reminders
    # ... with today's run already previewed: the messages the Today page counted.
    qtbot.waitUntil(lambda: window.reminders.run.preview is not None, timeout=10_000)
    assert len(window.reminders.run.preview.to_send) == window.today.queue.reminders_due
    window.close()


def test_bank_item_opens_the_bank_page_on_review(qtbot, paydesk, monkeypatch):
    record_messages(monkeypatch)
    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    window.show()
    loaded(qtbot, window.today)
    window.today._show(window.today.queue.__class__(T, bank_review=3))  # as the queue reads with 3 waiting
    [item] = window.today.items()
    assert item.text(0) == "3 transactions wait for review, 0 payments found no invoice"
    window.today.open_item(item)
    assert window.stack.currentWidget() is window.bank
    assert window.bank.state_filter() is TransactionState.REVIEW
    window.close()
