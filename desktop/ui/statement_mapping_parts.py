"""The pieces of the statement mapping dialog: the preview table's model, the column picker, the whole-file check.

``WholeFileCheck`` reads a file with a mapping on a worker thread and reports through a
``Checked`` object living on the UI thread (queued to the dialog).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRunnable, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.domain.bank import BankTransaction
from desktop.domain.column_mapping import Column, ColumnMapping
from desktop.services.statement_files import preview_mapping
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.formatting import date_text, money

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
PREVIEW_ROWS = 50
_NEGATIVE = QColor(ERROR_COLOR)


class PreviewModel(QAbstractTableModel):
    """The first transactions as Paydesk reads them with the current mapping."""

    DATE, VALUE_DATE, AMOUNT, CURRENCY, COUNTERPARTY, IBAN, TEXT = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BankTransaction] = []
        self._titles = [self.tr("Booking date"), self.tr("Value date"), self.tr("Amount"), self.tr("Currency"),
                        self.tr("Counterparty"), self.tr("IBAN"), self.tr("Text")]

    def set_transactions(self, transactions: list[BankTransaction]) -> None:
        self.beginResetModel()
        self._rows = transactions[:PREVIEW_ROWS]
        self.endResetModel()

    def transaction(self, row: int) -> BankTransaction:
        return self._rows[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._titles)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        t, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (date_text(t.booking_date), date_text(t.value_date), money(t.amount, t.currency), t.currency,
                      t.counterparty_name, t.counterparty_iban, " ".join(p for p in (t.remittance, t.structured_reference) if p))
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            return t.remittance
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.AMOUNT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column == self.AMOUNT and t.amount < 0:
            return _NEGATIVE
        return None


class Checked(QObject):
    """Signals:
        finished: (generation, the ParsedFile or the exception) of a whole-file check.
    """

    finished = Signal(int, object)


class WholeFileCheck(QRunnable):
    """Reads the whole file with a mapping on a worker thread."""

    def __init__(self, generation: int, file_name: str, data: bytes, mapping: ColumnMapping, signals: Checked) -> None:
        super().__init__()
        self._generation, self._file_name, self._data, self._mapping = generation, file_name, data, mapping
        self._signals = signals

    def run(self) -> None:
        try:
            result: object = preview_mapping(self._file_name, self._data, self._mapping)
        except BaseException as error:
            result = error
        self._signals.finished.emit(self._generation, result)


class ColumnCombo(QComboBox):
    """Picks one of the file's columns (or none); keeps its choice by name when the columns change."""

    def __init__(self, none_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._none_text = none_text
        self._names: tuple[str, ...] = ()
        self._has_header = True
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)

    def set_columns(self, names: tuple[str, ...], has_header: bool, labels: list[str]) -> None:
        chosen = self.column()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._none_text, None)
        for index, label in enumerate(labels):
            self.addItem(label, index)
        self._names, self._has_header = names, has_header
        self.select(chosen)
        self.blockSignals(False)

    def column(self) -> Column | None:
        index = self.currentData()
        if index is None:
            return None
        name = self._names[index] if self._has_header and index < len(self._names) else ""
        return Column(name, index)

    def select(self, column: Column | None) -> None:
        position = 0
        if column is not None:
            by_name = [n for n, name in enumerate(self._names) if column.name and name == column.name]
            if self._has_header and by_name:
                position = (column.index if column.index in by_name else by_name[0]) + 1
            elif 0 <= column.index < len(self._names):
                position = column.index + 1
        self.setCurrentIndex(position)
