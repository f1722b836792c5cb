"""What a plan change, pause or cancel does to money, before the user confirms it: the credit
lines for unused time, the charge lines for the new plan, credit, charge and net, and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.invoice import InvoiceLine
from desktop.services.subscriptions import ProrationPreview
from desktop.ui import messages
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.formatting import money, money_with_currency, number

CREDIT_COLOR = QColor("#2e7d32")


class ProrationPanel(QGroupBox):
    """Shows a ``ProrationPreview`` (or the problem that kept one from being computed)."""

    def __init__(self, parent: QWidget | None = None, with_charge: bool = True) -> None:
        """``with_charge`` False: a pause or cancel, which only credits (no charge row)."""
        super().__init__(parent)
        self.setTitle(self.tr("What this does to the invoices"))
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Quantity"), self.tr("Amount")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(1, metrics.horizontalAdvance(self.tr("Quantity")) + 24)
        self.table.setColumnWidth(2, metrics.horizontalAdvance("-000,000.00") + 24)
        self.table.setMinimumHeight(metrics.height() * 6)
        self.credit = QLabel(self)
        self.charge = QLabel(self)
        self.net = QLabel(self)
        font = self.net.font()
        font.setBold(True)
        self.net.setFont(font)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        sums = QGridLayout()
        sums.setHorizontalSpacing(24)
        for row, (title, label) in enumerate(((self.tr("Credit for unused time"), self.credit),
                                              (self.tr("Charge for the new plan"), self.charge),
                                              (self.tr("Net"), self.net))):
            if label is self.charge and not with_charge:
                label.hide()
                continue
            sums.addWidget(QLabel(title, self), row, 0)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            sums.addWidget(label, row, 1)
        sums.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(sums)
        layout.addWidget(self.explanation)
        self.preview: ProrationPreview | None = None

    def show_preview(self, preview: ProrationPreview) -> None:
        self.preview = preview
        self.explanation.setStyleSheet("")
        self.table.setRowCount(0)
        for line in preview.credit_lines:
            self._add_row(line, preview.currency, credit=True)
        for line in preview.charge_lines:
            self._add_row(line, preview.currency, credit=False)
        self.credit.setText(money_with_currency(preview.credit, preview.currency))
        self.charge.setText(money_with_currency(preview.charge, preview.currency))
        if preview.net < 0:
            net = self.tr("{amount} to credit").format(amount=money_with_currency(-preview.net, preview.currency))
        elif preview.net > 0:
            net = self.tr("{amount} to invoice").format(amount=money_with_currency(preview.net, preview.currency))
        else:
            net = money_with_currency(preview.net, preview.currency)
        self.net.setText(net)
        self.explanation.setText(preview.explanation)

    def show_problem(self, error: PaydeskError | str) -> None:
        self.preview = None
        self.table.setRowCount(0)
        for label in (self.credit, self.charge, self.net):
            label.setText("")
        self.explanation.setStyleSheet(f"color: {ERROR_COLOR};")
        self.explanation.setText(messages.error_text(error))

    def rows(self) -> list[tuple[str, str, str]]:
        """The lines on show, as (description, quantity, amount) texts."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]  # type: ignore[misc]

    def _add_row(self, line: InvoiceLine, currency: str, credit: bool) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        texts = (line.description, number(line.quantity), money(line.net(currency), currency))
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if credit:
                item.setForeground(CREDIT_COLOR)
            self.table.setItem(row, column, item)
