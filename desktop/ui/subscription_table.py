"""The subscription list's rows and table model: customer, name, plan (its amount per period; the
lines in the tooltip), interval, timing, state, next invoice date and how invoices go out; filtered
by state and text, sortable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.domain.subscriptions import PlanLine, Subscription, SubscriptionId, SubscriptionState
from desktop.services.paydesk import Paydesk
from desktop.ui.formatting import date_text, money_with_currency, number
from desktop.ui.subscription_texts import (
    interval_text,
    per_interval,
    plan_totals,
    sending_text,
    state_text,
    timing_text,
)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
CUSTOMER, NAME, PLAN, INTERVAL, TIMING, STATE, NEXT, SENDING = range(8)


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    sub: Subscription
    state: SubscriptionState
    months: int
    lines: tuple[PlanLine, ...]  # the plan on show: today's, or the one to resume with
    amount: Decimal  # one full period of the plan on show, VAT included
    next_invoice: date | None  # the day the run makes the next invoice; None: nothing left to bill

    @property
    def id(self) -> SubscriptionId:
        assert self.sub.id is not None
        return self.sub.id

    def matches(self, text: str) -> bool:
        words = (self.sub.customer_name, self.sub.customer_number, self.sub.name, *(line.description for line in self.lines))
        return text.casefold() in " ".join(words).casefold()


def load_rows(paydesk: Paydesk) -> list[SubscriptionRow]:
    """Every subscription with its state today and the day its next invoice is made (kept by the store:
    one query for the whole list)."""
    today = paydesk.today()
    rows: list[SubscriptionRow] = []
    for sub in paydesk.subscriptions.list():
        state = sub.state_on(today)
        term = sub.term_on(today)
        lines = term.lines or sub.lines
        rows.append(SubscriptionRow(sub, state, term.interval_months, lines, plan_totals(lines, sub.currency).total,
                                    sub.next_invoice))
    return rows


class SubscriptionTableModel(QAbstractTableModel):
    """All rows are kept; ``set_filter`` chooses the ones on show, ``sort`` orders them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[SubscriptionRow] = []
        self._rows: list[SubscriptionRow] = []
        self._state: SubscriptionState | None = None
        self._text = ""
        self._sort = (CUSTOMER, Qt.SortOrder.AscendingOrder)
        self.sort_state = self._sort
        self._titles = (self.tr("Customer"), self.tr("Name"), self.tr("Plan"), self.tr("Interval"), self.tr("Timing"),
                        self.tr("State"), self.tr("Next invoice"), self.tr("Invoices"))

    # --- rows ---------------------------------------------------------------------------------
    def set_rows(self, rows: list[SubscriptionRow]) -> None:
        self._all = rows
        self._apply()

    def set_filter(self, state: SubscriptionState | None, text: str) -> None:
        self._state, self._text = state, text.strip()
        self._apply()

    def filtering(self) -> bool:
        return self._state is not None or bool(self._text)

    def total(self) -> int:
        return len(self._all)

    def _apply(self) -> None:
        self.beginResetModel()
        self._rows = [r for r in self._all if (self._state is None or r.state is self._state)
                      and (not self._text or r.matches(self._text))]
        self._rows.sort(key=lambda r: self._key(r, self._sort[0]), reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def row_at(self, row: int) -> SubscriptionRow:
        return self._rows[row]

    def row_of(self, sub_id: SubscriptionId) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == sub_id), None)

    def texts(self, row: int) -> list[str]:
        return [self._text_of(self._rows[row], column) for column in range(len(self._titles))]

    # --- Qt's model interface -----------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._titles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text_of(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if index.column() == PLAN else Qt.AlignmentFlag.AlignLeft
            return side | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._titles):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._titles[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                side = Qt.AlignmentFlag.AlignRight if section == PLAN else Qt.AlignmentFlag.AlignLeft
                return side | Qt.AlignmentFlag.AlignVCenter
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.sort_state = self._sort
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=lambda r: self._key(r, column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    # --- inside -------------------------------------------------------------------------------
    def _text_of(self, row: SubscriptionRow, column: int) -> str:
        sub = row.sub
        if column == CUSTOMER:
            return sub.customer_name
        if column == NAME:
            return sub.name
        if column == PLAN:
            return self.tr("{amount} {per}").format(amount=money_with_currency(row.amount, sub.currency),
                                                    per=per_interval(row.months))
        if column == INTERVAL:
            return interval_text(row.months)
        if column == TIMING:
            return timing_text(sub.timing)
        if column == STATE:
            return self._state_text(row)
        if column == NEXT:
            return date_text(row.next_invoice) if row.next_invoice else self.tr("—")
        if column == SENDING:
            return sending_text(sub.auto_send)
        return ""

    def _tooltip(self, row: SubscriptionRow, column: int) -> str:
        if column == PLAN:
            lines = "\n".join(self.tr("{quantity} × {description}").format(quantity=number(line.quantity),
                                                                          description=line.description) for line in row.lines)
            return self.tr("{summary}, VAT included:\n{lines}").format(summary=self._text_of(row, PLAN), lines=lines)
        if column == CUSTOMER:
            return self.tr("{name} ({number})").format(name=row.sub.customer_name, number=row.sub.customer_number)
        return self._text_of(row, column)

    def _state_text(self, row: SubscriptionRow) -> str:
        text = state_text(row.state)
        if row.state is SubscriptionState.SCHEDULED:
            return self.tr("{state}, from {day}").format(state=text, day=date_text(row.sub.start))
        if row.state is not SubscriptionState.ENDED and row.sub.end is not None:
            return self.tr("{state} until {day}").format(state=text, day=date_text(row.sub.end))
        return text

    def _key(self, row: SubscriptionRow, column: int) -> Any:
        if column == PLAN:
            return (row.sub.currency, row.amount)
        if column == NEXT:
            return row.next_invoice or date.max
        if column == STATE:
            return list(SubscriptionState).index(row.state)
        return self._text_of(row, column).casefold()
