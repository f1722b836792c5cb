"""The invoice editor's lines as an editable table.

Numbers are kept as the user typed them until they parse: a cell with text that is not a number
shows that text with a red background and a tooltip, and the line cannot be saved. Errors the
services report (``ValidationError.fields`` such as ``lines[2].description``) are shown the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop.domain.invoice import InvoiceLine
from desktop.domain.money import ZERO, precision
from desktop.ui.formatting import money, number, parse_decimal, ui_locale

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

DESCRIPTION, QUANTITY, UNIT, UNIT_PRICE, DISCOUNT, VAT_RATE, AMOUNT = range(7)
NUMERIC = (QUANTITY, UNIT_PRICE, DISCOUNT, VAT_RATE)
FIELD_NAMES = ("description", "quantity", "unit", "unit_price", "discount", "vat_rate", "amount")
"""The names ``ValidationError.fields`` uses for each column (``lines[0].unit_price``)."""
QUANTITY_PLACES = 3  # the store keeps thousandths
PERCENT_PLACES = 2  # the store keeps basis points
ERROR_BACKGROUND = QColor("#ffebee")
_FIELD_KEY = re.compile(r"^lines\[(\d+)\]\.(\w+)$")

Number = Decimal | str  # str: what the user typed when it is not a number


@dataclass(slots=True)
class _Row:
    description: str = ""
    unit: str = ""
    numbers: dict[int, Number] = field(default_factory=dict)

    @classmethod
    def of(cls, line: InvoiceLine) -> _Row:
        return cls(line.description, line.unit, {
            QUANTITY: line.quantity, UNIT_PRICE: line.unit_price, DISCOUNT: line.discount_percent, VAT_RATE: line.vat_rate,
        })

    def line(self) -> InvoiceLine | None:
        """The line, or None while a number in it does not parse."""
        values = [self.numbers[c] for c in NUMERIC]
        if not all(isinstance(v, Decimal) for v in values):
            return None
        quantity, price, discount, vat = (Decimal(v) for v in values)
        return InvoiceLine(self.description.strip(), quantity, price, vat, discount, self.unit.strip())

    def untouched(self) -> bool:
        return not self.description.strip() and not self.unit.strip() and self.numbers[UNIT_PRICE] == ZERO


class InvoiceLinesModel(QAbstractTableModel):
    """Signals:
        edited: a line was changed, added or removed (totals need computing again).
    """

    edited = Signal()

    def __init__(self, currency: str, lines: list[InvoiceLine] | None = None, *, read_only: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._currency = currency
        self._read_only = read_only
        self._rows = [_Row.of(line) for line in lines or []]
        self._errors: dict[tuple[int, int], str] = {}
        self._titles = (self.tr("Description"), self.tr("Quantity"), self.tr("Unit"), self.tr("Unit price"),
                        self.tr("Discount %"), self.tr("VAT %"), self.tr("Amount"))

    # --- reading and changing the lines ------------------------------------------------------
    @property
    def currency(self) -> str:
        return self._currency

    def set_currency(self, currency: str) -> None:
        self._currency = currency
        if self._rows:
            self.dataChanged.emit(self.index(0, UNIT_PRICE), self.index(len(self._rows) - 1, AMOUNT))
        self.edited.emit()

    def add_line(self) -> int:
        """Append an empty line with the previous line's VAT rate; returns its row."""
        vat = self._rows[-1].numbers[VAT_RATE] if self._rows else ZERO
        row = len(self._rows)
        self.beginInsertRows(_ROOT, row, row)
        self._rows.append(_Row(numbers={QUANTITY: Decimal(1), UNIT_PRICE: ZERO, DISCOUNT: ZERO,
                                        VAT_RATE: vat if isinstance(vat, Decimal) else ZERO}))
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._rows):
                self.beginRemoveRows(_ROOT, row, row)
                del self._rows[row]
                self.endRemoveRows()
        self._errors.clear()
        self.edited.emit()

    def input_problems(self) -> dict[str, str]:
        """Cells whose text is not a number the invoice can hold (already marked in the table), for a summary.

        Keys are ``lines[r].<field>``, like ``ValidationError.fields``."""
        problems: dict[str, str] = {}
        for row in range(len(self._rows)):
            for column in NUMERIC:
                problem = self._cell_problem(row, column)
                if problem:
                    problems[f"lines[{row}].{FIELD_NAMES[column]}"] = problem
        return problems

    def _cell_problem(self, row: int, column: int) -> str | None:
        if column not in NUMERIC:
            return None
        value = self._rows[row].numbers[column]
        if isinstance(value, str):
            return self.tr("Line {n}: “{text}” is not a number.").format(n=row + 1, text=value)
        places = {QUANTITY: QUANTITY_PLACES, UNIT_PRICE: self._price_places(), DISCOUNT: PERCENT_PLACES,
                  VAT_RATE: PERCENT_PLACES}[column]
        if value != value.quantize(Decimal(1).scaleb(-places)):
            return self.tr("Line {n}: {what} can have at most {places} decimals.").format(
                n=row + 1, what=self._titles[column].lower(), places=places)
        return None

    def drop_blank_lines(self) -> None:
        """Remove lines added but never filled in, so that line numbers match what is saved."""
        blank = [n for n, row in enumerate(self._rows) if row.untouched()]
        if blank:
            self.remove_rows(blank)

    def lines(self) -> list[InvoiceLine]:
        """One line per row, in order. A cell with an input problem counts as a neutral value (quantity 1,
        otherwise 0) so the rest can still be checked; ``input_problems()`` keeps such lines from being saved."""
        lines: list[InvoiceLine] = []
        for row_index, row in enumerate(self._rows):
            values = {c: self._checked_value(row_index, c) for c in NUMERIC}
            lines.append(InvoiceLine(row.description.strip(), values[QUANTITY], values[UNIT_PRICE], values[VAT_RATE],
                                     values[DISCOUNT], row.unit.strip()))
        return lines

    def _checked_value(self, row: int, column: int) -> Decimal:
        value = self._rows[row].numbers[column]
        if isinstance(value, Decimal) and self._cell_problem(row, column) is None:
            return value
        return Decimal(1) if column == QUANTITY else ZERO

    def preview_lines(self) -> list[InvoiceLine]:
        """The lines that parse, for live totals while the user types."""
        return [line for line in (row.line() for row in self._rows) if line is not None]

    def _price_places(self) -> int:
        return precision(self._currency) if len(self._currency) == 3 and self._currency.isalpha() else 2

    # --- errors -------------------------------------------------------------------------------
    def set_errors(self, fields: dict[str, str]) -> dict[str, str]:
        """Mark the cells named in ``fields`` (``lines[i].name``: row i). Returns the messages it placed."""
        self._errors.clear()
        shown: dict[str, str] = {}
        for key, message in fields.items():
            match = _FIELD_KEY.match(key)
            if not match or match.group(2) not in FIELD_NAMES:
                continue
            self._errors[(int(match.group(1)), FIELD_NAMES.index(match.group(2)))] = message
            shown[key] = message
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, AMOUNT))
        return shown

    def error_at(self, row: int, column: int) -> str | None:
        return self._errors.get((row, column))

    # --- Qt's model interface -----------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(FIELD_NAMES)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._read_only or index.column() == AMOUNT:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if column in (*NUMERIC, AMOUNT) else Qt.AlignmentFlag.AlignLeft
            return side | Qt.AlignmentFlag.AlignVCenter
        error = self._errors.get((index.row(), column)) or self._cell_problem(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return ERROR_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole and error:
            return error
        return None

    def _display(self, row: _Row, column: int) -> str:
        if column == DESCRIPTION:
            return row.description
        if column == UNIT:
            return row.unit
        if column == AMOUNT:
            line = row.line()
            return money(line.net(self._currency), self._currency) if line is not None and self._price_ok() else ""
        value = row.numbers[column]
        if isinstance(value, str):
            return value
        if column == UNIT_PRICE:
            return money(value, self._currency) if self._price_ok() else number(value)
        return number(value)

    def _price_ok(self) -> bool:
        return len(self._currency) == 3 and self._currency.isalpha()

    def _edit_text(self, row: _Row, column: int) -> str:
        if column == DESCRIPTION:
            return row.description
        if column == UNIT:
            return row.unit
        if column == AMOUNT:
            return self._display(row, column)
        value = row.numbers[column]
        if isinstance(value, str):
            return value
        return format_decimal(value, format="0.##########", locale=ui_locale())

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row, column = self._rows[index.row()], index.column()
        text = "" if value is None else str(value)
        if column == DESCRIPTION:
            row.description = text
        elif column == UNIT:
            row.unit = text
        else:
            try:
                row.numbers[column] = parse_decimal(text) if text.strip() else ZERO
            except ValueError:
                row.numbers[column] = text.strip()
        self._errors.pop((index.row(), column), None)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), AMOUNT))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._titles):
                return self._titles[section]
            if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
                return str(section + 1)
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            side = Qt.AlignmentFlag.AlignRight if section in (*NUMERIC, AMOUNT) else Qt.AlignmentFlag.AlignLeft
            return side | Qt.AlignmentFlag.AlignVCenter
        return None
