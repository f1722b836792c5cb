"""The invoice editor: writing, finalizing, and problems shown where they are (nothing saved then)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit

from desktop.domain.customer import Customer
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.domain.listing import InvoiceFilter
from desktop.domain.states import InvoiceStatus
from desktop.ui.invoice_editor import InvoiceEditor
from desktop.ui.invoice_lines_model import (
    AMOUNT,
    DESCRIPTION,
    ERROR_BACKGROUND,
    QUANTITY,
    UNIT_PRICE,
    VAT_RATE,
    InvoiceLinesModel,
)
from tests.conftest import TODAY
from tests.ui.message_recorder import Messages, record_messages


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


@pytest.fixture
def editor(qtbot, paydesk, customer, shown):
    """A new invoice; the customer exists before the editor lists the customers."""
    dialog = InvoiceEditor(paydesk, paydesk.invoices.new_draft())
    qtbot.addWidget(dialog)
    return dialog


def fill_line(model: InvoiceLinesModel, row: int, description: str, quantity: str, price: str, vat: str = "21") -> None:
    for column, text in ((DESCRIPTION, description), (QUANTITY, quantity), (UNIT_PRICE, price), (VAT_RATE, vat)):
        assert model.setData(model.index(row, column), text, Qt.ItemDataRole.EditRole)


def saved_invoices(paydesk) -> list[int]:
    return paydesk.invoices.search(InvoiceFilter())


def test_write_and_finalize_an_invoice(qtbot, editor, paydesk, customer, shown: Messages):
    editor.customer.set_customer_id(customer)
    assert editor.due_date.date() == QDate(TODAY + timedelta(days=30))
    fill_line(editor.lines, 0, "Consulting", "2", "1.234,50")
    editor.add_line()
    fill_line(editor.lines, 1, "Travel", "1", "100.00", vat="0")

    assert editor.lines.data(editor.lines.index(0, AMOUNT)) == "2,469.00"
    assert editor.totals.total_text == "3,087.49 EUR"  # 2,469.00 + 21% VAT 518.49 + 100.00 without VAT

    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)

    invoice_id, number = saved.args
    assert number == "2026-00001"
    record = paydesk.invoices.get(invoice_id)
    assert record.status is InvoiceStatus.OPEN
    assert record.number == number
    assert record.total == Decimal("3087.49")
    assert [line.description for line in record.draft.lines] == ["Consulting", "Travel"]
    assert "can't be changed" in shown.questions[0]
    assert not editor.isVisible()


def test_declining_the_confirmation_finalizes_nothing(qtbot, editor, paydesk, customer, shown: Messages):
    shown.answer = False
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "1", "100")
    qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)
    assert saved_invoices(paydesk) == []


def test_a_line_without_description_is_marked_and_nothing_saved(qtbot, editor, paydesk, customer):
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "1", "100")
    editor.add_line()
    fill_line(editor.lines, 1, "", "3", "50")

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert saved_invoices(paydesk) == []
    cell = editor.lines.index(1, DESCRIPTION)
    assert editor.lines.data(cell, Qt.ItemDataRole.ToolTipRole) == "Line 2 needs a description."
    assert editor.lines.data(cell, Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    assert editor.summary.isVisibleTo(editor)
    assert "Line 2 needs a description." in editor.summary.text()

    editor.lines.setData(cell, "Second item")  # typing clears the mark
    assert editor.lines.data(cell, Qt.ItemDataRole.ToolTipRole) is None


def test_a_due_date_before_the_issue_date_is_shown_at_the_field(qtbot, editor, paydesk, customer):
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "1", "100")
    editor.due_date.setDate(QDate(TODAY - timedelta(days=1)))
    assert editor.term_label.text() == "before the issue date"

    qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)

    assert saved_invoices(paydesk) == []
    assert editor.errors() == {"due_date": "The due date cannot be before the issue date."}
    assert "due date cannot be before" in editor.summary.text()


def test_text_that_is_not_a_number_is_kept_marked_and_blocks_saving(qtbot, editor, paydesk, customer):
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "two", "100")
    cell = editor.lines.index(0, QUANTITY)
    assert editor.lines.data(cell) == "two"
    assert editor.lines.data(cell, Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert saved_invoices(paydesk) == []
    assert "“two” is not a number" in editor.summary.text()


def test_every_problem_is_shown_at_once(qtbot, paydesk):
    editor = InvoiceEditor(paydesk, paydesk.invoices.new_draft())
    qtbot.addWidget(editor)
    fill_line(editor.lines, 0, "Consulting", "abc", "100")
    editor.add_line()
    fill_line(editor.lines, 1, "", "1", "20")
    editor.due_date.setDate(QDate(TODAY - timedelta(days=3)))

    editor.save_draft()

    assert saved_invoices(paydesk) == []
    assert editor.errors() == {"customer": "Choose a customer.",
                               "due_date": "The due date cannot be before the issue date."}
    assert editor.lines.data(editor.lines.index(1, DESCRIPTION), Qt.ItemDataRole.ToolTipRole) == "Line 2 needs a description."
    assert editor.lines.data(editor.lines.index(0, QUANTITY), Qt.ItemDataRole.ToolTipRole) == "Line 1: “abc” is not a number."
    for problem in ("Choose a customer.", "due date cannot be before", "Line 2 needs a description.", "“abc” is not a number"):
        assert problem in editor.summary.text()


def test_totals_break_vat_down_per_rate(editor):
    fill_line(editor.lines, 0, "Consulting", "2", "100", vat="21")
    editor.add_line()
    fill_line(editor.lines, 1, "Books", "1", "50", vat="9")
    editor.add_line()
    fill_line(editor.lines, 2, "Broken", "x", "50", vat="9")  # left out of the totals until it is a number
    assert editor.totals.rows() == [
        ("Subtotal", "250.00"), ("VAT 9% of 50.00", "4.50"), ("VAT 21% of 200.00", "42.00"), ("Total", "296.50 EUR")]


def test_more_decimals_than_the_currency_has_are_refused(qtbot, editor, paydesk, customer):
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "1", "10.555")
    cell = editor.lines.index(0, UNIT_PRICE)
    assert editor.lines.data(cell, Qt.ItemDataRole.ToolTipRole) == "Line 1: unit price can have at most 2 decimals."
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert saved_invoices(paydesk) == []
    assert "at most 2 decimals" in editor.summary.text()


def test_no_customer_is_shown_at_the_picker(qtbot, editor, paydesk):
    fill_line(editor.lines, 0, "Consulting", "1", "100")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.errors() == {"customer": "Choose a customer."}
    assert saved_invoices(paydesk) == []


def test_picking_a_customer_sets_the_due_date_from_their_payment_term(qtbot, editor, paydesk):
    slow = paydesk.customers.save(Customer(number="3001", name="Slow Payer Ltd", payment_term_days=45))
    editor.customer.reload()
    editor.customer.set_customer_id(slow)
    assert editor.due_date.date() == QDate(TODAY + timedelta(days=45))
    assert editor.term_label.text() == "45 days after issue"
    editor.issue_date.setDate(QDate(TODAY + timedelta(days=2)))  # the term moves with the issue date
    assert editor.due_date.date() == QDate(TODAY + timedelta(days=47))


def test_typing_in_the_customer_picker_finds_by_part_of_the_name(qtbot, editor, customer):
    editor.customer.setFocus()
    editor.customer.lineEdit().setText("garcía y asociados s.l. (1001)")
    editor.customer.lineEdit().editingFinished.emit()
    assert editor.customer.customer_id() == customer
    completer = editor.customer.completer()
    completer.setCompletionPrefix("Asociados")
    assert completer.currentCompletion() == "García y Asociados S.L. (1001)"


def test_save_a_draft_then_edit_it_again(qtbot, editor, paydesk, customer):
    editor.customer.set_customer_id(customer)
    editor.notes.setPlainText("Thanks!")
    fill_line(editor.lines, 0, "Consulting", "1,5", "80")
    editor.add_line()  # a blank new line is left out
    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    invoice_id, number = saved.args
    assert number == ""
    draft = paydesk.invoices.get(invoice_id).draft
    assert draft.lines == [InvoiceLine("Consulting", Decimal("1.5"), Decimal("80"), Decimal("21"))]
    assert draft.notes == "Thanks!"

    again = InvoiceEditor(paydesk, draft)
    qtbot.addWidget(again)
    assert again.windowTitle() == "Draft invoice"
    assert again.customer.customer_id() == customer
    again.lines.setData(again.lines.index(0, UNIT_PRICE), "90")
    again.save_draft()
    assert paydesk.invoices.get(invoice_id).draft.lines[0].unit_price == Decimal("90")
    assert len(saved_invoices(paydesk)) == 1


def test_cancel_with_changes_asks_first(qtbot, editor, customer, shown: Messages):
    editor.show()
    editor.customer.set_customer_id(customer)
    shown.answer = False
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    shown.answer = True
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert len(shown.questions) == 2


def test_a_cell_still_being_edited_is_saved_too(qtbot, editor, paydesk, customer):
    editor.show()
    editor.customer.set_customer_id(customer)
    fill_line(editor.lines, 0, "Consulting", "1", "100")
    index = editor.lines.index(0, UNIT_PRICE)
    editor.table.setCurrentIndex(index)
    editor.table.edit(index)
    cell_editor = editor.focusWidget()
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.setText("125,5")
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_draft()  # what Ctrl+S does
    assert paydesk.invoices.get(saved.args[0]).draft.lines[0].unit_price == Decimal("125.5")


def test_remove_line(qtbot, editor):
    fill_line(editor.lines, 0, "One", "1", "10")
    editor.add_line()
    fill_line(editor.lines, 1, "Two", "1", "20")
    editor.table.setCurrentIndex(editor.lines.index(0, UNIT_PRICE))
    editor.remove_selected_lines()
    assert editor.lines.rowCount() == 1
    assert editor.lines.data(editor.lines.index(0, DESCRIPTION)) == "Two"


def test_the_lines_model_passes_the_model_tester(qtmodeltester):
    model = InvoiceLinesModel("EUR", [
        InvoiceLine("Consulting", Decimal("2"), Decimal("95.00"), Decimal("21"), Decimal("5"), "h"),
        InvoiceLine("Licence", Decimal("1"), Decimal("1200.00"), Decimal("0")),
    ])
    model.add_line()
    model.setData(model.index(2, QUANTITY), "abc")
    qtmodeltester.check(model)
    assert model.data(model.index(0, AMOUNT)) == "180.50"
    assert not model.flags(model.index(0, AMOUNT)) & Qt.ItemFlag.ItemIsEditable


def test_credit_note_drafts_keep_their_kind(qtbot, paydesk, customer):
    draft = InvoiceDraft(customer_id=customer, currency="EUR", issue_date=TODAY, due_date=TODAY,
                         lines=[InvoiceLine("Item", Decimal(1), Decimal(10))])
    editor = InvoiceEditor(paydesk, draft)
    qtbot.addWidget(editor)
    assert editor.current_draft().kind is draft.kind
