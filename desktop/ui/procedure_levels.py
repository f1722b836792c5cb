"""The levels of a reminder procedure as an editable table (name, day from the due date, template,
fee, yearly interest, attachments, final notice) with add, remove and move, and a problem shown
at the cell it belongs to (``levels[n].day_offset`` marks row n's day)."""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dunning.model import Level
from desktop.domain.errors import ValidationError
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.formatting import number, parse_decimal

NAME, DAY, TEMPLATE, FEE, INTEREST, ATTACH_INVOICE, ATTACH_LETTER, FINAL = range(8)
FIELD_COLUMNS = {"name": NAME, "day_offset": DAY, "template": TEMPLATE, "fee": FEE, "interest_rate": INTEREST,
                 "attach_invoice": ATTACH_INVOICE, "attach_letter": ATTACH_LETTER, "final": FINAL}
CHECK_COLUMNS = (ATTACH_INVOICE, ATTACH_LETTER, FINAL)
_LEVEL_KEY = re.compile(r"^levels\[(?P<row>\d+)\]\.(?P<field>\w+)$")
ERROR_BACKGROUND = QColor(ERROR_COLOR).lighter(185)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProcedureLevels", text)


def column_titles() -> list[str]:
    return [_tr("Name"), _tr("Day"), _tr("Template"), _tr("Fee"), _tr("Interest % a year"), _tr("Invoice PDF"),
            _tr("Letter PDF"), _tr("Final notice")]


def level_cell(key: str) -> tuple[int, int] | None:
    """``levels[2].fee`` -> (row 2, the fee column); None for a key that is not a level's field."""
    found = _LEVEL_KEY.match(key)
    if found is None or found["field"] not in FIELD_COLUMNS:
        return None
    return int(found["row"]), FIELD_COLUMNS[found["field"]]


class LevelsEditor(QWidget):
    """Edits a procedure's levels in place. ``levels()`` reads them back (raising ``ValidationError``
    for a fee or rate that is not a number); ``mark(problems)`` shows problems at their cells.

    Signals:
        edited: the user changed a level, or added, removed or moved one.
    """

    edited = Signal()

    def __init__(self, templates: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._templates = templates
        self._marks: dict[tuple[int, int], str] = {}
        self.table = QTableWidget(0, len(FIELD_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(column_titles())
        self.table.horizontalHeaderItem(DAY).setToolTip(
            self.tr("Days from the due date: 2 is two days after it, -7 a week before it."))
        self.table.horizontalHeaderItem(FINAL).setToolTip(self.tr("The last notice, announcing collection"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().setVisible(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(70)
        header.setSectionResizeMode(TEMPLATE, QHeaderView.ResizeMode.Fixed)
        widest = max((self.fontMetrics().horizontalAdvance(t) for t in templates), default=80)
        self.table.setColumnWidth(TEMPLATE, max(widest + 48, 120))
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton(self.tr("Add level"), self)
        self.add_button.clicked.connect(self.add_level)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton(self.tr("Move up"), self)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton(self.tr("Move down"), self)
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- values -----------------------------------------------------------------------------
    def set_levels(self, levels: list[Level]) -> None:
        self.clear_marks()
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            for level in levels:
                self._append(level)
        self._update_buttons()

    def levels(self) -> list[Level]:
        """The levels as entered, positions 1, 2, ...; a fee or rate that is not a number raises ``ValidationError``."""
        problems: dict[str, str] = {}
        found: list[Level] = []
        for row in range(self.table.rowCount()):
            fee = self._decimal(row, FEE, problems, self.tr("Enter an amount such as 5.00, or 0 for none."))
            rate = self._decimal(row, INTEREST, problems, self.tr("Enter a yearly rate such as 8, or 0 for none."))
            combo = self.template_combo(row)
            found.append(Level(
                position=row + 1, name=self._text(row, NAME), day_offset=self._day(row),
                template=combo.currentText().strip() if combo is not None else "", fee=fee, interest_rate=rate,
                attach_invoice=self._checked(row, ATTACH_INVOICE), attach_letter=self._checked(row, ATTACH_LETTER),
                final=self._checked(row, FINAL), id=self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole),
            ))
        if problems:
            raise ValidationError(problems)
        return found

    def template_combo(self, row: int) -> QComboBox | None:
        widget = self.table.cellWidget(row, TEMPLATE)
        return widget if isinstance(widget, QComboBox) else None

    # --- problems at the cells ----------------------------------------------------------------
    def mark(self, problems: dict[str, str]) -> list[str]:
        """Mark each level problem at its cell; returns the keys marked."""
        self.clear_marks()
        marked: list[str] = []
        for key, message in problems.items():
            cell = level_cell(key)
            if cell is None or cell[0] >= self.table.rowCount():
                continue
            self._marks[cell] = message
            self._paint(*cell, message)
            marked.append(key)
        if marked:
            first = level_cell(marked[0])
            assert first is not None
            self.table.clearSelection()  # a selected row would hide the marked cell's colour
            self.table.scrollToItem(self.table.item(first[0], NAME))
        return marked

    def cell_message(self, row: int, column: int) -> str | None:
        return self._marks.get((row, column))

    def clear_marks(self) -> None:
        for row, column in list(self._marks):
            self._unpaint(row, column)
        self._marks.clear()

    # --- actions ----------------------------------------------------------------------------
    def add_level(self) -> None:
        rows = self.table.rowCount()
        last = self._day(rows - 1) if rows else -7
        self.clear_marks()
        with QSignalBlocker(self.table):
            self._append(Level(position=rows + 1, name="", day_offset=last + 14 if rows else 2,
                               template=self._templates[0] if self._templates else ""))
        self.table.setCurrentCell(rows, NAME)
        self.table.editItem(self.table.item(rows, NAME))
        self._changed()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.clear_marks()
        self.table.removeRow(row)
        self._changed()

    def move_selected(self, steps: int) -> None:
        row = self.table.currentRow()
        target = row + steps
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        levels = self._raw_levels()
        levels.insert(target, levels.pop(row))
        self.set_levels(levels)
        self.table.selectRow(target)
        self._changed()

    # --- inside -----------------------------------------------------------------------------
    def _append(self, level: Level) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(level.name)
        name.setData(Qt.ItemDataRole.UserRole, level.id)
        self.table.setItem(row, NAME, name)
        day = QTableWidgetItem()
        day.setData(Qt.ItemDataRole.EditRole, level.day_offset)
        day.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, DAY, day)
        combo = QComboBox(self.table)
        combo.setEditable(True)
        combo.addItems(self._templates)
        combo.setCurrentText(level.template)
        combo.currentTextChanged.connect(lambda _text, c=combo: self._combo_changed(c))
        self.table.setCellWidget(row, TEMPLATE, combo)
        for column, value in ((FEE, level.fee), (INTEREST, level.interest_rate)):
            item = QTableWidgetItem(number(value) if value else "0")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        for column, checked in ((ATTACH_INVOICE, level.attach_invoice), (ATTACH_LETTER, level.attach_letter),
                                (FINAL, level.final)):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.table.setItem(row, column, item)

    def _raw_levels(self) -> list[Level]:
        """The rows as they are, fee and rate texts kept even when they are not numbers (for moving)."""
        found: list[Level] = []
        for row in range(self.table.rowCount()):
            level = Level(position=row + 1, name=self._text(row, NAME),
                          day_offset=self._day(row),
                          template=(combo.currentText() if (combo := self.template_combo(row)) is not None else ""),
                          attach_invoice=self._checked(row, ATTACH_INVOICE), attach_letter=self._checked(row, ATTACH_LETTER),
                          final=self._checked(row, FINAL), id=self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole))
            for column, attribute in ((FEE, "fee"), (INTEREST, "interest_rate")):
                try:
                    setattr(level, attribute, parse_decimal(self._text(row, column)))
                except ValueError:
                    setattr(level, attribute, Decimal(0))
            found.append(level)
        return found

    def _day(self, row: int) -> int:
        return int(self.table.item(row, DAY).data(Qt.ItemDataRole.EditRole))

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _checked(self, row: int, column: int) -> bool:
        item = self.table.item(row, column)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def _decimal(self, row: int, column: int, problems: dict[str, str], message: str) -> Decimal:
        text = self._text(row, column)
        if not text:
            return Decimal(0)
        try:
            return parse_decimal(text)
        except ValueError:
            field = next(name for name, col in FIELD_COLUMNS.items() if col == column)
            problems[f"levels[{row}].{field}"] = message
            return Decimal(0)

    def _paint(self, row: int, column: int, message: str) -> None:
        widget = self.table.cellWidget(row, column)
        if widget is not None:
            widget.setStyleSheet(f"border: 1px solid {ERROR_COLOR};")
            widget.setToolTip(message)
            return
        item = self.table.item(row, column)
        if item is not None:
            with QSignalBlocker(self.table):
                item.setBackground(QBrush(ERROR_BACKGROUND))
                item.setToolTip(message)

    def _unpaint(self, row: int, column: int) -> None:
        if row >= self.table.rowCount():
            return
        widget = self.table.cellWidget(row, column)
        if widget is not None:
            widget.setStyleSheet("")
            widget.setToolTip("")
            return
        item = self.table.item(row, column)
        if item is not None:
            with QSignalBlocker(self.table):
                item.setBackground(QBrush())
                item.setToolTip("")

    def _item_changed(self, item: QTableWidgetItem) -> None:
        cell = (item.row(), item.column())
        if cell in self._marks:
            self._unpaint(*cell)
            del self._marks[cell]
        self._changed()

    def _combo_changed(self, combo: QComboBox) -> None:
        for row in range(self.table.rowCount()):
            if self.template_combo(row) is combo and (row, TEMPLATE) in self._marks:
                self._unpaint(row, TEMPLATE)
                del self._marks[(row, TEMPLATE)]
        self._changed()

    def _changed(self) -> None:
        self._update_buttons()
        self.edited.emit()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        rows = self.table.rowCount()
        self.remove_button.setEnabled(0 <= row < rows)
        self.up_button.setEnabled(0 < row < rows)
        self.down_button.setEnabled(0 <= row < rows - 1)
