"""Crediting an issued invoice: all of it, some of its lines, or an amount including VAT."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import InvoiceId
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import money, money_with_currency, number, parse_decimal


class CreditNoteDialog(QDialog):
    """Issues the credit note itself; ``number`` holds its number once the dialog is accepted."""

    WHOLE, LINES, AMOUNT = range(3)

    def __init__(self, paydesk: Paydesk, invoice_id: InvoiceId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._invoice_id = invoice_id
        self.number: str | None = None
        record = paydesk.invoices.get(invoice_id)
        self._currency = currency = record.draft.currency
        self._creditable = paydesk.credit_notes.creditable(invoice_id)
        untouched = self._creditable == record.total
        self.setWindowTitle(self.tr("Credit note for invoice {number}").format(number=record.number))
        self.setMinimumWidth(560)

        self.info = QLabel(self.tr("Invoice {number} to {customer}: total {total}; {left} can still be credited.").format(
            number=record.number, customer=record.bill_name, total=money_with_currency(record.total, currency),
            left=money_with_currency(self._creditable, currency)), self)
        self.info.setWordWrap(True)

        self.whole = QRadioButton(self.tr("The whole invoice ({total})").format(
            total=money_with_currency(record.total, currency)), self)
        self.whole.setEnabled(untouched)
        if not untouched:
            self.whole.setToolTip(self.tr("Part of this invoice was credited already"))
        self.by_lines = QRadioButton(self.tr("Selected lines"), self)
        self.by_amount = QRadioButton(self.tr("An amount including VAT"), self)
        self.mode = QButtonGroup(self)
        for mode, button in ((self.WHOLE, self.whole), (self.LINES, self.by_lines), (self.AMOUNT, self.by_amount)):
            self.mode.addButton(button, mode)
        (self.whole if untouched else self.by_amount).setChecked(True)

        self.lines = QListWidget(self)
        for position, line in enumerate(record.draft.lines):
            gross = line.net(currency) + line.vat(currency)
            item = QListWidgetItem(self.tr("{description} — {quantity} × {price}, {gross} incl. VAT").format(
                description=line.description, quantity=number(line.quantity), price=money(line.unit_price, currency),
                gross=money_with_currency(gross, currency)), self.lines)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, position)
        self.lines.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)

        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(money(self._creditable, currency))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.vat_rate = QComboBox(self)
        self.vat_rate.setEditable(True)
        rates = sorted({line.vat_rate.normalize() for line in record.draft.lines}, reverse=True) or [Decimal(0)]
        self.vat_rate.addItems([number(rate) for rate in rates])
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Printed on the credit note (optional)"))

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.issue_button: QPushButton = self.buttons.addButton(self.tr("Issue credit note"),
                                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.issue)
        self.buttons.rejected.connect(self.reject)
        self._layout(currency)
        self.mode.idToggled.connect(self._update_enabled)
        self._update_enabled()

    def _layout(self, currency: str) -> None:
        amount_row = QWidget(self)
        row = QHBoxLayout(amount_row)
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(self.errors.wrap("amount", self.amount, self.tr("Amount")), 1)
        row.addWidget(QLabel(currency, self))
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("at VAT rate"), self))
        row.addWidget(self.vat_rate)
        row.addWidget(QLabel(self.tr("%"), self))
        lines_box = QWidget(self)
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(24, 0, 0, 0)
        lines_layout.addWidget(self.errors.wrap("lines", self.lines, self.tr("Lines")))
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addSpacing(6)
        layout.addWidget(self.whole)
        layout.addWidget(self.by_lines)
        layout.addWidget(lines_box)
        layout.addWidget(self.by_amount)
        layout.addWidget(amount_row)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _update_enabled(self) -> None:
        mode = self.mode.checkedId()
        self.lines.setEnabled(mode == self.LINES)
        self.amount.setEnabled(mode == self.AMOUNT)
        self.vat_rate.setEnabled(mode == self.AMOUNT)

    def checked_positions(self) -> list[int]:
        items = (self.lines.item(row) for row in range(self.lines.count()))
        return [int(item.data(Qt.ItemDataRole.UserRole)) for item in items if item.checkState() == Qt.CheckState.Checked]

    def issue(self) -> None:
        try:
            action = self._action()
        except PaydeskError as error:
            self._show(error)
            return
        if not messages.confirm(self, self.windowTitle(),
                                self.tr("The credit note gets the next credit note number and cannot be changed "
                                        "afterwards.\n\nIssue it now?"), self.tr("Issue credit note")):
            return
        try:
            self.number = action()
        except PaydeskError as error:
            self._show(error)
            return
        self.accept()

    def _action(self) -> Callable[[], str]:
        """What the form asks for, checked as far as can be done here."""
        reason = self.reason.text().strip()
        notes, invoice_id = self._paydesk.credit_notes, self._invoice_id
        mode = self.mode.checkedId()
        if mode == self.WHOLE:
            return lambda: notes.credit_whole(invoice_id, reason)
        if mode == self.LINES:
            positions = self.checked_positions()
            if not positions:
                raise ValidationError({"lines": self.tr("Tick at least one line to credit.")})
            return lambda: notes.credit_lines(invoice_id, positions, reason)
        try:
            amount = parse_decimal(self.amount.text())
        except ValueError:
            raise ValidationError({"amount": self.tr("Type the amount to credit, such as 100.00.")}) from None
        try:
            rate = parse_decimal(self.vat_rate.currentText())
        except ValueError:
            raise ValidationError({"amount": self.tr("The VAT rate is not a number.")}) from None
        return lambda: notes.credit_amount(invoice_id, amount, rate, reason)

    def _show(self, error: PaydeskError) -> None:
        if isinstance(error, ValidationError):
            self.errors.show(error)
        else:
            self.errors.show_message(error)

