"""The Subscriptions page in the window: billing from the page shows the invoices on the Invoices
page, and the quiet billing run after start-up reports to the status bar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.errors import DatabaseProblem
from desktop.domain.subscriptions import PlanLine, Subscription
from desktop.ui.main_window import MainWindow
from tests.ui.message_recorder import record_messages


def hosting(customer, auto_send: bool = True) -> Subscription:
    return Subscription.new(customer, "Cloud hosting", "EUR", date(2026, 11, 1),
                            [PlanLine("Managed server", Decimal(1), Decimal("100.00"), Decimal(21))], auto_send=auto_send)


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


@pytest.fixture
def make_window(qtbot, paydesk, shown):
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(paydesk)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def test_run_billing_from_the_page_and_find_the_invoices_on_the_invoices_page(qtbot, paydesk, customer, make_window,
                                                                            shown):
    paydesk.subscriptions.save(hosting(customer))
    window = make_window()
    window.reminders.jobs.first_billing.stop()  # this test runs billing by hand
    page = window.subscriptions
    window.show_page(window.views.index(page))
    assert window.invoices.model.rowCount() == 0
    with qtbot.waitSignal(page.billing.finished, timeout=10_000) as made:
        page.run_action.trigger()
    report = made.args[0]
    assert shown.questions == ["1 invoice is due (121.00 EUR in all) for 1 subscriptions; make them?"]
    number = report.invoices[0].number
    assert window.statusBar().currentMessage() == f"Billing run: 1 invoice made: {number} issued."
    window.show_page(window.views.index(window.invoices))
    assert window.invoices.model.rowCount() == 1
    assert window.invoices.model.items([0])[0].number == number


def test_the_start_up_run_makes_what_is_due_quietly(qtbot, paydesk, customer, russian_customer, make_window, shown):
    paydesk.subscriptions.save(hosting(customer))
    paydesk.subscriptions.save(hosting(russian_customer, auto_send=False))
    window = make_window()
    with qtbot.waitSignal(window.reminders.jobs.billed, timeout=15_000):
        pass
    message = window.statusBar().currentMessage()
    assert message.startswith("Billing run: 2 invoices made: ")
    assert message.endswith(" issued, 1 draft for review.")
    assert paydesk.billing.due_count() == 0
    assert shown.questions == [] and shown.infos == [] and shown.errors == []  # quiet: no dialog
    page = window.subscriptions
    page.select(page.model.row_at(0).id)
    assert len(page.periods.rows()) == 1  # the page was refreshed after the run
    window.show_page(window.views.index(window.invoices))
    assert window.invoices.model.rowCount() == 2


def test_the_start_up_run_does_nothing_when_nothing_is_due(qtbot, paydesk, customer, make_window):
    window = make_window()
    jobs = window.reminders.jobs
    jobs.first_billing.stop()
    billed: list[object] = []
    jobs.billed.connect(billed.append)
    assert jobs.bill_now()
    qtbot.waitUntil(lambda: jobs.running == "", timeout=10_000)
    assert billed == [] and window.statusBar().currentMessage() == ""


def test_a_start_up_run_problem_goes_to_the_status_bar_without_a_traceback(qtbot, paydesk, make_window):
    window = make_window()
    jobs = window.reminders.jobs
    jobs._finished("billing", DatabaseProblem("The database is locked by another program. Close it and try again."))
    assert window.statusBar().currentMessage() == (
        "Billing run: The database is locked by another program. Close it and try again.")
    jobs._finished("billing", RuntimeError("disk I/O error"))
    assert window.statusBar().currentMessage() == (
        "Billing run failed: disk I/O error. Try Run billing now on the Subscriptions page.")
