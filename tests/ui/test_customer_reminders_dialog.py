"""A customer's reminders dialog: the procedure choice (excluded), pauses (a dispute for one invoice
that the run then leaves out, a promise to pay until a date, ending a pause), payment plans whose
instalments must add up, and the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QWidget

from desktop.documents.email_message import Sender, build_message
from desktop.domain.dunning.model import PauseKind
from desktop.services.dunning import CustomerDunning
from desktop.store import pay_links as pay_link_store
from desktop.ui.customer_reminders_dialog import EXCLUDED, CustomerRemindersDialog
from desktop.ui.customers_view import CustomersView
from desktop.ui.payment_plan_dialog import AMOUNT, PaymentPlanDialog, split_evenly
from desktop.ui.reminder_timeline import TITLE
from desktop.ui.tasks import TaskRunner
from tests.ui.message_recorder import record_messages


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


@pytest.fixture
def dialog(qtbot, paydesk, customer, shown):
    dlg = CustomerRemindersDialog(paydesk, customer)
    qtbot.addWidget(dlg)
    return dlg


def planned_invoices(paydesk, today) -> set[int]:
    return {int(i.invoice_id) for plan in paydesk.dunning.preview(today).plans for i in plan.invoices}


def timeline_titles(dialog) -> list[str]:
    return [dialog.timeline.item(r, TITLE).text() for r in range(dialog.timeline.rowCount())]


def test_empty_states_show_hints(dialog) -> None:
    assert dialog.timeline_stack.currentWidget() is dialog.timeline_hint
    assert "Nothing has happened yet" in dialog.timeline_hint.text()
    assert dialog.pauses_stack.currentWidget() is dialog.pauses_hint
    assert dialog.plans_stack.currentWidget() is dialog.plans_hint
    assert dialog.procedure.currentText().startswith("The default (")


def test_excluding_the_customer(dialog, paydesk, customer, make_invoice, today) -> None:
    invoice = make_invoice("100.00")
    assert int(invoice) in planned_invoices(paydesk, today)
    dialog.procedure.setCurrentIndex(dialog.procedure.findData(EXCLUDED))
    dialog.procedure.activated.emit(dialog.procedure.currentIndex())
    assert paydesk.dunning.customer_setting(customer).excluded
    assert dialog.procedure_note.text() == "This customer gets no reminders."
    assert int(invoice) not in planned_invoices(paydesk, today)
    dialog.procedure.setCurrentIndex(0)
    dialog.procedure.activated.emit(0)
    assert paydesk.dunning.customer_setting(customer) == CustomerDunning(None, False)


def test_a_named_procedure_is_offered_and_stored(dialog, paydesk, customer) -> None:
    default = paydesk.dunning.procedures()[0]
    default.id, default.is_default, default.name = None, False, "Strict"
    for level in default.levels:
        level.id = None
    strict = paydesk.dunning.save_procedure(default)
    dialog.reload()
    index = dialog.procedure.findData(strict)
    assert dialog.procedure.itemText(index) == "Strict"
    dialog.procedure.setCurrentIndex(index)
    dialog.procedure.activated.emit(index)
    assert paydesk.dunning.customer_setting(customer).procedure_id == strict


def test_a_dispute_for_one_invoice_shows_in_the_timeline_and_stops_its_reminders(
        qtbot, dialog, paydesk, make_invoice, today) -> None:
    disputed = make_invoice("100.00")
    other = make_invoice("50.00")
    assert {int(disputed), int(other)} <= planned_invoices(paydesk, today)
    pause = dialog.add_pause(PauseKind.DISPUTE)
    assert pause.some.isChecked()  # a dispute is about invoices
    number = paydesk.invoices.get(disputed).number
    pause.invoices.set_checked([disputed])
    pause.reason.setText("Says the goods arrived damaged")
    assert pause.save()
    assert dialog.pauses.rowCount() == 1
    assert dialog.pauses.item(0, 1).text() == f"Invoice {number}"
    assert dialog.pauses.item(0, 5).text() == "Active"
    assert any(number in title and title.startswith("Dispute") for title in timeline_titles(dialog))
    assert "Says the goods arrived damaged" in dialog.timeline.item(0, 3).text()
    planned = planned_invoices(paydesk, today)
    assert int(disputed) not in planned and int(other) in planned


def test_a_dispute_without_a_reason_is_refused_at_the_field(dialog, paydesk, make_invoice) -> None:
    make_invoice("100.00")
    pause = dialog.add_pause(PauseKind.HOLD)
    assert pause.whole.isChecked()
    assert not pause.save()
    assert pause.errors.message("reason") == "Say why reminders stop (it is shown in the customer's timeline)."
    assert paydesk.pauses.pauses(dialog.customer_id) == []


def test_a_promise_to_pay_until_a_date_then_ending_it(dialog, paydesk, customer, make_invoice, today, shown) -> None:
    invoice = make_invoice("100.00")
    pause = dialog.add_pause(PauseKind.PROMISE)
    assert pause.has_until.isChecked() and not pause.has_until.isEnabled()
    pause.until.setDate(today + timedelta(days=10))
    pause.reason.setText("Promised on the phone")
    assert pause.save()
    stored = paydesk.pauses.pauses(customer)
    assert [(p.kind, p.until, p.invoice_id) for p in stored] == [(PauseKind.PROMISE, today + timedelta(days=10), None)]
    assert int(invoice) not in planned_invoices(paydesk, today)
    assert int(invoice) in planned_invoices(paydesk, today + timedelta(days=11))

    dialog.pauses.selectRow(0)
    assert dialog.end_pause_button.isEnabled()
    shown.answer = False
    dialog.end_selected_pause()
    assert paydesk.pauses.pauses(customer, active_only=True)
    shown.answer = True
    dialog.end_selected_pause()
    assert paydesk.pauses.pauses(customer, active_only=True) == []
    assert dialog.pauses.item(0, 5).text().startswith("Ended")
    assert "Promise to pay ended for all invoices" in timeline_titles(dialog)
    assert int(invoice) in planned_invoices(paydesk, today)


def test_a_payment_plan_must_add_up(qtbot, dialog, paydesk, customer, make_invoice, today) -> None:
    first = make_invoice("100.00")  # 121.00 with VAT
    second = make_invoice("50.00")  # 60.50
    plan = dialog.new_plan()
    assert isinstance(plan, PaymentPlanDialog)
    plan.invoices.set_checked([first, second])
    assert plan.open_total.text() == "Open on the ticked invoices: 181.50 EUR"
    plan.add_instalment(today + timedelta(days=30), Decimal("100.00"))
    plan.add_instalment(today + timedelta(days=60), Decimal("50.00"))
    assert not plan.save()
    assert "The instalments add up to 150.00 EUR, but 181.50 EUR is open on the invoices." in plan.summary.text()
    assert plan.errors.message("instalments")
    assert paydesk.pauses.plans(customer) == []

    plan.table.item(1, AMOUNT).setText("abc")
    assert not plan.save()
    assert "Instalment 2: enter an amount" in plan.summary.text()

    plan.months.setValue(3)
    plan.split()
    assert [plan.table.item(r, AMOUNT).text() for r in range(3)] == ["60.50", "60.50", "60.50"]
    plan.note.setText("Agreed by phone")
    assert plan.save()
    stored = paydesk.pauses.plans(customer)
    assert len(stored) == 1 and [x.amount for x in stored[0].instalments] == [Decimal("60.50")] * 3
    assert dialog.plans.rowCount() == 1 and dialog.plans.item(0, 3).text() == "181.50 EUR"
    assert "Payment plan in 3 instalments" in timeline_titles(dialog)
    assert not {int(first), int(second)} & planned_invoices(paydesk, today)

    dialog.plans.selectRow(0)
    dialog.end_selected_plan()
    assert paydesk.pauses.plans(customer)[0].ended_on == today
    assert dialog.plans.item(0, 5).text().startswith("Ended")


def test_split_evenly_gives_the_rest_to_the_last_instalment() -> None:
    parts = split_evenly(Decimal("100.00"), "EUR", 3, date(2026, 1, 31))
    assert parts == [(date(2026, 1, 31), Decimal("33.33")), (date(2026, 2, 28), Decimal("33.33")),
                     (date(2026, 3, 31), Decimal("33.34"))]


def test_the_customers_page_opens_the_dialog(qtbot, paydesk, customer, shown) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    view = CustomersView(paydesk, TaskRunner(owner, lambda _e: None))
    qtbot.addWidget(view)
    assert not view.reminders_action.isEnabled()
    view.select(customer)
    assert view.reminders_action.isEnabled()
    opened = view.reminders_selected()
    assert isinstance(opened, CustomerRemindersDialog) and opened.customer_id == customer
    assert opened.windowTitle().startswith("Reminders and timeline: García")
    opened.close()


def test_pay_links_show_in_the_timeline_with_state_and_amount(qtbot, paydesk, customer, make_invoice, shown) -> None:
    invoice = make_invoice("100.00")
    with paydesk.db.transaction() as conn:
        link_id = pay_link_store.reserve(conn, customer, "stripe", "key-1", "EUR", 12100, "Invoice", {invoice: 12100})
        pay_link_store.mark_open(conn, link_id, "cs_test_1", "https://pay.example/cs_test_1")
    dlg = CustomerRemindersDialog(paydesk, customer)
    qtbot.addWidget(dlg)
    number = paydesk.invoices.get(invoice).number
    assert timeline_titles(dlg) == [f"Stripe pay link for {number}"]
    assert dlg.timeline.item(0, 3).text() == "121.00 EUR · https://pay.example/cs_test_1"
    assert dlg.timeline.item(0, 4).text() == "Open"
    assert dlg.timeline.item(0, 1).text() == "Pay link"


def test_a_recorded_reminder_shows_with_its_delivery_state(qtbot, paydesk, customer, make_invoice, today, shown) -> None:
    invoice = make_invoice("100.00")
    preview = paydesk.dunning.preview(today)
    messages = [build_message(Sender("billing@example.com", "Demo"), p.emails, p.level.name, "Please pay.", "",
                              message_id=f"<ui-{n}@test>") for n, p in enumerate(preview.plans)]
    paydesk.dunning.record(preview.plans, messages, today)
    dlg = CustomerRemindersDialog(paydesk, customer)
    qtbot.addWidget(dlg)
    number = paydesk.invoices.get(invoice).number
    row = next(r for r in range(dlg.timeline.rowCount()) if number in dlg.timeline.item(r, TITLE).text())
    assert dlg.timeline.item(row, 1).text() == "Reminder"
    assert dlg.timeline.item(row, 4).text() == "Queued"
    assert "121.00 EUR asked" in dlg.timeline.item(row, 3).text()
