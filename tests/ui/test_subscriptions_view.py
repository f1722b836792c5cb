"""The Subscriptions page on a real SQLite file: the editor (with its field errors), the list and its
filters, Change plan with the proration preview, pause, resume and cancel, the billed periods,
and the billing run from the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate

from desktop.domain.subscriptions import PlanLine, Subscription, SubscriptionState, Timing
from desktop.ui.change_plan_dialog import ChangePlanDialog
from desktop.ui.invoice_lines_model import DESCRIPTION, QUANTITY, UNIT_PRICE, VAT_RATE
from desktop.ui.invoice_viewer import InvoiceViewer
from desktop.ui.subscription_cancel_dialog import CancelDialog
from desktop.ui.subscription_editor import SubscriptionEditor
from desktop.ui.subscription_pause_dialog import PauseDialog, ResumeDialog
from desktop.ui.subscription_table import CUSTOMER, INTERVAL, NAME, NEXT, PLAN, SENDING, STATE, TIMING
from desktop.ui.subscriptions_view import SubscriptionsView
from desktop.ui.tasks import TaskRunner
from tests.ui.message_recorder import Messages, record_messages

NOV_1 = date(2026, 11, 1)


@pytest.fixture
def shown(monkeypatch) -> Messages:
    return record_messages(monkeypatch)


@pytest.fixture
def view(qtbot, paydesk, shown):
    errors: list[BaseException] = []
    page = SubscriptionsView(paydesk, TaskRunner(None, errors.append))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    yield page
    assert not errors
    page.billing._tasks.wait()


def hosting(customer, start: date = NOV_1, **kwargs) -> Subscription:
    return Subscription.new(customer, "Cloud hosting", "EUR", start,
                            [PlanLine("Managed server", Decimal(1), Decimal("100.00"), Decimal(21))], **kwargs)


def fill_line(editor, row: int, description: str, quantity: str, price: str, vat: str = "21") -> None:
    model = editor.lines.model
    for column, text in ((DESCRIPTION, description), (QUANTITY, quantity), (UNIT_PRICE, price), (VAT_RATE, vat)):
        assert model.setData(model.index(row, column), text)


def texts(page: SubscriptionsView, row: int = 0) -> list[str]:
    return page.model.texts(row)


def set_day(edit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


# --- list and editor -----------------------------------------------------------------------------
def test_an_empty_list_shows_how_to_start(view, customer):
    assert view.pages.currentIndex() == 1
    assert view.hint.text() == ("No subscriptions yet: New subscription… bills a customer every month, quarter or year.")
    assert view.hint_button.text() == "New subscription…"
    assert view.count.text() == "0 subscriptions"


def test_create_a_subscription_through_the_editor(qtbot, view, paydesk, customer):
    editor = view.new_subscription()
    assert isinstance(editor, SubscriptionEditor)
    editor.customer.set_customer_id(customer)
    assert editor.term.specialValueText() == "Customer's term (30 days)"
    editor.name.setText("Support contract")
    fill_line(editor, 0, "Support hours", "8", "85")
    editor.lines.add_line()
    fill_line(editor, 1, "Phone line", "1", "20", "21")
    editor.interval.set_months(3)
    editor.timing.setCurrentIndex(editor.timing.findData(Timing.ARREARS))
    set_day(editor.start, NOV_1)
    editor.drafts.setChecked(True)
    # live totals per period: (8 x 85 + 20) x 1.21 = 847.00
    assert editor.lines.totals.total_text == "847.00 EUR"
    assert editor.lines.period_label.text() == "Each period (per quarter):"

    assert editor.save()
    subs = paydesk.subscriptions.list()
    assert len(subs) == 1
    sub = subs[0]
    assert (sub.name, sub.timing, sub.auto_send, sub.payment_term_days, sub.start) == (
        "Support contract", Timing.ARREARS, False, None, NOV_1)
    assert sub.lines == (PlanLine("Support hours", Decimal(8), Decimal(85), Decimal(21)),
                         PlanLine("Phone line", Decimal(1), Decimal(20), Decimal(21)))
    assert sub.terms[0].interval_months == 3

    assert view.pages.currentIndex() == 0
    row = texts(view)
    assert row[CUSTOMER] == "García y Asociados S.L."
    assert row[NAME] == "Support contract"
    assert row[PLAN] == "847.00 EUR per quarter"
    assert (row[INTERVAL], row[TIMING], row[STATE], row[SENDING]) == ("Quarterly", "In arrears", "Active",
                                                                      "Drafts for review")
    assert row[NEXT] == "Feb 1, 2027"  # in arrears: the day after the quarter Nov-Jan
    assert view.selected_id() == sub.id


def test_field_errors_show_at_their_fields_and_lines(qtbot, view, paydesk, customer):
    editor = view.new_subscription()
    fill_line(editor, 0, "", "1", "10.555")
    editor.lines.add_line()
    fill_line(editor, 1, "Backup", "two", "5")
    assert not editor.save()
    assert editor.errors()["customer"] == "Choose a customer."
    assert "name" in editor.errors()
    model = editor.lines.model
    assert model.error_at(0, DESCRIPTION) == "Line 1 needs a description."
    assert model.error_at(0, UNIT_PRICE) is not None  # 3 decimals in EUR
    assert model.data(model.index(1, QUANTITY), 3) == "Line 2: “two” is not a number."  # ToolTipRole
    assert editor.summary.text().startswith("Nothing was saved. Fix these first:")
    assert paydesk.subscriptions.list() == []

    editor.customer.set_customer_id(customer)
    editor.name.setText("Hosting")
    fill_line(editor, 0, "Server", "1", "50")
    fill_line(editor, 1, "Backup", "2", "5")
    editor.has_end.setChecked(True)
    set_day(editor.end, date(2020, 1, 1))
    assert not editor.save()
    assert editor.errors() == {"end": "The end date cannot be before the start date."}
    editor.has_end.setChecked(False)
    assert editor.save()


def test_filters_by_state_and_text(qtbot, view, paydesk, customer, russian_customer):
    paydesk.subscriptions.save(hosting(customer))
    paydesk.subscriptions.save(Subscription.new(russian_customer, "Licences", "EUR", date(2027, 1, 1),
                                                [PlanLine("Seat", Decimal(3), Decimal("10.00"))], interval_months=12))
    view.refresh()
    assert view.count.text() == "2 subscriptions"
    view.state.setCurrentIndex(view.state.findData(SubscriptionState.SCHEDULED))
    assert [texts(view, r)[NAME] for r in range(view.model.rowCount())] == ["Licences"]
    assert texts(view)[STATE] == "Scheduled, from Jan 1, 2027"
    assert view.count.text() == "1 of 2 subscriptions"
    view.state.setCurrentIndex(view.state.findData(SubscriptionState.PAUSED))
    assert view.pages.currentIndex() == 1 and view.hint.text() == "No subscriptions match these filters."
    view.hint_button.click()
    assert view.model.rowCount() == 2
    view.search.setText("managed")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert texts(view)[NAME] == "Cloud hosting"


# --- billed periods ------------------------------------------------------------------------------
def test_billed_periods_show_their_invoices_and_open_them(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    report = paydesk.billing.run(date(2026, 11, 21))
    assert report.count == 1
    number = report.invoices[0].number
    view.refresh()
    view.select(sub_id)
    assert view.periods.rows() == [["Nov 1, 2026 – Nov 30, 2026", "30", "Nov 21, 2026", number, "Open"]]
    viewer = None

    def opened(dialog):
        nonlocal viewer
        viewer = dialog

    view.periods.open_invoice.disconnect()
    view.periods.open_invoice.connect(lambda invoice_id: opened(view.open_invoice(invoice_id)))
    view.periods.table.cellDoubleClicked.emit(0, 0)
    assert isinstance(viewer, InvoiceViewer)
    assert number in viewer.windowTitle()
    viewer.close()


def test_a_billed_subscription_keeps_its_plan_and_offers_change_plan(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.billing.run(date(2026, 11, 21))
    view.refresh()
    view.select(sub_id)
    editor = view.edit_selected()
    assert editor.billed
    assert not editor.customer.isEnabled() and not editor.start.isEnabled() and not editor.timing.isEnabled()
    assert not editor.interval.isEnabled() and not editor.currency.isEnabled()
    assert not editor.lines.add_button.isVisibleTo(editor)
    assert editor.change_button.isVisibleTo(editor)
    editor.name.setText("Cloud hosting, business")
    assert editor.save()
    assert paydesk.subscriptions.get(sub_id).name == "Cloud hosting, business"


# --- plan changes --------------------------------------------------------------------------------
def test_change_plan_previews_the_proration_then_makes_the_change(qtbot, view, paydesk, customer, shown):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.billing.run(date(2026, 11, 21))  # November: 100.00 + 21% VAT
    view.refresh()
    view.select(sub_id)
    dialog = view.change_plan_selected()
    assert isinstance(dialog, ChangePlanDialog)
    set_day(dialog.on, date(2026, 11, 16))  # 15 of November's 30 days left
    fill_line(dialog, 0, "Managed server", "2", "100")
    dialog.update_preview()
    panel = dialog.preview
    assert panel.rows() == [
        ("Credit for unused time: Managed server, 2026-11-16 – 2026-11-30 (15/30 days)", "1", "-50.00"),
        ("Managed server, 2026-11-16 – 2026-11-30 (15/30 days)", "2", "100.00"),
    ]
    assert panel.credit.text() == "60.50 EUR"  # 50.00 + 21%
    assert panel.charge.text() == "121.00 EUR"  # 2 x 50.00 + 21%
    assert panel.net.text() == "60.50 EUR to invoice"
    assert panel.explanation.text() == "The unused days already invoiced are credited; the new plan is charged for them."

    dialog.now.setChecked(True)
    assert dialog.confirm()
    assert dialog.result is not None and len(dialog.result.invoices) == 1
    made = dialog.result.invoices[0]
    assert made.total == Decimal("60.50")
    assert f"Invoice {made.number} was made." in dialog.result_text
    assert paydesk.subscriptions.get(sub_id).term_on(date(2026, 11, 16)).lines[0].quantity == 2
    assert texts(view)[PLAN] == "242.00 EUR per month"


def test_change_plan_refuses_a_day_before_the_start(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    view.refresh()
    view.select(sub_id)
    dialog = view.change_plan_selected()
    set_day(dialog.on, date(2026, 10, 1))
    assert not dialog.confirm()
    assert dialog.field_errors.message("on") is not None
    assert dialog.summary.text().startswith("Nothing was changed: The change must fall within the subscription")


def test_pause_then_resume(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.billing.run(date(2026, 11, 21))
    view.refresh()
    view.select(sub_id)
    assert view.pause_action.isEnabled() and not view.resume_action.isEnabled()

    pause = view.pause_selected()
    assert isinstance(pause, PauseDialog)
    set_day(pause.on, date(2026, 11, 16))
    assert pause.preview.credit.text() == "60.50 EUR"
    assert pause.preview.net.text() == "60.50 EUR to credit"
    assert pause.confirm()
    assert "paused from Nov 16, 2026" in pause.result_text
    assert "The credit and charge go on the next invoice." in pause.result_text
    assert texts(view)[STATE] == "Paused"
    assert view.resume_action.isEnabled() and not view.pause_action.isEnabled()

    resume = view.resume_selected()
    assert isinstance(resume, ResumeDialog)
    set_day(resume.on, date(2026, 11, 21))
    assert resume.confirm()
    assert texts(view)[STATE] == "Active"


def test_cancel_shows_the_prorated_credit_first(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.billing.run(date(2026, 11, 21))
    view.refresh()
    view.select(sub_id)
    cancel = view.cancel_selected()
    assert isinstance(cancel, CancelDialog)
    assert cancel.at_period_end.text() == "At the end of the current period (its last day: Nov 30, 2026)"
    set_day(cancel.on, date(2026, 11, 26))  # choosing a day means "from that day"
    assert cancel.immediately.isChecked()
    assert cancel.preview.rows() == [
        ("Credit for unused time: Managed server, 2026-11-26 – 2026-11-30 (5/30 days)", "1", "-16.67")]
    assert cancel.preview.credit.text() == "20.17 EUR"
    cancel.at_period_end.setChecked(True)
    assert cancel.preview.rows() == []
    assert cancel.confirm()
    assert paydesk.subscriptions.get(sub_id).end == date(2026, 11, 30)
    assert texts(view)[STATE] == "Active until Nov 30, 2026"
    assert not view.cancel_action.isEnabled()


def test_resume_refuses_a_day_the_subscription_is_not_paused(qtbot, view, paydesk, customer):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.subscriptions.pause(sub_id, date(2026, 11, 10), resume_on=date(2026, 12, 1))
    view.refresh()
    view.select(sub_id)
    resume = view.resume_selected()
    set_day(resume.on, date(2026, 12, 5))
    assert not resume.confirm()
    assert resume.field_errors.message("on") == "The subscription is not paused on that day."


def test_delete_asks_and_refuses_a_billed_subscription(qtbot, view, paydesk, customer, shown):
    sub_id = paydesk.subscriptions.save(hosting(customer))
    paydesk.billing.run(date(2026, 11, 21))
    view.refresh()
    view.select(sub_id)
    view.delete_selected()
    assert shown.questions == ["Delete Cloud hosting for García y Asociados S.L.? This can't be undone."]
    assert shown.errors == ["This subscription has billed periods and is kept for the record: cancel it instead."]
    assert len(paydesk.subscriptions.list()) == 1


# --- the billing run -----------------------------------------------------------------------------
def test_run_billing_counts_first_then_makes_the_invoices(qtbot, view, paydesk, customer, russian_customer, shown):
    paydesk.subscriptions.save(hosting(customer, start=date(2026, 9, 1)))  # Sep, Oct, Nov due
    paydesk.subscriptions.save(hosting(russian_customer, auto_send=False))  # Nov, a draft
    view.refresh()
    shown.answer = False
    view.run_action.trigger()
    qtbot.waitUntil(lambda: not view.billing.running, timeout=10_000)
    assert shown.questions == ["4 invoices are due (484.00 EUR in all) for 2 subscriptions; make them?"]
    assert paydesk.billing.due_count() == 4  # declined: nothing made

    shown.answer = True
    with qtbot.waitSignal(view.billing.finished, timeout=10_000) as made:
        view.run_action.trigger()
    report = made.args[0]
    assert report.count == 4 and report.drafts == 1
    numbers = sorted(i.number for i in report.invoices if i.number)
    assert shown.infos == [f"4 invoices made: 3 issued ({numbers[0]} to {numbers[-1]}), 1 draft for review."]
    assert paydesk.billing.due_count() == 0
    view.select(next(view.model.row_at(r).id for r in range(2) if view.model.row_at(r).sub.customer_id == customer))
    assert [row[0] for row in view.periods.rows()] == [
        "Nov 1, 2026 – Nov 30, 2026", "Oct 1, 2026 – Oct 31, 2026", "Sep 1, 2026 – Sep 30, 2026"]

    view.run_action.trigger()
    qtbot.waitUntil(lambda: not view.billing.running, timeout=10_000)
    assert shown.infos[-1] == "Nothing is due: every subscription is invoiced up to today."
