"""A table over many rows that stays instant: the source answers the filtered, sorted list of
ids in SQL, and rows are built page by page only when the view shows them (as Anki's browser does).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class RowSource(Protocol[R_co]):
    """Where the rows come from. The filter lives in the source; the model asks for sorting."""

    def ids(self, sort_key: str, descending: bool) -> list[int]: ...

    def rows(self, ids: list[int]) -> Mapping[int, R_co]: ...


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: str | None = None  # None: not sortable
    align_right: bool = False
    foreground: Callable[[R], Any] | None = None  # a QColor/QBrush or None

    def alignment(self) -> Qt.AlignmentFlag:
        side = Qt.AlignmentFlag.AlignRight if self.align_right else Qt.AlignmentFlag.AlignLeft
        return side | Qt.AlignmentFlag.AlignVCenter

    def cell(self, item: R, role: int) -> Any:
        """What a model answers for ``item`` in this column (text, tooltip, colour, alignment)."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(item)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(item) if self.foreground else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment()
        return None


def header_data(columns: Sequence[Column[Any]], section: int, orientation: Qt.Orientation, role: int) -> Any:
    """``headerData`` for a model whose columns are ``Column``s."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return columns[section].title
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return columns[section].alignment()
    return None


class LazyTableModel(QAbstractTableModel, Generic[R]):
    PAGE = 200
    CACHE_ROWS = 5000

    def __init__(self, columns: list[Column[R]], source: RowSource[R], default_sort: int,
                 descending: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._source = source
        self._loaded = False
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # id -> row, built when first needed
        self._cache: OrderedDict[int, R] = OrderedDict()
        self._sort_column = default_sort
        self._descending = descending

    # --- the list ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the source again (after a filter or data change); rows are rebuilt on demand."""
        key = self._columns[self._sort_column].sort_key or ""
        ids = self._source.ids(key, self._descending)
        self.beginResetModel()
        self._loaded = True
        self._ids = ids
        self._rows = None
        self._cache.clear()
        self.endResetModel()

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, item_id: int) -> int | None:
        if self._rows is None:
            self._rows = {item_id: row for row, item_id in enumerate(self._ids)}
        return self._rows.get(item_id)

    def items(self, rows: list[int]) -> list[R]:
        """The rows' items, reading the missing ones in one go (for a large selection)."""
        wanted = [self._ids[row] for row in rows if 0 <= row < len(self._ids)]
        missing = [item_id for item_id in wanted if item_id not in self._cache]
        loaded = self._source.rows(missing) if missing else {}
        found = [loaded.get(item_id) or self._cache.get(item_id) for item_id in wanted]
        return [item for item in found if item is not None]

    def item(self, row: int) -> R | None:
        if not 0 <= row < len(self._ids):
            return None
        item_id = self._ids[row]
        found = self._cache.get(item_id)
        if found is None:
            self._load_page(row)
            found = self._cache.get(item_id)
        return found

    def forget(self, ids: list[int]) -> None:
        """Drop cached rows so they are read again (after an edit) and repaint them."""
        for item_id in ids:
            self._cache.pop(item_id, None)
            row = self.row_of(item_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def _load_page(self, row: int) -> None:
        start = (row // self.PAGE) * self.PAGE
        page = self._ids[start:start + self.PAGE]
        self._cache.update(self._source.rows(page))
        while len(self._cache) > self.CACHE_ROWS:
            self._cache.popitem(last=False)

    # --- Qt's model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment()
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        item = self.item(index.row())
        return None if item is None else column.cell(item, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self._columns, section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or self._columns[column].sort_key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded and (column, descending) == (self._sort_column, self._descending):
            return  # already in this order (the view asks again when sorting is switched on)
        ids = self._source.ids(self._columns[column].sort_key or "", descending)
        self._sort_column = column
        self._descending = descending
        if set(ids) != set(self._ids):  # the data changed meanwhile: start over
            self.beginResetModel()
            self._ids, self._rows = ids, None
            self._cache.clear()
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        moved_ids = [self._ids[index.row()] for index in old]
        self._ids, self._rows = ids, None
        self.changePersistentIndexList(old, [
            self.index(self.row_of(item_id) or 0, index.column()) for item_id, index in zip(moved_ids, old, strict=True)
        ])
        self.layoutChanged.emit()

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order
