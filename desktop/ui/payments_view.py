"""Payments received, newest first, read a page at a time; record one, or undo its allocations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.services.paydesk import Paydesk
from desktop.services.payments import PaymentSummary
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.lazy_table import Column
from desktop.ui.list_widgets import empty_state, lay_out_list_page, read_only_table
from desktop.ui.paged_list_model import PagedListModel
from desktop.ui.payment_dialog import PaymentDialog, method_label, money
from desktop.ui.tasks import TaskRunner

_CREDIT_COLOR = QColor(21, 101, 192)
FILTER_LOAD_CAP = 2000
"""While filtering, load older pages until something shows, up to this many payments."""


class PaymentsView(QWidget):
    """Every payment with what it paid; filter by text, record a payment, undo allocations.

    The list loads 200 payments at a time as the user scrolls; the text filter applies to the loaded
    payments (the status line says when more could be loaded).

    Signals:
        changed: a payment was recorded or its allocations undone here.
    """

    changed = Signal()
    PAGE = PagedListModel.PAGE

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        columns: list[Column[PaymentSummary]] = [
            Column(self.tr("Date"), lambda p: p.date.isoformat()),
            Column(self.tr("Customer"), lambda p: f"{p.customer_name} ({p.customer_number})"),
            Column(self.tr("Amount"), lambda p: money(p.amount, p.currency), align_right=True),
            Column(self.tr("Currency"), lambda p: p.currency),
            Column(self.tr("Method"), lambda p: method_label(p.method)),
            Column(self.tr("Allocated to"), lambda p: ", ".join(p.invoices)),
            Column(self.tr("Unallocated"), lambda p: money(p.unallocated, p.currency) if p.unallocated else "",
                   align_right=True, foreground=lambda p: _CREDIT_COLOR if p.unallocated else None),
            Column(self.tr("Note"), lambda p: p.note),
        ]
        self.model: PagedListModel[PaymentSummary] = PagedListModel(
            columns, lambda limit: self._paydesk.payments.list(limit=limit), lambda p: int(p.id), self, page=self.PAGE)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter by customer, invoice number, method or note…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)

        self.table = read_only_table(self, self.proxy)
        for column, width in enumerate((95, 230, 100, 70, 105, 140, 95, 120)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.hint, self.stack = empty_state(self, self.table)
        self.count = QLabel(self)

        self.record_action = QAction(self.tr("Record payment…"), self)
        self.record_action.triggered.connect(self.record_payment)
        self.undo_action = QAction(self.tr("Undo allocations…"), self)
        self.undo_action.setToolTip(self.tr("Take the payment off its invoices; the amount becomes customer credit"))
        self.undo_action.triggered.connect(self.undo_selected)

        lay_out_list_page(self, self.filter, [self.record_action, self.undo_action], self.stack, self.count)
        self.model.rowsInserted.connect(self._update_state)
        self.refresh()

    # --- public -----------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected()
        self.model.refresh()
        if selected is not None:
            self.select(selected.id)
        self._update_state()

    def selected(self) -> PaymentSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def select(self, payment_id: PaymentId) -> None:
        row = self.model.row_of(payment_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def record_payment(self, customer_id: CustomerId | None = None, invoice_id: InvoiceId | None = None) -> PaymentDialog | None:
        try:
            dialog = PaymentDialog(self._paydesk, self, customer_id=customer_id, invoice_id=invoice_id)
        except PaydeskError as error:
            self._show_error(error)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(lambda payment_id: self._after_change(PaymentId(payment_id)))
        dialog.open()
        return dialog

    def undo_selected(self) -> None:
        payment = self.selected()
        if payment is None or not payment.allocated:
            return
        question = self.tr("Take the payment of %1 from %2 off invoices %3? The amount becomes customer credit.") \
            .replace("%1", f"{money(payment.amount, payment.currency)} {payment.currency}") \
            .replace("%2", payment.customer_name).replace("%3", ", ".join(payment.invoices))
        if not messages.confirm(self, self.tr("Undo allocations"), question, self.tr("Undo allocations")):
            return
        payment_id = payment.id

        def work(_progress: ProgressCallback, _token: CancelToken) -> set[InvoiceId]:
            return self._paydesk.payments.unallocate(payment_id)

        self._tasks.run(work, lambda _touched: self._after_change(payment_id), title=self.tr("Undoing allocations…"),
                        on_failure=self._show_error, dialog_parent=self)

    # --- inside -----------------------------------------------------------------------------
    def _after_change(self, payment_id: PaymentId | None) -> None:
        self.refresh()
        if payment_id is not None:
            self.select(payment_id)
        self.changed.emit()

    def _show_error(self, error: BaseException) -> None:
        messages.show_error(self, error if isinstance(error, PaydeskError) else str(error), self.tr("Payments"))

    def _apply_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        while text.strip() and self.proxy.rowCount() < 50 and self.model.has_more() \
                and self.model.rowCount() < FILTER_LOAD_CAP:
            self.model.fetchMore()
        self._update_state()

    def _update_state(self, *_args: QModelIndex | int) -> None:
        shown, loaded = self.proxy.rowCount(), self.model.rowCount()
        text = self.filter.text().strip()
        if shown:
            self.stack.setCurrentWidget(self.table)
        elif text:
            self.hint.setText(self.tr("No payment matches “%1”.").replace("%1", text))
            self.stack.setCurrentWidget(self.hint)
        else:
            self.hint.setText(self.tr("No payments recorded yet.\nClick “Record payment…” when money comes in."))
            self.stack.setCurrentWidget(self.hint)
        status = self.tr("Payments shown: %1").replace("%1", str(shown))
        if text:
            status = self.tr("Payments shown: %1 of %2 loaded").replace("%1", str(shown)).replace("%2", str(loaded))
        if self.model.has_more():
            status += self.tr(" (scroll down to load older payments)")
        self.count.setText(status)
        self._update_actions()

    def _update_actions(self) -> None:
        payment = self.selected()
        self.undo_action.setEnabled(payment is not None and bool(payment.allocated))
