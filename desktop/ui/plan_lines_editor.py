"""The parts of a plan the subscription editor and the Change plan dialog share: the plan lines
with live totals per period, and the interval (monthly, quarterly, yearly or every N months)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.invoice import compute_totals
from desktop.domain.subscriptions import PlanLine
from desktop.ui.invoice_lines_model import AMOUNT, DESCRIPTION, DISCOUNT, QUANTITY, UNIT, UNIT_PRICE, VAT_RATE, InvoiceLinesModel
from desktop.ui.invoice_totals import TotalsPanel
from desktop.ui.subscription_texts import MONTHLY, QUARTERLY, YEARLY, invoice_lines, per_interval, plan_lines

MAX_MONTHS = 60
CUSTOM = 0  # the combo's data for "every N months"


class PlanLinesEditor(QWidget):
    """Plan lines (description, quantity, unit, price, VAT; no discount) and their totals per period.

    Signals:
        edited: a line was changed, added or removed.
    """

    edited = Signal()

    def __init__(self, currency: str, lines: tuple[PlanLine, ...] | list[PlanLine], read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = InvoiceLinesModel(currency, invoice_lines(lines), read_only=read_only, parent=self)
        if not lines and not read_only:
            self.model.add_line()
        self.table = self._make_table(read_only)
        self.add_button = QPushButton(self.tr("Add line"), self)
        self.remove_button = QPushButton(self.tr("Remove line"), self)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            button.setVisible(not read_only)
        self.period_label = QLabel(self)
        self.totals = TotalsPanel(self)

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.period_label, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.totals)
        right.addStretch(1)
        below = QHBoxLayout()
        below.addLayout(buttons)
        below.addStretch(1)
        below.addLayout(right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)

        self._months = MONTHLY
        self.model.edited.connect(self._edited)
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_selected_lines)
        self.update_totals()

    def _make_table(self, read_only: bool) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setColumnHidden(DISCOUNT, True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        if read_only:
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        else:
            table.setEditTriggers(QAbstractItemView.EditTrigger.CurrentChanged | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.setTabKeyNavigation(True)
        table.setAlternatingRowColors(True)
        table.setMinimumHeight(table.fontMetrics().height() * 6)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        for column, sample in {QUANTITY: "Quantity", UNIT: "Unit", UNIT_PRICE: "000,000.00", VAT_RATE: "VAT %",
                               AMOUNT: "0,000,000.00"}.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            table.setColumnWidth(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 28)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        return table

    # --- the lines ------------------------------------------------------------------------------
    def plan_lines(self) -> list[PlanLine]:
        """Every line in order (blank new lines dropped); numbers that do not parse count as neutral,
        and ``input_problems()`` says which."""
        self.commit_open_editor()
        self.model.drop_blank_lines()
        return plan_lines(self.model.lines())

    def input_problems(self) -> dict[str, str]:
        return self.model.input_problems()

    def set_errors(self, fields: dict[str, str]) -> dict[str, str]:
        return self.model.set_errors(fields)

    def set_currency(self, currency: str) -> None:
        self.model.set_currency(currency)

    def set_interval(self, months: int) -> None:
        self._months = months
        self.update_totals()

    def add_line(self) -> None:
        row = self.model.add_line()
        index = self.model.index(row, DESCRIPTION)
        self.table.setFocus()
        self.table.setCurrentIndex(index)
        if self.table.state() != QAbstractItemView.State.EditingState:
            self.table.edit(index)

    def remove_selected_lines(self) -> None:
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        self.model.remove_rows(sorted(rows))

    def commit_open_editor(self) -> None:
        """Take what is typed in a cell that is still being edited."""
        editor = self.focusWidget()
        if editor is not None and self.table.viewport().isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _edited(self) -> None:
        self.update_totals()
        self.edited.emit()

    def update_totals(self) -> None:
        currency = self.model.currency
        self.period_label.setText(self.tr("Each period ({per}):").format(per=per_interval(self._months)))
        if len(currency) == 3 and currency.isalpha():
            self.totals.show_totals(compute_totals(self.model.preview_lines(), currency), currency)


class IntervalPicker(QWidget):
    """Monthly, quarterly, yearly, or every N months (a spin box appears for N).

    Signals:
        changed: the number of months, after it changed.
    """

    changed = Signal(int)

    def __init__(self, months: int = MONTHLY, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.addItem(self.tr("Monthly"), MONTHLY)
        self.combo.addItem(self.tr("Quarterly"), QUARTERLY)
        self.combo.addItem(self.tr("Yearly"), YEARLY)
        self.combo.addItem(self.tr("Every N months"), CUSTOM)
        self.months_box = QSpinBox(self)
        self.months_box.setRange(1, MAX_MONTHS)
        self.months_box.setPrefix(self.tr("every "))
        self.months_box.setSuffix(self.tr(" months"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.months_box)
        layout.addStretch(1)
        self.set_months(months)
        self.combo.currentIndexChanged.connect(self._combo_changed)
        self.months_box.valueChanged.connect(self._emit)

    def months(self) -> int:
        data = self.combo.currentData()
        return self.months_box.value() if data == CUSTOM else int(data)

    def set_months(self, months: int) -> None:
        index = self.combo.findData(months)
        self.combo.setCurrentIndex(index if index >= 0 else self.combo.findData(CUSTOM))
        self.months_box.setValue(months)
        self.months_box.setVisible(index < 0)

    def _combo_changed(self) -> None:
        custom = self.combo.currentData() == CUSTOM
        self.months_box.setVisible(custom)
        if custom and self.months_box.value() in (MONTHLY, QUARTERLY, YEARLY):
            self.months_box.setValue(2)
        self._emit()

    def _emit(self) -> None:
        self.changed.emit(self.months())
