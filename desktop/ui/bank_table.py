"""The bank review list: its columns, and where its rows come from (filtered and sorted in SQL).

Only ids are read for the whole list; ``LazyTableModel`` builds rows page by page as they are
shown, so a statement of 20,000 transactions opens as fast as one of 20.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QColor

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.listing import TransactionFilter, TransactionSort
from desktop.services.bank_review import BankReviewService, TransactionRow
from desktop.ui.formatting import date_text, money
from desktop.ui.lazy_table import Column, LazyTableModel

OUTGOING = QColor("#c62828")
MUTED = QColor("#757575")
MATCHED = QColor("#2e7d32")
REVIEW = QColor("#a15c00")
DATE_COLUMN = 0


def _tr(text: str) -> str:
    return QCoreApplication.translate("BankTable", text)


def state_text(state: TransactionState) -> str:
    texts = {
        TransactionState.UNMATCHED: QCoreApplication.translate("TransactionState", "Unmatched"),
        TransactionState.REVIEW: QCoreApplication.translate("TransactionState", "Needs review"),
        TransactionState.MATCHED: QCoreApplication.translate("TransactionState", "Matched"),
        TransactionState.IGNORED: QCoreApplication.translate("TransactionState", "Ignored"),
    }
    return texts[state]


def category_text(category: IgnoreCategory | str | None) -> str:
    texts = {
        IgnoreCategory.OUTGOING: QCoreApplication.translate("IgnoreCategory", "Outgoing payment"),
        IgnoreCategory.REFUND: QCoreApplication.translate("IgnoreCategory", "Refund"),
        IgnoreCategory.BANK_FEE: QCoreApplication.translate("IgnoreCategory", "Bank fee"),
        IgnoreCategory.PROVIDER_PAYOUT: QCoreApplication.translate("IgnoreCategory", "Payment provider payout"),
        IgnoreCategory.SALARY: QCoreApplication.translate("IgnoreCategory", "Salary"),
        IgnoreCategory.TAX: QCoreApplication.translate("IgnoreCategory", "Tax"),
        IgnoreCategory.INTERNAL: QCoreApplication.translate("IgnoreCategory", "Internal transfer"),
        IgnoreCategory.OTHER: QCoreApplication.translate("IgnoreCategory", "Other"),
    }
    if not category:
        return ""
    try:
        return texts[IgnoreCategory(category)]
    except ValueError:
        return str(category)


class TransactionSource:
    """The rows of the review list; ``filter`` is what the state tabs and the search box ask for."""

    def __init__(self, bank: BankReviewService) -> None:
        self._bank = bank
        self.filter = TransactionFilter(states=frozenset({TransactionState.REVIEW.value}))
        self.rows_read = 0  # how many rows were built so far (the lazy list's promise, checked by tests)

    def ids(self, sort_key: str, descending: bool) -> list[int]:
        return self._bank.search(self.filter, TransactionSort(sort_key or TransactionSort.BOOKING_DATE), descending)

    def rows(self, ids: list[int]) -> dict[int, TransactionRow]:
        found = self._bank.rows(ids)
        self.rows_read += len(found)
        return found


def reference_text(row: TransactionRow) -> str:
    """The remittance text, with the structured creditor reference first where there is one."""
    parts = [p for p in (row.structured_reference, row.remittance) if p]
    return " · ".join(parts)


def outcome_text(row: TransactionRow) -> str:
    """What the transaction was booked to, or what Paydesk suggests, or why it is ignored."""
    customer = row.customer_name
    if row.state is TransactionState.MATCHED:
        booked = ", ".join(row.invoices) if row.invoices else _tr("credit")
        return f"{booked} — {customer}" if customer else booked
    if row.state is TransactionState.IGNORED:
        category = category_text(row.category)
        return f"{category}: {row.note}" if category and row.note else category or row.note
    if row.suggested:
        invoices = ", ".join(row.suggested)
        return _tr("Suggested: {invoices} — {customer}").format(invoices=invoices, customer=customer) if customer else invoices
    if customer:
        return _tr("Suggested: {customer}").format(customer=customer)
    return ""


def transaction_columns() -> list[Column[TransactionRow]]:
    def amount_color(row: TransactionRow) -> QColor | None:
        return OUTGOING if row.amount < 0 else None

    def state_color(row: TransactionRow) -> QColor | None:
        colors = {TransactionState.MATCHED: MATCHED, TransactionState.REVIEW: REVIEW, TransactionState.IGNORED: MUTED}
        return colors.get(row.state)

    def outcome_color(row: TransactionRow) -> QColor | None:
        return None if row.state is TransactionState.MATCHED else MUTED

    def score(row: TransactionRow) -> str:
        return str(row.score) if row.score and row.state is not TransactionState.IGNORED else ""

    return [
        Column(_tr("Booked"), lambda r: date_text(r.booking_date), TransactionSort.BOOKING_DATE),
        Column(_tr("Amount"), lambda r: f"{money(r.amount, r.currency)} {r.currency}", TransactionSort.AMOUNT,
               align_right=True, foreground=amount_color),
        Column(_tr("Counterparty"), lambda r: r.counterparty_name, TransactionSort.COUNTERPARTY),
        Column(_tr("IBAN"), lambda r: r.counterparty_iban, None, foreground=lambda _r: MUTED),
        Column(_tr("Remittance / reference"), reference_text, None),
        Column(_tr("State"), lambda r: state_text(r.state), TransactionSort.STATE, foreground=state_color),
        Column(_tr("Booked to / suggestion"), outcome_text, None, foreground=outcome_color),
        Column(_tr("Score"), score, TransactionSort.SCORE, align_right=True),
    ]


def transaction_model(source: TransactionSource, parent: QObject) -> LazyTableModel[TransactionRow]:
    """Newest booking first, until the user clicks another header."""
    return LazyTableModel(transaction_columns(), source, DATE_COLUMN, descending=True, parent=parent)
