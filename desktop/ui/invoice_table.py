"""The invoice list's columns and where its rows come from (filtered and sorted in SQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QColor

from desktop.domain.ids import InvoiceId
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.listing import InvoiceFilter, InvoiceSort
from desktop.domain.states import InvoiceKind, InvoiceStatus, is_overdue
from desktop.services.invoicing import InvoicingService
from desktop.ui.formatting import date_text, kind_text, money, status_text
from desktop.ui.lazy_table import Column, LazyTableModel

OVERDUE = QColor("#c62828")
MUTED = QColor("#757575")
ISSUED_COLUMN = 2


def _tr(text: str) -> str:
    return QCoreApplication.translate("InvoiceTable", text)


class InvoiceSource:
    """The rows of the invoice list; ``filter`` is what the filter bar asks for."""

    def __init__(self, invoices: InvoicingService) -> None:
        self._invoices = invoices
        self.filter = InvoiceFilter()

    def ids(self, sort_key: str, descending: bool) -> list[int]:
        return list(self._invoices.search(self.filter, InvoiceSort(sort_key or InvoiceSort.ISSUE_DATE), descending))

    def rows(self, ids: list[int]) -> dict[int, InvoiceSummary]:
        return {int(key): row for key, row in self._invoices.summaries([InvoiceId(i) for i in ids]).items()}


def overdue_days(s: InvoiceSummary, today: date) -> int:
    if s.kind is not InvoiceKind.INVOICE or not is_overdue(s.status, s.due_date, today):
        return 0
    return (today - s.due_date).days


def invoice_columns(today: Callable[[], date]) -> list[Column[InvoiceSummary]]:
    def muted(s: InvoiceSummary) -> QColor | None:
        return MUTED if s.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID) else None

    def red_when_overdue(s: InvoiceSummary) -> QColor | None:
        return OVERDUE if overdue_days(s, today()) else muted(s)

    def number(s: InvoiceSummary) -> str:
        return s.number or _tr("(draft)")

    def open_amount(s: InvoiceSummary) -> str:
        return money(s.open_amount, s.currency) if s.open_amount else ""

    def status(s: InvoiceSummary) -> str:
        days = overdue_days(s, today())
        if days:
            late = _tr("1 day overdue") if days == 1 else _tr("{days} days overdue").format(days=days)
            return _tr("{status}, {late}").format(status=status_text(s.status), late=late)
        if s.kind is InvoiceKind.CREDIT_NOTE:
            return kind_text(s.kind)
        return status_text(s.status)

    return [
        Column(_tr("Number"), number, InvoiceSort.NUMBER, foreground=muted),
        Column(_tr("Customer"), lambda s: s.customer_name, InvoiceSort.CUSTOMER, foreground=muted),
        Column(_tr("Issued"), lambda s: date_text(s.issue_date), InvoiceSort.ISSUE_DATE, foreground=muted),
        Column(_tr("Due"), lambda s: date_text(s.due_date), InvoiceSort.DUE_DATE, foreground=red_when_overdue),
        Column(_tr("Total"), lambda s: money(s.total, s.currency), InvoiceSort.TOTAL, align_right=True, foreground=muted),
        Column(_tr("Open"), open_amount, InvoiceSort.OPEN, align_right=True, foreground=red_when_overdue),
        Column(_tr("Currency"), lambda s: s.currency, None, foreground=muted),
        Column(_tr("Status"), status, InvoiceSort.STATUS, foreground=red_when_overdue),
    ]


def invoice_model(source: InvoiceSource, today: Callable[[], date], parent: QObject) -> LazyTableModel[InvoiceSummary]:
    """Newest first, until the user clicks another header."""
    return LazyTableModel(invoice_columns(today), source, ISSUED_COLUMN, descending=True, parent=parent)
