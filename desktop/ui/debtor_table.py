"""The Debtors page's table: one row per customer and currency, its columns, and a model that holds
the pages read so far. The view reads the pages in the background: the model asks for them
(``fetch_requested`` when the table scrolls to the end, ``reload_requested`` when a header is
clicked, since the overview sorts in SQL) and is given them with ``set_page``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop.domain.debtors import DebtorColumn, DebtorPage, DebtorRow, DebtorSort, LastAction, NextAction
from desktop.ui.formatting import date_text, money, number
from desktop.ui.lazy_table import Column, header_data

OVERDUE = QColor("#c62828")
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _tr(text: str) -> str:
    return QCoreApplication.translate("DebtorTable", text)


def next_action_text(row: DebtorRow) -> str:
    if row.next_action is None or row.next_action_on is None:
        return ""
    what = {NextAction.PROMISE: _tr("Promise"), NextAction.FOLLOW_UP: _tr("Follow-up"),
            NextAction.REMINDER: _tr("Reminder")}[row.next_action]
    return _tr("{what}, {day}").format(what=what, day=date_text(row.next_action_on))


def last_action_text(row: DebtorRow) -> str:
    if row.last_action is None or row.last_action_on is None:
        return ""
    what = {LastAction.REMINDER: _tr("Reminder"), LastAction.NOTE: _tr("Note"), LastAction.CALL: _tr("Call"),
            LastAction.PAYMENT: _tr("Payment")}[row.last_action]
    return _tr("{what}, {day}").format(what=what, day=date_text(row.last_action_on))


def _amount(get: Callable[[DebtorRow], Decimal]) -> Callable[[DebtorRow], str]:
    def text(row: DebtorRow) -> str:
        value = get(row)
        return money(value, row.currency) if value else ""

    return text


def _red(get: Callable[[DebtorRow], Decimal]) -> Callable[[DebtorRow], QColor | None]:
    return lambda row: OVERDUE if get(row) > 0 else None


def debtor_columns() -> list[Column[DebtorRow]]:
    def yes(flag: bool) -> str:
        return _tr("Yes") if flag else ""

    c = DebtorColumn
    return [
        Column(_tr("Number"), lambda r: r.customer_number, c.CUSTOMER_NUMBER),
        Column(_tr("Customer"), lambda r: r.customer_name, c.CUSTOMER_NAME),
        Column(_tr("Currency"), lambda r: r.currency, c.CURRENCY),
        Column(_tr("Open balance"), _amount(lambda r: r.open_balance), c.OPEN_BALANCE, align_right=True),
        Column(_tr("Overdue"), _amount(lambda r: r.overdue), c.OVERDUE, align_right=True, foreground=_red(lambda r: r.overdue)),
        Column(_tr("Not yet due"), _amount(lambda r: r.not_due), c.NOT_DUE, align_right=True),
        Column(_tr("1-30 days"), _amount(lambda r: r.days_1_30), c.DAYS_1_30, align_right=True,
               foreground=_red(lambda r: r.days_1_30)),
        Column(_tr("31-60 days"), _amount(lambda r: r.days_31_60), c.DAYS_31_60, align_right=True,
               foreground=_red(lambda r: r.days_31_60)),
        Column(_tr("61-90 days"), _amount(lambda r: r.days_61_90), c.DAYS_61_90, align_right=True,
               foreground=_red(lambda r: r.days_61_90)),
        Column(_tr("Over 90 days"), _amount(lambda r: r.days_over_90), c.DAYS_OVER_90, align_right=True,
               foreground=_red(lambda r: r.days_over_90)),
        Column(_tr("Credit"), _amount(lambda r: r.credit), c.CREDIT, align_right=True),
        Column(_tr("Level"), lambda r: r.level_name if r.level else "", c.LEVEL),
        Column(_tr("On hold"), lambda r: yes(r.on_hold), c.ON_HOLD),
        Column(_tr("Disputed"), lambda r: yes(r.disputed), c.DISPUTED),
        Column(_tr("Promised"), lambda r: date_text(r.promised_on), c.PROMISED_ON),
        Column(_tr("Last action"), last_action_text, c.LAST_ACTION_ON),
        Column(_tr("Next action"), next_action_text, c.NEXT_ACTION_ON),
        Column(_tr("Days late (12 m)"), lambda r: "" if r.avg_days_late_12m is None else number(r.avg_days_late_12m),
               c.AVG_DAYS_LATE, align_right=True),
        Column(_tr("Credit limit"), lambda r: "" if r.credit_limit is None else money(r.credit_limit, r.currency),
               c.CREDIT_LIMIT, align_right=True),
        Column(_tr("Limit used"), lambda r: "" if r.credit_used_pct is None else f"{number(r.credit_used_pct)} %",
               c.CREDIT_USED, align_right=True, foreground=lambda r: OVERDUE if r.over_limit else None),
    ]


SAMPLES = ("K-00000", "", "Currency", "000,000.00", "000,000.00", "000,000.00", "000,000.00", "000,000.00",
           "000,000.00", "000,000.00", "00,000.00", "Second reminder", "On hold", "Disputed", "Nov 30, 2026",
           "Reminder, Nov 30, 2026", "Follow-up, Nov 30, 2026", "000.0", "000,000.00", "000.0 %")


class DebtorTableModel(QAbstractTableModel):
    """The rows read so far of ``total_count``.

    Signals:
        fetch_requested: (offset) the table wants the next page.
        reload_requested: the sort changed: read from the first page again.
    """

    fetch_requested = Signal(int)
    reload_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = debtor_columns()
        self._rows: list[DebtorRow] = []
        self._total = 0
        self._fetching = False
        self._sort = DebtorSort()
        self.page: DebtorPage | None = None  # the last page read (its totals are those of every matching row)

    @property
    def debtor_sort(self) -> DebtorSort:
        return self._sort

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        column = next(n for n, c in enumerate(self._columns) if c.sort_key == self._sort.column)
        return column, Qt.SortOrder.DescendingOrder if self._sort.descending else Qt.SortOrder.AscendingOrder

    def set_page(self, page: DebtorPage, offset: int) -> None:
        """The rows from ``offset`` on: 0 replaces everything, else they are appended."""
        self._fetching = False
        self.page = page
        if offset == 0:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._total = page.total_count
            self.endResetModel()
            return
        if offset != len(self._rows):
            return  # a page for an older list
        self._total = page.total_count
        if page.rows:
            self.beginInsertRows(_ROOT, len(self._rows), len(self._rows) + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    def item(self, row: int) -> DebtorRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def total_count(self) -> int:
        return self._total

    # --- Qt's model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._columns[index.column()].cell(self._rows[index.row()], role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self._columns, section, orientation, role)

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.fetch_requested.emit(len(self._rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or self._columns[column].sort_key is None:
            return
        wanted = DebtorSort(DebtorColumn(self._columns[column].sort_key), order == Qt.SortOrder.DescendingOrder)
        if wanted == self._sort:
            return
        self._sort = wanted
        self.reload_requested.emit()
