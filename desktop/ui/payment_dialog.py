"""Recording a payment received: who paid, how much, and which open invoices it settles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QDate, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.money import ZERO, parse_amount, round_money
from desktop.domain.payment import Allocation, OpenItem, PaymentInput, PaymentMethod, oldest_first
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import ERROR_COLOR, FieldErrors

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_ERROR_BACKGROUND = QColor(255, 235, 238)


def method_label(method: PaymentMethod) -> str:
    labels = {
        PaymentMethod.BANK_TRANSFER: QCoreApplication.translate("PaymentMethod", "Bank transfer"),
        PaymentMethod.CARD: QCoreApplication.translate("PaymentMethod", "Card"),
        PaymentMethod.CASH: QCoreApplication.translate("PaymentMethod", "Cash"),
        PaymentMethod.DIRECT_DEBIT: QCoreApplication.translate("PaymentMethod", "Direct debit"),
        PaymentMethod.PAY_LINK: QCoreApplication.translate("PaymentMethod", "Pay link"),
        PaymentMethod.OTHER: QCoreApplication.translate("PaymentMethod", "Other"),
    }
    return labels[method]


def parse_money(text: str) -> Decimal | None:
    """``"1250.5"``, ``"1 250,50"`` -> Decimal; ``None`` when the text is not an amount."""
    compact = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")
    try:
        return parse_amount(compact) if compact else None
    except ValueError:
        return None


def money(amount: Decimal, currency: str) -> str:
    return str(round_money(amount, currency))


class AllocationModel(QAbstractTableModel):
    """The customer's open invoices in the payment's currency, with an editable amount to allocate.

    Signals:
        edited: the user changed an amount to allocate.
    """

    edited = Signal()
    INVOICE, DUE, OPEN, ALLOCATE = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[OpenItem] = []
        self._amounts: list[Decimal] = []
        self._errors: dict[int, str] = {}
        self.currency = "EUR"
        self._titles = [self.tr("Invoice"), self.tr("Due date"), self.tr("Open"), self.tr("Allocate")]

    # --- for the dialog ---------------------------------------------------------------------
    def set_items(self, items: list[OpenItem], currency: str) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._amounts = [ZERO] * len(items)
        self._errors = {}
        self.currency = currency
        self.endResetModel()

    def items(self) -> list[OpenItem]:
        return list(self._items)

    def set_allocations(self, allocations: list[Allocation]) -> None:
        """Show these amounts (every other invoice gets zero)."""
        wanted = {a.invoice_id: a.amount for a in allocations}
        self._amounts = [wanted.get(item.invoice_id, ZERO) for item in self._items]
        self._errors = {}
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.ALLOCATE))

    def allocations(self) -> list[Allocation]:
        """The non-zero amounts, in table order (``allocations[i]`` errors count these)."""
        return [Allocation(item.invoice_id, amount) for item, amount in zip(self._items, self._amounts, strict=True) if amount]

    def allocated(self) -> Decimal:
        return sum(self._amounts, ZERO)

    def row_of_allocation(self, index: int) -> int | None:
        rows = [row for row, amount in enumerate(self._amounts) if amount]
        return rows[index] if 0 <= index < len(rows) else None

    def show_errors(self, error: ValidationError) -> None:
        """Mark the rows the service named (``allocations[i]``) with its message."""
        rows: dict[int, str] = {}
        for field, message in error.fields.items():
            if field.startswith("allocations[") and field.endswith("]"):
                row = self.row_of_allocation(int(field[len("allocations["):-1]))
                if row is not None:
                    rows[row] = message
        self.set_errors(rows)

    def set_errors(self, errors: dict[int, str]) -> None:
        self._errors = dict(errors)
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.ALLOCATE))

    def error(self, row: int) -> str | None:
        return self._errors.get(row)

    # --- Qt's model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._titles)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.ALLOCATE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item, amount, column = self._items[index.row()], self._amounts[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (item.number, item.due_date.isoformat(), money(item.open_amount, self.currency),
                      money(amount, self.currency) if amount else "")
            return values[column]
        if role == Qt.ItemDataRole.EditRole and column == self.ALLOCATE:
            return money(amount, self.currency) if amount else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if column in (self.OPEN, self.ALLOCATE) else Qt.AlignmentFlag.AlignLeft
            return side | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._errors.get(index.row())
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self._errors:
            return _ERROR_BACKGROUND
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.ALLOCATE:
            return False
        amount = parse_money(str(value or "")) if str(value or "").strip() else ZERO
        if amount is None or amount < 0:
            return False
        self._amounts[index.row()] = round_money(amount, self.currency)
        self._errors.pop(index.row(), None)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.ALLOCATE))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._titles):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None


class PaymentDialog(QDialog):
    """Record a payment and spread it over open invoices; what is left stays as customer credit.

    Signals:
        recorded: the payment was stored (its id); the dialog then closes as accepted.
    """

    recorded = Signal(int)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None, customer_id: CustomerId | None = None,
                 invoice_id: InvoiceId | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._invoice_id = invoice_id
        self.payment_id: PaymentId | None = None
        company = paydesk.company.get()
        self._company_currency = company.currency if company else "EUR"
        preferred_currency: str | None = None
        preferred_amount: Decimal | None = None
        if invoice_id is not None:
            invoice = paydesk.invoices.get(invoice_id)
            customer_id = customer_id or invoice.draft.customer_id
            preferred_currency = invoice.draft.currency
            preferred_amount = invoice.open_amount or None
        self.setWindowTitle(self.tr("Record payment"))
        self.setMinimumWidth(580)

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.customer = QComboBox(self)
        self.customer.setEditable(True)
        self.customer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer.lineEdit().setPlaceholderText(self.tr("Type a name or customer number…"))
        for choice_id, number, name in paydesk.customers.choices():
            label = f"{name} ({number})"
            self.customer.addItem(label, choice_id)
        self.customer.setCurrentIndex(-1)
        completer = QCompleter(self.customer.model(), self.customer)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.customer.setCompleter(completer)
        self.customer.setMinimumWidth(320)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        today = paydesk.today()
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("e.g. 1250.00"))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.currency = QComboBox(self)
        self.method = QComboBox(self)
        for method in PaymentMethod:
            self.method.addItem(method_label(method), method.value)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Bank reference, receipt number…"))

        self.model = AllocationModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(170)
        self.no_items = QLabel(self)
        self.no_items.setWordWrap(True)
        self.no_items.setStyleSheet("color: palette(placeholder-text);")
        self.credit_label = QLabel(self)
        self.existing_credit = QLabel(self)
        self.existing_credit.setStyleSheet("color: palette(placeholder-text);")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Customer"), e.wrap("customer", self.customer, self.tr("Customer")))
        form.addRow(self.tr("Date received"), e.wrap("date", self.date, self.tr("Date received")))
        amount_row = QHBoxLayout()
        amount_row.addWidget(e.wrap("amount", self.amount, self.tr("Amount")), 1)
        amount_row.addWidget(e.wrap("currency", self.currency, self.tr("Currency")))
        form.addRow(self.tr("Amount"), amount_row)
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Note"), self.note)
        e.bind("allocations", self.table, self.tr("Allocation"))
        e.bind_list("allocations", lambda _index: self.table, self.tr("Allocation"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.record_button = self.buttons.addButton(self.tr("Record"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setDefault(True)
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)

        allocation_title = QLabel(self.tr("Allocate to open invoices (oldest first; edit the amounts as needed)"), self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(allocation_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_items)
        layout.addWidget(self.credit_label)
        layout.addWidget(self.existing_credit)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self._loaded_customer: CustomerId | bool | None = False  # False: nothing loaded yet
        self.customer.currentIndexChanged.connect(self._customer_changed)
        self.customer.lineEdit().editingFinished.connect(self._customer_changed)
        self.currency.currentIndexChanged.connect(self._currency_changed)
        self.amount.textChanged.connect(self._amount_edited)
        self.model.edited.connect(self._allocation_edited)

        if customer_id is not None:
            self.customer.setCurrentIndex(self.customer.findData(customer_id))
        self._customer_changed()
        if preferred_currency is not None:
            self.currency.setCurrentIndex(max(self.currency.findData(preferred_currency), 0))
        if preferred_amount is not None:
            self.amount.setText(money(preferred_amount, self.currency_code()))
        self.amount.setFocus()

    # --- reading the form -------------------------------------------------------------------
    def customer_id(self) -> CustomerId | None:
        index = self.customer.findText(self.customer.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        data = self.customer.itemData(index) if index >= 0 else None
        return CustomerId(int(data)) if data is not None else None

    def currency_code(self) -> str:
        return str(self.currency.currentData() or self._company_currency)

    def payment_amount(self) -> Decimal | None:
        return parse_money(self.amount.text())

    def payment_date(self) -> date:
        value = self.date.date()
        return date(value.year(), value.month(), value.day())

    # --- actions ----------------------------------------------------------------------------
    def suggest(self) -> None:
        """Fill the allocations oldest first (the chosen invoice first when opened for one)."""
        customer_id, amount = self.customer_id(), self.payment_amount()
        if customer_id is None or amount is None or amount <= 0:
            self.model.set_allocations([])
        else:
            items = self.model.items()
            preferred = next((i for i in items if i.invoice_id == self._invoice_id), None)
            if preferred is not None:
                take = min(amount, preferred.open_amount)
                rest = oldest_first(amount - take, [i for i in items if i is not preferred])
                self.model.set_allocations([Allocation(preferred.invoice_id, take), *rest])
            else:
                self.model.set_allocations(self._paydesk.payments.suggest(customer_id, amount, self.currency_code()))
        self._update_credit()

    def record(self) -> bool:
        """Validate and record through the service; problems are shown at the fields."""
        problems: dict[str, str] = {}
        customer_id, amount = self.customer_id(), self.payment_amount()
        if customer_id is None:
            problems["customer"] = self.tr("Choose the customer who paid.")
        if amount is None:
            problems["amount"] = self.tr("Enter the amount received, such as 1250.00.")
        if problems or customer_id is None or amount is None:
            self.errors.show(ValidationError(problems))
            return False
        payment = PaymentInput(customer_id, self.payment_date(), amount, self.currency_code(),
                               PaymentMethod(self.method.currentData()), self.note.text().strip(), self.model.allocations())
        try:
            payment_id = self._paydesk.payments.record(payment)
        except ValidationError as error:
            self._show_errors(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.errors.clear()
        self.payment_id = payment_id
        self.recorded.emit(payment_id)
        self.accept()
        return True

    # --- inside -----------------------------------------------------------------------------
    def _show_errors(self, error: ValidationError) -> None:
        self.errors.show(error)
        self.model.show_errors(error)

    def _customer_changed(self) -> None:
        customer_id = self.customer_id()
        if customer_id == self._loaded_customer and self._loaded_customer is not False:
            return
        self._loaded_customer = customer_id
        currencies = [self._company_currency]
        credit: dict[str, Decimal] = {}
        if customer_id is not None:
            currencies += [i.currency for i in self._paydesk.payments.open_items(customer_id)]
            credit = self._paydesk.payments.credit(customer_id)
        chosen = self.currency_code() if self.currency.count() else None
        self.currency.blockSignals(True)
        self.currency.clear()
        for code in dict.fromkeys(currencies):
            self.currency.addItem(code, code)
        if chosen is not None and self.currency.findData(chosen) >= 0:
            self.currency.setCurrentIndex(self.currency.findData(chosen))
        self.currency.blockSignals(False)
        if credit:
            text = ", ".join(f"{money(amount, code)} {code}" for code, amount in sorted(credit.items()))
            self.existing_credit.setText(self.tr("Credit the customer already has: %1").replace("%1", text))
        else:
            self.existing_credit.clear()
        self.existing_credit.setVisible(bool(credit))
        self._currency_changed()

    def _currency_changed(self) -> None:
        customer_id, currency = self.customer_id(), self.currency_code()
        items = self._paydesk.payments.open_items(customer_id, currency) if customer_id is not None else []
        preferred = [i for i in items if i.invoice_id == self._invoice_id]
        self.model.set_items(preferred + [i for i in items if i.invoice_id != self._invoice_id], currency)
        if customer_id is None:
            self.no_items.setText(self.tr("Choose a customer to see their open invoices."))
        else:
            self.no_items.setText(self.tr("No open invoices in %1: the whole payment becomes customer credit.")
                                  .replace("%1", currency))
        self.no_items.setVisible(not items)
        self.table.setVisible(bool(items))
        self.suggest()

    def _amount_edited(self) -> None:
        self.suggest()

    def _allocation_edited(self) -> None:
        for field in self.errors.marked():
            if field.startswith("allocations"):
                self.errors.clear_field(field)
        self._update_credit()

    def _update_credit(self) -> None:
        amount, currency = self.payment_amount(), self.currency_code()
        allocated = self.model.allocated()
        if amount is None:
            self.credit_label.clear()
            return
        left = amount - allocated
        if left < 0:
            self.credit_label.setText(self.tr("Allocated %1 more than the payment.").replace("%1", f"{money(-left, currency)} "
                                                                                              f"{currency}"))
            self.credit_label.setStyleSheet(f"color: {ERROR_COLOR};")
        else:
            self.credit_label.setText(self.tr("Left as customer credit: %1").replace("%1", f"{money(left, currency)} {currency}"))
            self.credit_label.setStyleSheet("font-weight: bold;" if left > 0 else "")
