"""Booking a bank transaction by hand: choose the customer (or find any open invoice by number,
customer or amount), spread the amount over their open invoices, and see live what stays as
credit; a small difference can be written off with a reason.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.matching import Suggestion
from desktop.domain.money import ZERO
from desktop.domain.payment import Allocation, oldest_first
from desktop.services.bank_review import OpenInvoiceHit, TransactionDetail
from desktop.services.paydesk import Paydesk
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.field_errors import ERROR_COLOR, FieldErrors
from desktop.ui.formatting import date_text, money
from desktop.ui.payment_dialog import AllocationModel

SEARCH_DELAY_MS = 250
HIT_LIMIT = 50


class BankBookDialog(QDialog):
    """Book one incoming transaction to a customer and their invoices (split over several).

    Signals:
        booked: the payment's id, after the booking was stored; the dialog then closes as accepted.
    """

    booked = Signal(int)

    def __init__(self, paydesk: Paydesk, detail: TransactionDetail, suggestions: list[Suggestion],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.detail = detail
        self.tx = detail.tx
        self.currency = detail.tx.currency
        self.payment_id: PaymentId | None = None
        self.hits: list[OpenInvoiceHit] = []
        self.setWindowTitle(self.tr("Book by hand"))
        self.setMinimumWidth(640)

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header.setText(self._header_text())

        self.customer = CustomerPicker(paydesk.customers, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Find any open invoice by number, customer or amount…"))
        self.search.setClearButtonEnabled(True)
        self.hit_table = QTableWidget(0, 4, self)
        self.hit_table.setHorizontalHeaderLabels([self.tr("Invoice"), self.tr("Customer"), self.tr("Due"), self.tr("Open")])
        self.hit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hit_table.verticalHeader().setVisible(False)
        self.hit_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        row_height = self.fontMetrics().height() + 8
        self.hit_table.verticalHeader().setDefaultSectionSize(row_height)
        self.hit_table.setFixedHeight(row_height * 5 + self.hit_table.horizontalHeader().sizeHint().height() + 4)
        self.hit_table.setVisible(False)
        self.hit_table.setToolTip(self.tr("Double-click or press Return to add the invoice to this booking"))
        self.hit_table.cellActivated.connect(lambda row, _column: self.take_hit(row))
        self.no_hits = QLabel(self)
        self.no_hits.setStyleSheet("color: palette(placeholder-text);")
        self.no_hits.setVisible(False)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_return)

        self.model = AllocationModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(150)
        self.no_items = QLabel(self)
        self.no_items.setWordWrap(True)
        self.no_items.setStyleSheet("color: palette(placeholder-text);")
        self.fill_button = QPushButton(self.tr("Fill oldest first"), self)
        self.fill_button.setToolTip(self.tr("Spread the amount over the open invoices, oldest due date first"))
        self.fill_button.clicked.connect(self.fill_oldest_first)
        self.clear_button = QPushButton(self.tr("Clear amounts"), self)
        self.clear_button.clicked.connect(lambda: self._set_allocations([]))
        self.remaining = QLabel(self)

        self.write_off = QCheckBox(self)
        self.write_off.toggled.connect(self._write_off_toggled)
        self.write_off_reason = QLineEdit(self)
        self.write_off_reason.setPlaceholderText(self.tr("Why? (kept in the audit log)"))
        self.write_off_reason.setEnabled(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Customer"), e.wrap("customer", self.customer, self.tr("Customer")))
        form.addRow(self.tr("Find invoice"), self.search)
        form.addRow("", self.hit_table)
        form.addRow("", self.no_hits)
        e.bind("allocations", self.table, self.tr("Allocation"))
        e.bind_list("allocations", lambda _index: self.table, self.tr("Allocation"))
        e.bind("amount", self.table, self.tr("Amount"))
        e.bind("write_off", self.write_off_reason, self.tr("Write-off"))

        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("The customer's open invoices in {currency} (edit the amounts):")
                               .format(currency=self.currency), self), 1)
        tools.addWidget(self.fill_button)
        tools.addWidget(self.clear_button)
        write_off_row = QHBoxLayout()
        write_off_row.addWidget(self.write_off)
        write_off_row.addWidget(self.write_off_reason, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.book_button = self.buttons.addButton(self.tr("Book"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.book_button.setDefault(True)
        self.buttons.accepted.connect(self.book)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_items)
        layout.addWidget(self.remaining)
        layout.addLayout(write_off_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self._loaded: CustomerId | None = None
        self.customer.customer_changed.connect(self._customer_changed)
        self.model.edited.connect(self._allocation_edited)
        self._prefill(detail, suggestions)

    # --- reading ----------------------------------------------------------------------------
    def customer_id(self) -> CustomerId | None:
        return self.customer.customer_id()

    def allocations(self) -> list[Allocation]:
        return self.model.allocations()

    def left_over(self) -> Decimal:
        """What stays of the payment after the allocations (negative: allocated too much)."""
        return self.tx.amount - self.model.allocated()

    def shortfall(self) -> Decimal:
        """What stays open on the last invoice booked to (the one a write-off closes)."""
        allocations = self.allocations()
        if not allocations:
            return ZERO
        last = allocations[-1]
        item = next((i for i in self.model.items() if i.invoice_id == last.invoice_id), None)
        return item.open_amount - last.amount if item is not None else ZERO

    # --- actions ----------------------------------------------------------------------------
    def set_customer(self, customer_id: CustomerId | None) -> None:
        self.customer.set_customer_id(customer_id)
        self._customer_changed(customer_id)

    def fill_oldest_first(self) -> None:
        self._set_allocations(oldest_first(self.tx.amount, self.model.items()))

    def set_amount(self, invoice_id: InvoiceId, amount: Decimal) -> bool:
        """Put ``amount`` on one of the listed invoices (as if typed in its row)."""
        for row, item in enumerate(self.model.items()):
            if item.invoice_id == invoice_id:
                return self.model.setData(self.model.index(row, AllocationModel.ALLOCATE), money(amount, self.currency))
        return False

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        self.hits = self._paydesk.bank.find_open_invoices(text, self.currency, HIT_LIMIT) if text else []
        self.hit_table.setRowCount(len(self.hits))
        for row, hit in enumerate(self.hits):
            cells = (hit.number, f"{hit.customer_name} ({hit.customer_number})", date_text(hit.due_date),
                     f"{money(hit.open_amount, hit.currency)} {hit.currency}")
            for column, text_value in enumerate(cells):
                item = QTableWidgetItem(text_value)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.hit_table.setItem(row, column, item)
        self.hit_table.resizeColumnToContents(0)
        self.hit_table.resizeColumnToContents(2)
        self.hit_table.resizeColumnToContents(3)
        self.hit_table.setVisible(bool(self.hits))
        if self.hits:
            self.no_hits.setText(self.tr("Double-click an invoice, or press Return, to add it to this booking."))
        else:
            self.no_hits.setText(self.tr("No open invoice in {currency} matches “{text}”.").format(currency=self.currency,
                                                                                                 text=text))
        self.no_hits.setVisible(bool(text))
        if self.hits:
            self.hit_table.selectRow(0)

    def take_hit(self, row: int) -> None:
        """Add a found invoice: its customer is chosen and it gets what is left of the payment (up to its open amount)."""
        if not 0 <= row < len(self.hits):
            return
        hit = self.hits[row]
        if self.customer_id() != hit.customer_id:
            self.set_customer(CustomerId(hit.customer_id))
            self._set_allocations([])
        already = next((a.amount for a in self.allocations() if a.invoice_id == hit.invoice_id), ZERO)
        room = max(self.left_over() + already, ZERO)
        self.set_amount(InvoiceId(hit.invoice_id), min(hit.open_amount, room) or hit.open_amount)
        self.table.setFocus()

    def book(self) -> bool:
        """Book through the service; a problem is shown at its field and nothing is saved."""
        customer_id = self.customer_id()
        if customer_id is None:
            self.errors.show(ValidationError({"customer": self.tr("Choose the customer who paid.")}))
            return False
        reason = self.write_off_reason.text().strip() if self.write_off.isChecked() else ""
        if self.write_off.isChecked() and not reason:
            self.errors.show(ValidationError({"write_off": self.tr("Say why the difference is written off.")}))
            return False
        try:
            payment_id = self._paydesk.bank.book(self.detail.row.id, customer_id, self.allocations(), reason)
        except ValidationError as error:
            self._show_errors(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.errors.clear()
        self.payment_id = payment_id
        self.booked.emit(payment_id)
        self.accept()
        return True

    # --- inside -----------------------------------------------------------------------------
    def _header_text(self) -> str:
        tx = self.tx
        text = self.tr("{amount} {currency} received on {date} from {name}").format(
            amount=money(tx.amount, tx.currency), currency=tx.currency, date=date_text(tx.booking_date),
            name=tx.counterparty_name or self.tr("(no name)"))
        details = " · ".join(p for p in (tx.counterparty_iban, tx.structured_reference, tx.remittance) if p)
        return f"<b>{escape(text)}</b>" + (f"<br>{escape(details)}" if details else "")

    def _prefill(self, detail: TransactionDetail, suggestions: list[Suggestion]) -> None:
        best = suggestions[0] if suggestions else None
        customer_id = best.customer_id if best is not None else detail.customer_id
        if customer_id is None:
            customer_id = self._paydesk.bank.customer_for_iban(detail.tx.counterparty_iban)
        self.set_customer(CustomerId(customer_id) if customer_id is not None else None)
        if best is not None and best.customer_id == self.customer_id():
            known = {i.invoice_id for i in self.model.items()}
            self._set_allocations([a for a in best.allocations if a.invoice_id in known])
        else:
            self.fill_oldest_first()
        if self.customer_id() is None:
            self.customer.setFocus()
        else:
            self.table.setFocus()

    def _customer_changed(self, customer_id: object) -> None:
        chosen = CustomerId(int(customer_id)) if isinstance(customer_id, int) else None
        if chosen == self._loaded and self.model.rowCount():
            return
        self._loaded = chosen
        items = self._paydesk.bank.open_items(chosen, self.currency) if chosen is not None else []
        self.model.set_items(items, self.currency)
        if chosen is None:
            self.no_items.setText(self.tr("Choose the customer, or find an invoice above."))
        else:
            self.no_items.setText(self.tr("This customer has no open invoice in {currency}: "
                                          "the whole amount becomes customer credit.").format(currency=self.currency))
        self.no_items.setVisible(not items)
        self.table.setVisible(bool(items))
        self.fill_button.setEnabled(bool(items))
        self.clear_button.setEnabled(bool(items))
        self._update_remaining()

    def _set_allocations(self, allocations: list[Allocation]) -> None:
        self.model.set_allocations(allocations)
        self._allocation_edited()

    def _allocation_edited(self) -> None:
        for field in self.errors.marked():
            if field.startswith("allocations") or field in ("amount", "write_off"):
                self.errors.clear_field(field)
        self._update_remaining()

    def _update_remaining(self) -> None:
        left, currency = self.left_over(), self.currency
        if left < 0:
            self.remaining.setText(self.tr("{amount} {currency} more than the payment is allocated.").format(
                amount=money(-left, currency), currency=currency))
            self.remaining.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        elif left > 0:
            self.remaining.setText(self.tr("{amount} {currency} stays as credit").format(
                amount=money(left, currency), currency=currency))
            self.remaining.setStyleSheet("font-weight: bold;")
        else:
            self.remaining.setText(self.tr("The whole amount is allocated."))
            self.remaining.setStyleSheet("")
        shortfall = self.shortfall()
        with QSignalBlocker(self.write_off):
            if shortfall > 0:
                last = self.allocations()[-1]
                number = next((i.number for i in self.model.items() if i.invoice_id == last.invoice_id), "")
                self.write_off.setText(self.tr("Write off the {amount} {currency} that stays open on {number}").format(
                    amount=money(shortfall, currency), currency=currency, number=number))
            else:
                self.write_off.setText(self.tr("Write off a small difference"))
                self.write_off.setChecked(False)
            self.write_off.setEnabled(shortfall > 0)
        self.write_off_reason.setEnabled(self.write_off.isChecked())

    def _write_off_toggled(self, checked: bool) -> None:
        self.write_off_reason.setEnabled(checked)
        if checked:
            self.write_off_reason.setFocus()

    def _search_return(self) -> None:
        self.run_search()
        if self.hits:
            self.take_hit(max(self.hit_table.currentRow(), 0))

    def _show_errors(self, error: ValidationError) -> None:
        self.errors.show(error)
        self.model.show_errors(error)

