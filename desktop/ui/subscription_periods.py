"""The billed periods of the selected subscription, with their invoices; double-click opens one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.states import InvoiceStatus
from desktop.domain.subscriptions import Subscription
from desktop.services.paydesk import Paydesk
from desktop.ui.formatting import date_text, status_text
from desktop.ui.list_widgets import HINT_STYLE
from desktop.ui.subscription_texts import period_text

PERIOD, DAYS, BILLED_ON, INVOICE, STATUS = range(5)


class PeriodsPanel(QWidget):
    """Signals:
        open_invoice: the id of the invoice whose row was double-clicked.
    """

    open_invoice = Signal(int)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("Period"), self.tr("Days"), self.tr("Billed on"), self.tr("Invoice"),
                                              self.tr("Status")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setToolTip(self.tr("Double-click a period to open its invoice"))
        metrics = self.table.fontMetrics()
        for column, sample in ((PERIOD, "Sep 30, 2026 – Sep 30, 2026"), (DAYS, "Days 000"), (BILLED_ON, "Sep 30, 2026"),
                               (INVOICE, "CN2026-000000")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self.table.horizontalHeader().setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(HINT_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.show_subscription(None)

    def show_subscription(self, sub: Subscription | None) -> None:
        self.table.setRowCount(0)
        if sub is None or sub.id is None:
            self.title.setText(self.tr("Billed periods"))
            self._show_empty(self.tr("Select a subscription to see the periods billed so far."))
            return
        self.title.setText(self.tr("Billed periods of {name} ({customer})").format(name=sub.name, customer=sub.customer_name))
        try:
            periods = self._paydesk.subscriptions.periods(sub.id)
        except PaydeskError as error:
            self._show_empty(str(error))
            return
        if not periods:
            self._show_empty(self.tr("Nothing billed yet: the billing run makes the first invoice when it falls due."))
            return
        self.empty.hide()
        self.table.show()
        for period in reversed(periods):  # newest first
            row = self.table.rowCount()
            self.table.insertRow(row)
            if period.invoice_number:
                invoice = period.invoice_number
            elif period.invoice_id is not None:
                invoice = self.tr("Draft")
            else:
                invoice = self.tr("Charged with a plan change")
            status = status_text(InvoiceStatus(period.invoice_status)) if period.invoice_status else ""
            texts = (period_text(period.period_start, period.period_end),
                     str((period.period_end - period.period_start).days + 1), date_text(period.billed_on), invoice, status)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, period.invoice_id)
                if column == DAYS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]

    def _show_empty(self, text: str) -> None:
        self.table.hide()
        self.empty.setText(text)
        self.empty.show()

    def _double_clicked(self, row: int, _column: int) -> None:
        invoice_id = self.table.item(row, PERIOD).data(Qt.ItemDataRole.UserRole)
        if invoice_id is not None:
            self.open_invoice.emit(int(invoice_id))
