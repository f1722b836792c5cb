"""A newest-first list read a page at a time, as in Qt's "Fetch More" example.

For lists whose service answers "the first ``limit`` rows" (payments, the audit log): the view asks
for more when it scrolls to the end, and the model asks the service for a longer prefix, keeping only
rows it does not have yet. The columns are ``lazy_table.Column``s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.ui.lazy_table import Column, header_data

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class PagedListModel(QAbstractTableModel, Generic[R]):
    """``fetch(limit)`` returns the newest ``limit`` rows; ``key(row)`` is a row's unique id."""

    PAGE = 200

    def __init__(self, columns: list[Column[R]], fetch: Callable[[int], list[R]], key: Callable[[R], int],
                 parent: QObject | None = None, page: int = PAGE) -> None:
        super().__init__(parent)
        self._columns = columns
        self._fetch = fetch
        self._key = key
        self._page = page
        self._rows: list[R] = []
        self._more = False

    # --- the list ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read again, as many rows as were loaded (at least a page), after a change or a new filter."""
        limit = max(self._page, len(self._rows))
        rows = self._fetch(limit)
        self.beginResetModel()
        self._rows = rows
        self._more = len(rows) >= limit
        self.endResetModel()

    def item(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if self._key(r) == key), None)

    def has_more(self) -> bool:
        return self._more

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or not self._more:
            return
        limit = len(self._rows) + self._page
        rows = self._fetch(limit)
        known = {self._key(r) for r in self._rows}
        new = [r for r in rows if self._key(r) not in known]
        self._more = len(rows) >= limit
        if new:
            self.beginInsertRows(_ROOT, len(self._rows), len(self._rows) + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()

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
