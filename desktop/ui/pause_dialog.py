"""Pausing reminders for a customer: a dispute, a promise to pay by a date, or a hold, for all of
the customer's invoices or for chosen open ones, with the reason shown in the timeline."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dunning.model import PauseKind
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate
from desktop.ui.open_invoice_checklist import OpenInvoiceChecklist

PROMISE_DAYS = 14


def pause_kind_text(kind: PauseKind) -> str:
    texts = {
        PauseKind.DISPUTE: QCoreApplication.translate("PauseKind", "Dispute"),
        PauseKind.PROMISE: QCoreApplication.translate("PauseKind", "Promise to pay"),
        PauseKind.PLAN: QCoreApplication.translate("PauseKind", "Payment plan"),
        PauseKind.HOLD: QCoreApplication.translate("PauseKind", "Hold"),
    }
    return texts[kind]


class PauseDialog(QDialog):
    """Add a pause of ``kind`` (dispute, promise or hold). ``save()`` stores one pause for the whole
    customer, or one per ticked invoice.

    Signals:
        saved: the pauses were stored; the dialog then closes as accepted.
    """

    saved = Signal()

    def __init__(self, paydesk: Paydesk, customer_id: CustomerId, kind: PauseKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._customer_id = customer_id
        self.kind = kind
        titles = {PauseKind.DISPUTE: self.tr("Add a dispute"), PauseKind.PROMISE: self.tr("Add a promise to pay"),
                  PauseKind.HOLD: self.tr("Hold reminders")}
        intros = {
            PauseKind.DISPUTE: self.tr("While the customer disputes an invoice, it gets no reminders. End the dispute "
                                       "when it is settled."),
            PauseKind.PROMISE: self.tr("The customer promised to pay by a date: no reminders until then. If it is not "
                                       "paid by that day, reminders go on."),
            PauseKind.HOLD: self.tr("Stop reminders for a while, for any reason you note here."),
        }
        self.setWindowTitle(titles.get(kind, pause_kind_text(kind)))
        self.setMinimumWidth(520)
        intro = QLabel(intros.get(kind, ""), self)
        intro.setWordWrap(True)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)

        self.whole = QRadioButton(self.tr("All of the customer's invoices"), self)
        self.some = QRadioButton(self.tr("Only the invoices ticked below"), self)
        group = QButtonGroup(self)
        group.addButton(self.whole)
        group.addButton(self.some)
        self.invoices = OpenInvoiceChecklist(paydesk.payments.open_items(customer_id), self)
        self.invoices.setMinimumHeight(120)
        self.errors.bind("invoices", self.invoices, self.tr("Invoices"))
        self.no_invoices = QLabel(self.tr("The customer has no open invoices."), self)
        self.no_invoices.setStyleSheet("color: palette(placeholder-text);")
        self.no_invoices.setVisible(not self.invoices.items)
        self.invoices.setVisible(bool(self.invoices.items))
        self.some.setEnabled(bool(self.invoices.items))
        self.some.toggled.connect(self.invoices.setEnabled)
        self.invoices.selection_changed.connect(lambda: self.some.setChecked(True))
        if kind is PauseKind.DISPUTE and self.invoices.items:
            self.some.setChecked(True)
        else:
            self.whole.setChecked(True)

        self.reason = QLineEdit(self)
        placeholders = {PauseKind.DISPUTE: self.tr("e.g. says the goods arrived damaged"),
                        PauseKind.PROMISE: self.tr("e.g. promised on the phone to Anna"),
                        PauseKind.HOLD: self.tr("e.g. waiting for their new purchase order")}
        self.reason.setPlaceholderText(placeholders.get(kind, ""))
        today = paydesk.today()
        self.has_until = QCheckBox(self.tr("Ends on"), self)
        self.until = QDateEdit(self)
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat(qt_date_format())
        self.until.setMinimumDate(to_qdate(today))
        self.until.setDate(to_qdate(today + timedelta(days=PROMISE_DAYS)))
        if kind is PauseKind.PROMISE:
            self.has_until.setChecked(True)
            self.has_until.setEnabled(False)
        self.until.setEnabled(self.has_until.isChecked())
        self.has_until.toggled.connect(self.until.setEnabled)
        until_label = self.tr("Pay by") if kind is PauseKind.PROMISE else self.tr("Until")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("For"), self.whole)
        form.addRow("", self.some)
        form.addRow("", self.invoices)
        form.addRow("", self.no_invoices)
        form.addRow(self.tr("Reason"), self.errors.wrap("reason", self.reason, self.tr("Reason")))
        if kind is PauseKind.PROMISE:
            form.addRow(until_label, self.errors.wrap("until", self.until, until_label))
        else:
            form.addRow(until_label, self.has_until)
            form.addRow("", self.errors.wrap("until", self.until, until_label))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def save(self) -> bool:
        until = from_qdate(self.until.date()) if self.has_until.isChecked() else None
        targets = [None] if self.whole.isChecked() else list(self.invoices.checked())
        try:
            if not targets:
                raise ValidationError({"invoices": self.tr("Tick the invoices to pause, or choose all invoices.")})
            self._paydesk.pauses.add_many(self._customer_id, self.kind, self.reason.text(), until, targets)
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.saved.emit()
        self.accept()
        return True
