"""The Bank page's dialogs: book by hand (split, credit, write-off, errors at the field),
accept-and-write-off, the rules (add, test, order, enable, delete) and the matching settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.matching import RuleKind
from desktop.domain.states import InvoiceStatus
from desktop.ui.bank_book_dialog import BankBookDialog
from desktop.ui.bank_rules_dialog import RulesDialog
from desktop.ui.bank_settings_dialog import BankSettingsDialog
from desktop.ui.payment_dialog import AllocationModel
from desktop.ui.reason_dialog import ReasonDialog
from tests.conftest import TODAY
from tests.ui import test_bank_view as bank
from tests.ui.test_bank_view import (
    Scenario,
    find,
    import_camt,
    number_of,
    open_view,
    press,
    status,
    tx,
)

scenario = bank.scenario  # the fixture, shared
shown = bank.shown  # the fixture, shared
tasks = bank.tasks  # the fixture, shared


def amounts(dialog: BankBookDialog) -> dict[str, str]:
    model = dialog.model
    return {model.index(row, AllocationModel.INVOICE).data(): model.index(row, AllocationModel.ALLOCATE).data()
            for row in range(model.rowCount())}


def open_book_dialog(qtbot, view, transaction_id: int) -> BankBookDialog:
    view.set_state_filter(None)
    view.select(transaction_id)
    press(qtbot, view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    dialog = view.dialog
    assert isinstance(dialog, BankBookDialog)
    return dialog


# --- book by hand -----------------------------------------------------------------------------

def test_split_one_payment_over_two_invoices_found_by_number(qtbot, paydesk, scenario: Scenario, tasks, shown,
                                                            qtmodeltester) -> None:
    view = open_view(qtbot, paydesk, tasks)
    dialog = open_book_dialog(qtbot, view, scenario.stray)  # 150.00 from somebody Paydesk does not know
    assert dialog.customer_id() is None and dialog.model.rowCount() == 0
    assert "150.00 EUR received" in dialog.header.text()

    first, second = number_of(paydesk, scenario.twin_a), number_of(paydesk, scenario.twin_b)
    dialog.search.setText(first)
    dialog.run_search()
    assert [hit.number for hit in dialog.hits] == [first]
    dialog.take_hit(0)
    assert dialog.customer.currentText() == "García y Asociados S.L. (1001)"
    assert amounts(dialog) == {first: "60.50", second: ""}
    assert dialog.remaining.text() == "89.50 EUR stays as credit"

    dialog.set_amount(scenario.twin_b, Decimal("90.00"))  # more than is open on it, and than the payment
    assert dialog.remaining.text() == "0.50 EUR more than the payment is allocated."
    assert not dialog.book()
    assert dialog.errors.marked() and dialog.summary.isVisible()  # shown at the table, nothing saved
    assert paydesk.bank.detail(scenario.stray).row.state is TransactionState.UNMATCHED
    qtmodeltester.check(dialog.model)

    dialog.set_amount(scenario.twin_b, Decimal("60.50"))
    assert dialog.remaining.text() == "29.00 EUR stays as credit"
    with qtbot.waitSignal(view.changed):
        assert dialog.book()

    assert status(paydesk, scenario.twin_a) is InvoiceStatus.PAID
    assert status(paydesk, scenario.twin_b) is InvoiceStatus.PAID
    detail = paydesk.bank.detail(scenario.stray)
    assert detail.row.state is TransactionState.MATCHED and detail.matched_by == "user"
    assert set(detail.row.invoices) == {first, second}
    [payment] = [p for p in paydesk.payments.list() if p.amount == Decimal("150.00")]
    assert (payment.unallocated, sorted(payment.invoices)) == (Decimal("29.00"), sorted([first, second]))


def test_fill_oldest_first_and_a_remainder_that_stays_as_credit(qtbot, paydesk, make_invoice, customer, tasks, shown) -> None:
    first = make_invoice("100.00", issue=TODAY - timedelta(days=70))  # 121.00, due first
    second = make_invoice("50.00", issue=TODAY - timedelta(days=20))  # 60.50
    import_camt(paydesk, tx("200.00", "Anonymous payer", text="thanks"))
    view = open_view(qtbot, paydesk, tasks)
    dialog = open_book_dialog(qtbot, view, find(paydesk, "200.00"))
    dialog.set_customer(customer)
    dialog.fill_oldest_first()
    assert amounts(dialog) == {number_of(paydesk, first): "121.00", number_of(paydesk, second): "60.50"}
    assert dialog.remaining.text() == "18.50 EUR stays as credit"
    assert dialog.book()
    assert status(paydesk, first) is InvoiceStatus.PAID and status(paydesk, second) is InvoiceStatus.PAID
    assert paydesk.payments.credit(customer) == {"EUR": Decimal("18.50")}


def test_a_small_difference_can_be_written_off_with_a_reason(qtbot, paydesk, scenario: Scenario, tasks, shown) -> None:
    view = open_view(qtbot, paydesk, tasks)
    dialog = open_book_dialog(qtbot, view, scenario.stray)
    dialog.set_customer(paydesk.customers.id_by_number("1001"))
    dialog._set_allocations([])
    dialog.set_amount(scenario.twin_a, Decimal("60.10"))
    assert dialog.write_off.isEnabled()
    assert dialog.write_off.text() == f"Write off the 0.40 EUR that stays open on {number_of(paydesk, scenario.twin_a)}"
    dialog.write_off.setChecked(True)
    assert not dialog.book()  # no reason yet
    assert dialog.errors.message("write_off") == "Say why the difference is written off."
    dialog.write_off_reason.setText("bank charges on the customer's side")
    assert dialog.book()
    assert status(paydesk, scenario.twin_a) is InvoiceStatus.PAID


def test_ctrl_return_accepts_and_writes_off_after_asking_why(qtbot, paydesk, make_invoice, tasks, shown) -> None:
    first = make_invoice("50.00")  # 60.50
    second = make_invoice("50.00", issue=TODAY - timedelta(days=30))
    import_camt(paydesk, tx("60.10", "J. Garcia", text="pago"))
    view = open_view(qtbot, paydesk, tasks)
    assert view.write_off_action.isEnabled()
    assert "0.40 EUR stays open" in view.detail.cards[0].text()
    press(qtbot, view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = view.dialog
    assert isinstance(dialog, ReasonDialog)
    assert "0.40 EUR" in dialog.prompt.text()
    dialog.reason.setPlainText("rounding by the customer's bank")
    dialog.confirm()
    assert status(paydesk, first) is InvoiceStatus.PAID
    assert status(paydesk, second) is InvoiceStatus.OPEN
    assert view.model.rowCount() == 0 and view.hint.text().startswith("Nothing needs review")


# --- rules -------------------------------------------------------------------------------------

def test_rules_add_test_order_enable_and_delete(qtbot, paydesk, scenario: Scenario, customer, shown) -> None:
    import_camt(paydesk, tx("480.00", "STRIPE PAYMENTS EUROPE", text="STRIPE PAYOUT 2026-11-17"),
                tx("312.40", "STRIPE PAYMENTS EUROPE", text="STRIPE PAYOUT 2026-11-18"), statement_id="STMT-2")
    dialog = RulesDialog(paydesk)
    qtbot.addWidget(dialog)
    assert dialog.empty.text().startswith("No rules yet")

    editor = dialog.add_rule()
    editor.name.setText("Stripe payouts")
    editor.kind.setCurrentIndex(editor.kind.findData(RuleKind.TEXT.value))
    assert not editor.save()  # no pattern yet
    assert editor.errors.message("pattern") == "Enter the words to look for."
    editor.pattern.setText("stripe payout")
    editor.ignore.setChecked(True)
    editor.category.setCurrentIndex(editor.category.findData(IgnoreCategory.PROVIDER_PAYOUT.value))
    hits = editor.test()
    assert hits is not None and sorted(h.amount for h in hits) == [Decimal("312.40"), Decimal("480.00")]
    assert editor.hits_label.text() == "2 past transactions fit this rule:"
    assert editor.hits.rowCount() == 2
    assert editor.save()

    editor = dialog.add_rule()
    editor.name.setText("García's account")
    editor.kind.setCurrentIndex(editor.kind.findData(RuleKind.IBAN.value))
    editor.pattern.setText("ES91 2100 0418 4502 0005 1332")
    editor.customer.set_customer_id(customer)
    assert editor.save()
    assert dialog.names() == ["Stripe payouts", "García's account"]
    assert dialog.table.item(0, RulesDialog.THEN).text() == "Ignore as Payment provider payout"
    assert dialog.table.item(1, RulesDialog.THEN).text() == "Assign to García y Asociados S.L. (1001)"
    assert dialog.table.item(0, RulesDialog.WHEN).text() == "Text contains “stripe payout”"

    assert dialog.selected_rule().name == "García's account"  # the new one is selected
    assert not dialog.down_button.isEnabled()
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert dialog.names() == ["García's account", "Stripe payouts"]
    assert [r.name for r in paydesk.bank.rules()] == ["García's account", "Stripe payouts"]
    assert dialog.selected_rule().name == "García's account"

    hits = dialog.test_selected()
    assert hits is not None and {h.id for h in hits} == {scenario.matched}
    assert dialog.hits_label.text() == "“García's account”: 1 past transaction fits this rule:"

    dialog.table.item(1, RulesDialog.ENABLED).setCheckState(Qt.CheckState.Unchecked)
    assert [r.enabled for r in paydesk.bank.rules()] == [True, False]

    dialog.select_rule(paydesk.bank.rules()[0].id)
    dialog.delete_selected()
    assert shown.questions == ["Delete the rule “García's account”?"]
    assert dialog.names() == ["Stripe payouts"]
    assert [e.action for e in paydesk.audit.entries("bank_rule")][:1] == ["bank.rule_deleted"]


def test_a_rule_is_edited_in_place(qtbot, paydesk, shown) -> None:
    dialog = RulesDialog(paydesk)
    qtbot.addWidget(dialog)
    editor = dialog.add_rule()
    editor.name.setText("Small fees")
    editor.kind.setCurrentIndex(editor.kind.findData(RuleKind.AMOUNT_RANGE.value))
    assert not editor.pattern.isEnabled()
    editor.amount_min.setText("-20")
    editor.amount_max.setText("abc")
    assert not editor.save()
    assert editor.errors.message("amount_max") == "Enter an amount such as 100.00 or -25."
    editor.amount_max.setText("0")
    editor.ignore.setChecked(True)
    editor.category.setCurrentIndex(editor.category.findData(IgnoreCategory.BANK_FEE.value))
    assert editor.save()
    assert dialog.table.item(0, RulesDialog.WHEN).text() == "Amount -20 to 0"

    editor = dialog.edit_selected()
    assert editor is not None and editor.amount_min.text() == "-20" and editor.ignore.isChecked()
    editor.amount_min.setText("-50")
    assert editor.save()
    [rule] = paydesk.bank.rules()
    assert (rule.name, rule.amount_min, rule.amount_max, rule.category) == ("Small fees", Decimal(-50), Decimal(0),
                                                                             IgnoreCategory.BANK_FEE)


# --- settings ----------------------------------------------------------------------------------

def test_settings_are_saved_and_a_bad_tolerance_is_shown_at_its_field(qtbot, paydesk) -> None:
    dialog = BankSettingsDialog(paydesk)
    qtbot.addWidget(dialog)
    assert (dialog.threshold.value(), dialog.margin.value(), dialog.tolerance.text()) == (80, 20, "1.00")
    dialog.tolerance.setText("a lot")
    assert not dialog.save()
    assert dialog.errors.message("write_off_tolerance") == "Enter an amount such as 1.00."
    dialog.tolerance.setText("-1")
    assert not dialog.save()
    assert dialog.errors.message("write_off_tolerance") == "The tolerance cannot be negative."
    dialog.threshold.setValue(90)
    dialog.margin.setValue(15)
    dialog.tolerance.setText("2,50")
    assert dialog.save()
    saved = paydesk.bank.settings()
    assert (saved.auto_threshold, saved.margin, saved.write_off_tolerance) == (90, 15, Decimal("2.50"))
    assert paydesk.audit.entries("settings")[0].action == "bank.settings_saved"
