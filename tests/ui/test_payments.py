"""Recording payments from the dialog, the payments list, and undoing allocations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.payment import PaymentMethod
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors
from desktop.ui.payment_dialog import AllocationModel, PaymentDialog, parse_money
from desktop.ui.payments_view import PaymentsView
from desktop.ui.tasks import TaskRunner
from tests.conftest import TODAY


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    problems: list[BaseException] = []
    runner = TaskRunner(owner, problems.append)
    yield runner
    runner.wait()
    assert not problems


@pytest.fixture
def two_invoices(make_invoice) -> tuple[InvoiceId, InvoiceId]:
    """121.00 EUR due 30 days ago, then 60.50 EUR due 10 days ago."""
    older = make_invoice("100.00", issue=TODAY - timedelta(days=60))
    newer = make_invoice("50.00")
    return older, newer


def open_dialog(qtbot, paydesk: Paydesk, **kwargs: object) -> PaymentDialog:
    dialog = PaymentDialog(paydesk, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def status(paydesk: Paydesk, invoice_id: InvoiceId) -> InvoiceStatus:
    return paydesk.invoices.get(invoice_id).status


def allocate_column(dialog: PaymentDialog) -> list[str]:
    return [dialog.model.index(row, AllocationModel.ALLOCATE).data() for row in range(dialog.model.rowCount())]


def test_record_a_payment_across_two_invoices(qtbot, paydesk: Paydesk, customer: CustomerId, two_invoices,
                                              qtmodeltester) -> None:
    older, newer = two_invoices
    dialog = open_dialog(qtbot, paydesk, customer_id=customer)
    assert dialog.customer_id() == customer
    assert dialog.model.rowCount() == 2
    qtbot.keyClicks(dialog.amount, "150,00")
    assert allocate_column(dialog) == ["121.00", "29.00"]  # oldest first
    assert dialog.credit_label.text() == "Left as customer credit: 0.00 EUR"
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.note.setText("POS 4711")
    qtmodeltester.check(dialog.model)

    with qtbot.waitSignal(dialog.recorded):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == PaymentDialog.DialogCode.Accepted
    assert status(paydesk, older) == InvoiceStatus.PAID
    assert status(paydesk, newer) == InvoiceStatus.PARTIALLY_PAID
    [payment] = paydesk.payments.list()
    assert (payment.amount, payment.method, payment.note, payment.unallocated) == (
        Decimal("150.00"), PaymentMethod.CARD, "POS 4711", Decimal(0))
    assert paydesk.audit.entries("payment", payment.id)[0].action == "payment.recorded"


def test_edited_allocation_and_overpayment_become_customer_credit(qtbot, paydesk: Paydesk, customer: CustomerId,
                                                                  two_invoices) -> None:
    older, newer = two_invoices
    dialog = open_dialog(qtbot, paydesk, customer_id=customer)
    dialog.amount.setText("250")
    assert allocate_column(dialog) == ["121.00", "60.50"]
    assert dialog.credit_label.text() == "Left as customer credit: 68.50 EUR"
    assert dialog.model.setData(dialog.model.index(1, AllocationModel.ALLOCATE), "")  # keep the newer one open
    assert dialog.credit_label.text() == "Left as customer credit: 129.00 EUR"
    assert not dialog.model.setData(dialog.model.index(0, AllocationModel.ALLOCATE), "lots")
    assert dialog.record()

    assert status(paydesk, older) == InvoiceStatus.PAID
    assert status(paydesk, newer) == InvoiceStatus.OPEN
    assert paydesk.payments.credit(customer) == {"EUR": Decimal("129.00")}
    again = open_dialog(qtbot, paydesk, customer_id=customer)
    assert "129.00 EUR" in again.existing_credit.text()


def test_opened_for_an_invoice_puts_it_first_with_its_open_amount(qtbot, paydesk: Paydesk, two_invoices) -> None:
    older, newer = two_invoices
    dialog = open_dialog(qtbot, paydesk, invoice_id=newer)
    assert dialog.amount.text() == "60.50"
    assert dialog.model.items()[0].invoice_id == newer
    assert allocate_column(dialog) == ["60.50", ""]
    dialog.amount.setText("100")
    assert allocate_column(dialog) == ["60.50", "39.50"]
    assert dialog.record()
    assert status(paydesk, newer) == InvoiceStatus.PAID
    assert status(paydesk, older) == InvoiceStatus.PARTIALLY_PAID


def test_too_much_on_one_invoice_is_shown_at_the_row_and_nothing_saved(qtbot, paydesk: Paydesk, customer: CustomerId,
                                                                        two_invoices) -> None:
    dialog = open_dialog(qtbot, paydesk, customer_id=customer)
    dialog.amount.setText("300")
    assert dialog.model.setData(dialog.model.index(1, AllocationModel.ALLOCATE), "90")
    assert not dialog.record()
    assert dialog.isVisible() is False or dialog.result() != PaymentDialog.DialogCode.Accepted
    assert paydesk.payments.list() == []
    assert "allocations[1]" in dialog.errors.marked()
    assert "60.50 open" in (dialog.model.error(1) or "")
    assert dialog.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == dialog.model.error(1)
    assert FieldErrors.is_marked(dialog.table)
    assert dialog.model.setData(dialog.model.index(1, AllocationModel.ALLOCATE), "60.50")  # editing clears the mark
    assert not FieldErrors.is_marked(dialog.table) and dialog.model.error(1) is None
    assert dialog.record()


def test_missing_customer_and_amount_are_shown_at_the_fields(qtbot, paydesk: Paydesk, customer: CustomerId) -> None:
    dialog = open_dialog(qtbot, paydesk)
    assert dialog.customer_id() is None
    assert "Choose a customer" in dialog.no_items.text()
    dialog.amount.setText("12,3,4")
    assert not dialog.record()
    assert set(dialog.errors.marked()) == {"customer", "amount"}
    assert FieldErrors.is_marked(dialog.customer) and FieldErrors.is_marked(dialog.amount)
    assert paydesk.payments.list() == []

    dialog.amount.setText("0")
    qtbot.keyClicks(dialog.customer.lineEdit(), "Garc")  # QTest types ASCII only
    assert dialog.customer_id() is None
    dialog.customer.lineEdit().setText("garcía y asociados s.l. (1001)")
    dialog.customer.lineEdit().editingFinished.emit()
    assert dialog.customer_id() == customer
    assert "No open invoices in EUR" in dialog.no_items.text()
    assert not dialog.record()
    assert dialog.errors.marked() == ["amount"]  # the service's rule: above zero


def test_other_currency_shows_only_its_invoices(qtbot, paydesk: Paydesk, customer: CustomerId, make_invoice) -> None:
    make_invoice("100.00")
    usd = make_invoice("80.00", currency="USD")
    dialog = open_dialog(qtbot, paydesk, customer_id=customer)
    assert [dialog.currency.itemData(i) for i in range(dialog.currency.count())] == ["EUR", "USD"]
    dialog.currency.setCurrentIndex(dialog.currency.findData("USD"))
    assert [item.invoice_id for item in dialog.model.items()] == [usd]
    dialog.amount.setText("96.80")
    assert dialog.record()
    assert status(paydesk, usd) == InvoiceStatus.PAID


def test_parse_money() -> None:
    assert parse_money("1 250,50") == Decimal("1250.50")
    assert parse_money("1250.5") == Decimal("1250.5")
    assert parse_money("") is None and parse_money("abc") is None and parse_money("1.234,50") is None


# --- the list -----------------------------------------------------------------------------------
@pytest.fixture
def view(qtbot, paydesk: Paydesk, tasks: TaskRunner) -> PaymentsView:
    widget = PaymentsView(paydesk, tasks)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    return widget


def test_empty_list_shows_a_hint(view: PaymentsView) -> None:
    assert view.stack.currentWidget() is view.hint
    assert "No payments recorded yet" in view.hint.text()
    assert not view.undo_action.isEnabled()


def test_record_from_the_list_then_undo_allocations(qtbot, view: PaymentsView, paydesk: Paydesk, customer: CustomerId,
                                                    two_invoices, monkeypatch, qtmodeltester) -> None:
    older, newer = two_invoices
    dialog = view.record_payment(customer_id=customer)
    assert dialog is not None
    dialog.amount.setText("200")
    with qtbot.waitSignal(view.changed):
        assert dialog.record()
    assert view.model.rowCount() == 1
    payment = view.selected()
    assert payment is not None and payment.invoices == ("2026-00001", "2026-00002")
    assert view.proxy.index(0, 5).data() == "2026-00001, 2026-00002"
    assert view.proxy.index(0, 6).data() == "18.50"
    assert view.undo_action.isEnabled()
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)

    questions: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, question, action: questions.append(question) or True)
    with qtbot.waitSignal(view.changed, timeout=5000):
        view.undo_action.trigger()
    assert "2026-00001, 2026-00002" in questions[0]
    assert status(paydesk, older) == status(paydesk, newer) == InvoiceStatus.OPEN
    assert paydesk.payments.credit(customer) == {"EUR": Decimal("200.00")}
    assert view.proxy.index(0, 6).data() == "200.00"
    assert not view.undo_action.isEnabled()
    assert paydesk.audit.entries("payment", payment.id)[0].action == "payment.unallocated"


def test_undo_cancelled_changes_nothing(qtbot, view: PaymentsView, paydesk: Paydesk, customer, two_invoices,
                                        monkeypatch) -> None:
    dialog = view.record_payment(customer_id=customer)
    assert dialog is not None
    dialog.amount.setText("121")
    assert dialog.record()
    monkeypatch.setattr(messages, "confirm", lambda parent, title, question, action: False)
    view.undo_selected()
    assert status(paydesk, two_invoices[0]) == InvoiceStatus.PAID


def test_filter_and_pages(qtbot, paydesk: Paydesk, customer: CustomerId, tasks: TaskRunner, monkeypatch,
                          qtmodeltester) -> None:
    from desktop.domain.payment import PaymentInput

    other = paydesk.customers.save(Customer(number="2002", name="Rossi & Figli S.r.l."))
    for n in range(7):
        paydesk.payments.record(PaymentInput(customer if n % 2 else other, TODAY - timedelta(days=n), Decimal(10 + n), "EUR",
                                             note=f"ref {n}"))
    monkeypatch.setattr(PaymentsView, "PAGE", 3)  # small pages to see fetching more
    view = PaymentsView(paydesk, tasks)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 3 and view.model.has_more()
    assert "scroll down" in view.count.text()
    view.model.fetchMore()
    view.model.fetchMore()
    assert view.model.rowCount() == 7 and not view.model.has_more()
    assert [view.model.item(r).note for r in range(7)] == [f"ref {n}" for n in range(7)]  # type: ignore[union-attr]
    qtmodeltester.check(view.model)

    view.filter.setText("rossi")
    assert view.proxy.rowCount() == 4
    assert view.count.text() == "Payments shown: 4 of 7 loaded"
    view.filter.setText("ref 3")
    assert view.proxy.rowCount() == 1
    view.filter.setText("nobody")
    assert view.stack.currentWidget() is view.hint and "nobody" in view.hint.text()

    fresh = PaymentsView(paydesk, tasks)
    qtbot.addWidget(fresh)
    assert fresh.model.rowCount() == 3
    fresh.filter.setText("ref 6")  # the oldest: filtering loads older pages until something shows
    assert fresh.proxy.rowCount() == 1 and fresh.model.rowCount() == 7
