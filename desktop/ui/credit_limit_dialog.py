"""Setting or removing a customer's credit limit (one amount in one currency)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import money, parse_decimal


class CreditLimitDialog(QDialog):
    """Signals:
        saved: the limit was stored (or removed); the dialog then closes as accepted.
    """

    saved = Signal()

    def __init__(self, paydesk: Paydesk, customer_id: CustomerId, current: tuple[Decimal, str] | None,
                 default_currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._customer_id = customer_id
        self.setWindowTitle(self.tr("Credit limit"))
        self.setMinimumWidth(420)
        intro = QLabel(self.tr("Customers whose open balance is above their limit show in Today and can be "
                               "filtered on the Debtors page."), self)
        intro.setWordWrap(True)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("e.g. 10,000.00"))
        self.currency = QLineEdit(self)
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(70)
        self.remove = QCheckBox(self.tr("No credit limit"), self)
        if current is not None:
            self.amount.setText(money(current[0], current[1]))
            self.currency.setText(current[1])
        else:
            self.currency.setText(default_currency)
        self.remove.toggled.connect(lambda on: (self.amount.setEnabled(not on), self.currency.setEnabled(not on)))
        form = QFormLayout()
        form.addRow(self.tr("Limit"), self.errors.wrap("amount", self.amount, self.tr("Limit")))
        form.addRow(self.tr("Currency"), self.errors.wrap("currency", self.currency, self.tr("Currency")))
        form.addRow("", self.remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            amount = None
            if not self.remove.isChecked():
                try:
                    amount = parse_decimal(self.amount.text())
                except ValueError:
                    raise ValidationError({"amount": self.tr("Enter the limit as an amount, such as 10000.00.")}) from None
            self._paydesk.debtors.set_credit_limit(self._customer_id, amount, self.currency.text())
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.saved.emit()
        self.accept()
        return True
