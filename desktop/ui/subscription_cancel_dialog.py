"""Cancelling a subscription: after the current period, or on a day with the unused days already
invoiced credited at once (the prorated credit is shown before the user confirms)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.subscriptions import SubscriptionId, period_containing
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors, error_label
from desktop.ui.formatting import date_text, from_qdate
from desktop.ui.proration_panel import ProrationPanel
from desktop.ui.subscription_editor import date_edit
from desktop.ui.subscription_texts import change_result_text


class CancelDialog(QDialog):
    """Signals:
        changed: the subscription's id, after it was cancelled (``result_text`` says what happened).
    """

    changed = Signal(int)

    def __init__(self, paydesk: Paydesk, sub_id: SubscriptionId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._sub_id = sub_id
        self._sub = paydesk.subscriptions.get(sub_id)
        self.result_text = ""
        self.setWindowTitle(self.tr("Cancel {name}").format(name=self._sub.name))
        self.resize(820, 480)
        self._today = max(paydesk.today(), self._sub.start)
        last_day = period_containing(self._sub, self._today)[1]
        if self._sub.end is not None:
            last_day = min(last_day, self._sub.end)
        self.at_period_end = QRadioButton(self.tr("At the end of the current period (its last day: {day})").format(
            day=date_text(last_day)), self)
        self.immediately = QRadioButton(self.tr("From"), self)
        self.on = date_edit(self, self._today)
        self.at_period_end.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.at_period_end)
        group.addButton(self.immediately)
        self.preview = ProrationPanel(self, with_charge=False)
        self.field_errors = FieldErrors(self)
        self.summary = error_label(self)
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(self.tr("Cancel subscription"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = self.buttons.addButton(self.tr("Keep it"), QDialogButtonBox.ButtonRole.RejectRole)

        choices = QGridLayout()
        choices.addWidget(self.at_period_end, 0, 0, 1, 3)
        choices.addWidget(self.immediately, 1, 0)
        choices.addWidget(self.field_errors.wrap("on", self.on, self.tr("From")), 1, 1)
        note = QLabel(self.tr("(unused days already invoiced are credited at once)"), self)
        choices.addWidget(note, 1, 2)
        choices.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("When should {name} for {customer} end?").format(
            name=self._sub.name, customer=self._sub.customer_name), self))
        layout.addLayout(choices)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.at_period_end.toggled.connect(self.update_preview)
        self.on.dateChanged.connect(self._day_changed)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self.update_preview()

    def _day(self) -> date:
        return from_qdate(self.on.date())

    def _day_changed(self) -> None:
        self.immediately.setChecked(True)
        self.update_preview()

    def update_preview(self) -> None:
        if self.at_period_end.isChecked():
            self.preview.show_problem("")
            self.preview.explanation.setStyleSheet("")
            self.preview.explanation.setText(self.tr("Nothing is credited: the periods invoiced are used up, and no "
                                                     "period after this one is billed."))
            return
        try:
            self.preview.show_preview(self._paydesk.subscriptions.preview_change(self._sub_id, self._day(), None))
        except PaydeskError as error:
            self.preview.show_problem(error)

    def confirm(self) -> bool:
        at_end = self.at_period_end.isChecked()
        day = self._today if at_end else self._day()
        try:
            result = self._paydesk.subscriptions.cancel(self._sub_id, day, at_period_end=at_end)
        except PaydeskError as error:
            if isinstance(error, ValidationError):
                self.field_errors.show(error)
            self.summary.setText(self.tr("Nothing was changed: {problem}").format(problem=messages.error_text(error)))
            self.summary.show()
            return False
        end = self._paydesk.subscriptions.get(self._sub_id).end
        self.result_text = self.tr("{name} cancelled; its last day is {day}.").format(
            name=self._sub.name, day=date_text(end)) + " " + change_result_text(result)
        self.changed.emit(self._sub_id)
        self.accept()
        return True
