"""Pausing a subscription from a date (with an optional resume date, and the credit for unused
days already invoiced shown first), and resuming a paused one."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.subscriptions import Settle, SubscriptionId, SubscriptionState
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors, error_label
from desktop.ui.formatting import date_text, from_qdate, to_qdate
from desktop.ui.proration_panel import ProrationPanel
from desktop.ui.subscription_editor import date_edit
from desktop.ui.subscription_texts import change_result_text


class PauseDialog(QDialog):
    """Signals:
        changed: the subscription's id, after it was paused (``result_text`` says what happened).
    """

    changed = Signal(int)

    def __init__(self, paydesk: Paydesk, sub_id: SubscriptionId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._sub_id = sub_id
        self._sub = paydesk.subscriptions.get(sub_id)
        self.result_text = ""
        self.setWindowTitle(self.tr("Pause {name}").format(name=self._sub.name))
        self.resize(820, 480)
        start = max(paydesk.today(), self._sub.start)
        self.on = date_edit(self, start)
        self.resumes = QCheckBox(self.tr("Resume on"), self)
        self.resume_on = date_edit(self, start + timedelta(days=30))
        self.resume_on.setEnabled(False)
        self.next_invoice = QRadioButton(self.tr("On the next invoice"), self)
        self.now = QRadioButton(self.tr("At once (a credit note)"), self)
        self.next_invoice.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.next_invoice)
        group.addButton(self.now)
        self.preview = ProrationPanel(self, with_charge=False)
        self.field_errors = FieldErrors(self)
        self.summary = error_label(self)
        self.buttons = QDialogButtonBox(self)
        self.pause_button = self.buttons.addButton(self.tr("Pause"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)

        resume = QWidget(self)
        resume_row = QHBoxLayout(resume)
        resume_row.setContentsMargins(0, 0, 0, 0)
        resume_row.addWidget(self.resumes)
        resume_row.addWidget(self.resume_on)
        resume_row.addStretch(1)
        settle = QWidget(self)
        settle_row = QHBoxLayout(settle)
        settle_row.setContentsMargins(0, 0, 0, 0)
        settle_row.addWidget(self.next_invoice)
        settle_row.addWidget(self.now)
        settle_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("&Pause from"), self.field_errors.wrap("on", self.on, self.tr("Pause from")))
        form.addRow("", self.field_errors.wrap("resume_on", resume, self.tr("Resume on")))
        form.addRow(self.tr("Credit"), settle)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Nothing is billed while the subscription is paused. Days already invoiced "
                                        "after the pause starts are credited."), self))
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.resumes.toggled.connect(self.resume_on.setEnabled)
        self.on.dateChanged.connect(self.update_preview)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self.update_preview()

    def _day(self) -> date:
        return from_qdate(self.on.date())

    def update_preview(self) -> None:
        try:
            self.preview.show_preview(self._paydesk.subscriptions.preview_change(self._sub_id, self._day(), None))
        except PaydeskError as error:
            self.preview.show_problem(error)

    def confirm(self) -> bool:
        resume_on = from_qdate(self.resume_on.date()) if self.resumes.isChecked() else None
        settle = Settle.NOW if self.now.isChecked() else Settle.NEXT_INVOICE
        try:
            result = self._paydesk.subscriptions.pause(self._sub_id, self._day(), resume_on, settle)
        except PaydeskError as error:
            if isinstance(error, ValidationError):
                self.field_errors.show(error)
            self.summary.setText(self.tr("Nothing was changed: {problem}").format(problem=messages.error_text(error)))
            self.summary.show()
            return False
        text = (self.tr("{name} paused from {day} until {resume}.").format(
                    name=self._sub.name, day=date_text(self._day()), resume=date_text(resume_on)) if resume_on
                else self.tr("{name} paused from {day}.").format(name=self._sub.name, day=date_text(self._day())))
        self.result_text = text + " " + change_result_text(result)
        self.changed.emit(self._sub_id)
        self.accept()
        return True


class ResumeDialog(QDialog):
    """Signals:
        changed: the subscription's id, after it was resumed.
    """

    changed = Signal(int)

    def __init__(self, paydesk: Paydesk, sub_id: SubscriptionId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._sub_id = sub_id
        self._sub = paydesk.subscriptions.get(sub_id)
        self.result_text = ""
        self.setWindowTitle(self.tr("Resume {name}").format(name=self._sub.name))
        today = paydesk.today()
        paused_from = next((t.effective_from for t in reversed(self._sub.terms) if t.paused and t.effective_from <= today),
                           None)
        self.on = date_edit(self, max(today, paused_from + timedelta(days=1)) if paused_from else today)
        if paused_from is not None:
            self.on.setMinimumDate(to_qdate(paused_from + timedelta(days=1)))
        self.field_errors = FieldErrors(self)
        self.summary = error_label(self)
        self.buttons = QDialogButtonBox(self)
        self.resume_button = self.buttons.addButton(self.tr("Resume"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        note = QLabel(self.tr("From that day the last plan is billed again; its first period is prorated."), self)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Resume on"), self.field_errors.wrap("on", self.on, self.tr("Resume on")))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)

    def confirm(self) -> bool:
        day = from_qdate(self.on.date())
        try:
            if self._sub.state_on(day) is not SubscriptionState.PAUSED:
                raise ValidationError({"on": self.tr("The subscription is not paused on that day.")})
            result = self._paydesk.subscriptions.resume(self._sub_id, day)
        except PaydeskError as error:
            if isinstance(error, ValidationError):
                self.field_errors.show(error)
            self.summary.setText(self.tr("Nothing was changed: {problem}").format(problem=messages.error_text(error)))
            self.summary.show()
            return False
        self.result_text = self.tr("{name} resumes on {day}.").format(name=self._sub.name, day=date_text(day)) + " " + \
            change_result_text(result)
        self.changed.emit(self._sub_id)
        self.accept()
        return True
