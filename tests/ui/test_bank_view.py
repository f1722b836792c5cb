"""The Bank page: states and counts, deciding from the keyboard, undo, ignore, the statement banner,
and a lazy list over 20,000 transactions. Real SQLite, statements imported as camt.053."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.bank import BankTransaction, IgnoreCategory, TransactionState
from desktop.domain.ids import InvoiceId
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk
from desktop.services.statements import ImportReport
from desktop.ui.bank_view import BankView, IgnoreDialog
from desktop.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.fixtures.bank.camt_writer import write_camt053
from tests.ui.message_recorder import Messages, record_messages

ACCOUNT = "NL91ABNA0417164300"
GARCIA_IBAN = "ES9121000418450200051332"
DAY = TODAY - timedelta(days=2)
_references = itertools.count(1)


def tx(amount: str, name: str = "", reference: str = "", text: str = "", iban: str = "", code: str = "",
       day=DAY) -> BankTransaction:
    return BankTransaction(day, Decimal(amount), "EUR", value_date=day, counterparty_name=name, counterparty_iban=iban,
                           structured_reference=reference, remittance=text, bank_reference=f"BANKREF{next(_references)}",
                           end_to_end_id=f"E2E-{next(_references)}", bank_code=code)


def camt(*transactions: BankTransaction, statement_id: str = "STMT-1", off_by: str = "") -> bytes:
    """A camt.053 of ``transactions``; ``off_by`` makes its closing balance wrong by that much."""
    data = write_camt053(None, ACCOUNT, "EUR", transactions, Decimal("1000.00"), statement_id)
    if off_by:
        closing = re.search(rb"<Cd>CLBD</Cd>.*?<Amt Ccy=\"EUR\">([0-9.]+)</Amt>", data, re.S)
        assert closing is not None
        wrong = str(Decimal(closing.group(1).decode()) + Decimal(off_by)).encode()
        data = data[:closing.start(1)] + wrong + data[closing.end(1):]
    return data


def import_camt(paydesk: Paydesk, *transactions: BankTransaction, statement_id: str = "STMT-1",
                off_by: str = "") -> list[ImportReport]:
    return paydesk.statements.import_file(f"{statement_id}.xml", camt(*transactions, statement_id=statement_id,
                                                                       off_by=off_by))


def status(paydesk: Paydesk, invoice_id: InvoiceId) -> InvoiceStatus:
    return paydesk.invoices.get(invoice_id).status


def number_of(paydesk: Paydesk, invoice_id: InvoiceId) -> str:
    return paydesk.invoices.summaries([invoice_id])[invoice_id].number or ""


@dataclass
class Scenario:
    """Invoices of García y Asociados and a statement with one transaction in every state."""

    older: InvoiceId  # 121.00, paid by the statement's RF payment
    twin_a: InvoiceId  # 60.50
    twin_b: InvoiceId  # 60.50: a 60.50 payment without reference could be either
    matched: int
    review: int
    unknown: int  # 999.99 from nobody Paydesk knows
    stray: int  # 150.00, unmatched
    fee: int


def find(paydesk: Paydesk, amount: str) -> int:
    for detail in paydesk.statements.transactions():
        if detail.tx.amount == Decimal(amount):
            return detail.row.id
    raise AssertionError(amount)


@pytest.fixture
def scenario(paydesk: Paydesk, make_invoice) -> Scenario:
    older = make_invoice("100.00", issue=TODAY - timedelta(days=60))
    twin_a = make_invoice("50.00")
    twin_b = make_invoice("50.00", issue=TODAY - timedelta(days=30))
    reference = paydesk.invoices.summaries([older])[older].reference or ""
    import_camt(paydesk,
                tx("121.00", "Garcia y Asociados", reference=reference, iban=GARCIA_IBAN),
                tx("60.50", "J. Garcia", text="pago factura"),
                tx("999.99", "Unknown Trading Ltd", text="hello"),
                tx("150.00", "Somebody Else", text="various"),
                tx("-25.00", "ABN AMRO", text="Bank charges November", code="PMNT/CCRD/CHRG"))
    return Scenario(older, twin_a, twin_b, find(paydesk, "121.00"), find(paydesk, "60.50"), find(paydesk, "999.99"),
                    find(paydesk, "150.00"), find(paydesk, "-25.00"))


@pytest.fixture
def shown(monkeypatch) -> Messages:
    return record_messages(monkeypatch)


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    problems: list[BaseException] = []
    runner = TaskRunner(owner, problems.append)
    yield runner
    runner.wait()
    assert not problems


def open_view(qtbot, paydesk: Paydesk, tasks: TaskRunner) -> BankView:
    view = BankView(paydesk, tasks)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


@pytest.fixture
def view(qtbot, paydesk: Paydesk, tasks: TaskRunner, shown: Messages) -> BankView:
    return open_view(qtbot, paydesk, tasks)


def ids(view: BankView) -> list[int]:
    return view.model.ids()


def tab_texts(view: BankView) -> list[str]:
    return [view.tabs.tabText(i) for i in range(view.tabs.count())]


def press(qtbot, view: BankView, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    view.table.setFocus()
    qtbot.keyClick(view.table, key, modifier)


# --- the list ---------------------------------------------------------------------------------

def test_an_empty_page_invites_an_import(view: BankView) -> None:
    assert view.pages.currentIndex() == 1
    assert view.hint.text().startswith("No bank transactions yet — import a statement (camt.053, MT940, OFX, CSV...)")
    assert view.hint_button.text() == "Import statements…"
    assert tab_texts(view) == ["Needs review (0)", "Unmatched (0)", "Matched (0)", "Ignored (0)", "All (0)"]
    assert not view.banner.isVisible()


def test_states_with_counts_search_and_sorting_in_sql(qtbot, paydesk, scenario: Scenario, tasks, shown,
                                                       qtmodeltester) -> None:
    view = open_view(qtbot, paydesk, tasks)
    assert tab_texts(view) == ["Needs review (1)", "Unmatched (2)", "Matched (1)", "Ignored (1)", "All (5)"]
    assert view.state_filter() is TransactionState.REVIEW  # the default
    assert ids(view) == [scenario.review]
    assert view.current_id() == scenario.review  # the first one is selected, ready for the keyboard
    for state, expected in ((TransactionState.UNMATCHED, {scenario.unknown, scenario.stray}),
                            (TransactionState.MATCHED, {scenario.matched}), (TransactionState.IGNORED, {scenario.fee})):
        view.set_state_filter(state)
        assert set(ids(view)) == expected
    view.set_state_filter(None)
    assert len(ids(view)) == 5
    qtmodeltester.check(view.model)

    row = view.model.row_of(scenario.matched)
    cells = [view.model.index(row, column).data() for column in range(view.model.columnCount())]
    assert cells[1:4] == ["121.00 EUR", "Garcia y Asociados", GARCIA_IBAN]
    assert cells[5:] == ["Matched", f"{number_of(paydesk, scenario.older)} — García y Asociados S.L.", "100"]
    fee_row = view.model.row_of(scenario.fee)
    assert view.model.index(fee_row, 1).data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"  # outgoing in red
    assert view.model.index(fee_row, 6).data().startswith("Bank fee")

    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # amount, answered by SQL
    amounts = [paydesk.bank.rows([i])[i].amount for i in ids(view)]
    assert amounts == sorted(amounts)

    press(qtbot, view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    qtbot.keyClicks(view.search, "unknown")
    qtbot.waitUntil(lambda: ids(view) == [scenario.unknown])
    view.search.setText("nothing like this")
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 1)
    assert view.hint.text() == "No transaction here matches “nothing like this”."


def test_the_detail_shows_every_field_the_raw_text_and_the_reasons(qtbot, paydesk, scenario: Scenario, tasks, shown) -> None:
    view = open_view(qtbot, paydesk, tasks)
    detail = view.detail
    assert detail.values["counterparty"].text() == "J. Garcia"
    assert detail.values["statement"].text() == "STMT-1.xml (camt.053.001.08)"
    assert detail.values["bank_reference"].text().startswith("BANKREF")
    assert detail.values["end_to_end"].text().startswith("E2E-")
    assert detail.values["value_date"].text() != "—"
    assert [card.is_current() for card in detail.cards] == [True, False]
    first = detail.cards[0].text()
    assert "García y Asociados S.L. (1001)" in first
    assert f"Invoice {number_of(paydesk, scenario.twin_a)}: 60.50 EUR" in first
    assert "name &#x27;J. Garcia&#x27; resembles" in first  # the reasons, as a list
    assert "equals the open amount" in first
    assert not detail.raw.isVisible()
    detail.toggle_raw()
    assert detail.raw.isVisible() and "<Ntry>" in detail.raw.toPlainText()
    assert "Return" in view.accept_action.toolTip() and "Del" in view.reject_action.toolTip()
    assert [b.text() for b in view.buttons if b.isVisible()] == ["Accept", "Reject", "Book by hand…", "Ignore…"]


def test_a_payment_with_credit_or_a_shortfall_says_so(qtbot, paydesk, make_invoice, tasks, shown) -> None:
    short = number_of(paydesk, make_invoice("100.00"))  # 121.00
    over = number_of(paydesk, make_invoice("200.00"))  # 242.00
    import_camt(paydesk, tx("120.60", "Someone", text=f"invoice {short}"), tx("254.00", "Someone", text=f"inv {over}"))
    view = open_view(qtbot, paydesk, tasks)
    view.set_state_filter(None)
    texts = {}
    for transaction_id in ids(view):
        view.select(transaction_id)
        texts[view.detail.detail.tx.amount] = view.detail.cards[0].text()
    assert "12.00 EUR stays as credit" in texts[Decimal("254.00")]
    assert "0.40 EUR stays open — write it off?" in texts[Decimal("120.60")]


# --- deciding from the keyboard -----------------------------------------------------------------

def test_return_accepts_the_highlighted_suggestion_and_moves_to_the_next(qtbot, paydesk, scenario: Scenario, tasks,
                                                                          shown) -> None:
    import_camt(paydesk, tx("60.50", "J. Garcia", text="segundo pago"), statement_id="STMT-2")
    view = open_view(qtbot, paydesk, tasks)
    assert len(ids(view)) == 2
    view.select(scenario.review)
    press(qtbot, view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the second suggestion: the other twin
    assert view.detail.current_index() == 1
    changed: list[bool] = []
    view.changed.connect(lambda: changed.append(True))

    press(qtbot, view, Qt.Key.Key_Return)

    assert status(paydesk, scenario.twin_b) is InvoiceStatus.PAID
    assert status(paydesk, scenario.twin_a) is InvoiceStatus.OPEN
    assert paydesk.bank.detail(scenario.review).row.state is TransactionState.MATCHED
    assert ids(view) != [] and scenario.review not in ids(view)
    assert view.current_id() == ids(view)[0]  # on to the next one
    assert view.table.hasFocus()
    assert changed == [True]
    assert tab_texts(view)[:3] == ["Needs review (1)", "Unmatched (2)", "Matched (2)"]


def test_delete_rejects_and_match_again_does_not_bring_it_back(qtbot, paydesk, scenario: Scenario, tasks, shown) -> None:
    view = open_view(qtbot, paydesk, tasks)
    press(qtbot, view, Qt.Key.Key_Delete)
    after = paydesk.bank.detail(scenario.review)
    assert [s.invoice_ids for s in paydesk.bank.suggestions(after)] == [(scenario.twin_b,)]
    assert any(e.action == "bank.suggestion_rejected" for e in paydesk.audit.entries("bank_transaction", scenario.review))

    view.match_again()
    qtbot.waitUntil(lambda: not tasks.busy())
    again = paydesk.bank.suggestions(paydesk.bank.detail(scenario.review))
    assert (scenario.twin_a,) not in [s.invoice_ids for s in again]
    assert (scenario.twin_b,) in [s.invoice_ids for s in again]
    view.select(scenario.review)
    assert len(view.detail.cards) == len(again)


def test_ctrl_z_undoes_a_booking_after_asking(qtbot, paydesk, scenario: Scenario, tasks, shown: Messages) -> None:
    view = open_view(qtbot, paydesk, tasks)
    view.set_state_filter(TransactionState.MATCHED)
    view.select(scenario.matched)
    assert status(paydesk, scenario.older) is InvoiceStatus.PAID
    assert [b.text() for b in view.buttons if b.isVisible()] == ["Undo booking…"]

    shown.answer = False
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert status(paydesk, scenario.older) is InvoiceStatus.PAID  # said no
    shown.answer = True
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    number = number_of(paydesk, scenario.older)
    assert len(shown.questions) == 2 and number in shown.questions[-1]
    assert status(paydesk, scenario.older) is InvoiceStatus.OPEN
    assert paydesk.bank.detail(scenario.matched).row.state is TransactionState.REVIEW
    [undone] = [e for e in paydesk.audit.entries("bank_transaction", scenario.matched) if e.action == "bank.booking_undone"]
    assert number in undone.summary
    assert paydesk.payments.list() == []
    assert ids(view) == []  # nothing left matched


def test_ctrl_i_ignores_as_a_category_and_it_can_be_brought_back(qtbot, paydesk, scenario: Scenario, tasks, shown) -> None:
    view = open_view(qtbot, paydesk, tasks)
    view.set_state_filter(TransactionState.UNMATCHED)
    view.select(scenario.unknown)
    press(qtbot, view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = view.dialog
    assert isinstance(dialog, IgnoreDialog)
    dialog.category.setCurrentIndex(dialog.category.findData(IgnoreCategory.REFUND.value))
    dialog.note.setText("money back from a supplier")
    dialog.confirm()

    detail = paydesk.bank.detail(scenario.unknown)
    assert (detail.row.state, detail.row.category) == (TransactionState.IGNORED, "refund")
    assert ids(view) == [scenario.stray]
    view.set_state_filter(TransactionState.IGNORED)
    view.select(scenario.unknown)
    assert view.detail.outcome.text() == "Ignored: Refund — money back from a supplier"
    press(qtbot, view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert paydesk.bank.detail(scenario.unknown).row.state is TransactionState.UNMATCHED
    assert [e.action for e in paydesk.audit.entries("bank_transaction", scenario.unknown)][:2] == [
        "bank.restored", "bank.ignored"]


# --- statements that do not add up ---------------------------------------------------------------

def test_a_statement_that_does_not_add_up_shows_a_banner_until_accepted(qtbot, paydesk, tasks, shown) -> None:
    import_camt(paydesk, tx("10.00", "Someone"), statement_id="STMT-77", off_by="5.00")
    view = open_view(qtbot, paydesk, tasks)
    assert view.banner.isVisible()
    [(summary, label, button)] = view.banner.rows
    assert "STMT-77" in label.text() and ACCOUNT in label.text() and "does not add up" in label.text()
    assert "5.00" in label.text()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert not view.banner.isVisible()
    assert paydesk.statements.statements(only_unaccepted_problems=True) == []
    assert [e.action for e in paydesk.audit.entries("bank_statement", summary.id)] == ["statement.accepted"]


# --- large statements -----------------------------------------------------------------------------

def test_twenty_thousand_transactions_open_at_once_and_rows_are_read_only_when_shown(qtbot, paydesk, tasks, shown) -> None:
    transactions = [BankTransaction(TODAY - timedelta(days=n % 300), Decimal(10 + n % 5000) + Decimal("0.25"), "EUR",
                                    counterparty_name=f"Payer {n % 977}", remittance=f"Payment {n}",
                                    bank_reference=f"BIG{n}") for n in range(20_000)]
    [report] = paydesk.statements.import_file("big.xml", write_camt053(None, ACCOUNT, "EUR", transactions, Decimal(0)))
    assert report.imported == 20_000

    started = time.perf_counter()
    view = open_view(qtbot, paydesk, tasks)
    view.set_state_filter(TransactionState.UNMATCHED)
    qtbot.wait(10)
    elapsed = time.perf_counter() - started

    assert view.model.rowCount() == 20_000
    assert tab_texts(view)[1] == "Unmatched (20,000)"
    assert view.source.rows_read <= 2 * view.model.PAGE  # only what is on screen was built
    assert elapsed < 3.0, f"opening took {elapsed:.2f} s"
    view.select_row(15_000)  # jumping far down reads one more page, not everything before it
    assert view.source.rows_read <= 3 * view.model.PAGE
    assert view.detail.detail is not None and view.detail.detail.row.id == view.model.id_at(15_000)
