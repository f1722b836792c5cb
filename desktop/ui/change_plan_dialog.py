"""Change plan: from a date, new plan lines and/or a new interval, the proration settled on the
next invoice or at once; a live preview of the credit and charge before the user confirms."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.subscriptions import Settle, SubscriptionId
from desktop.services.paydesk import Paydesk
from desktop.services.subscriptions import ChangeResult
from desktop.ui.field_errors import FieldErrors, error_label
from desktop.ui.formatting import from_qdate
from desktop.ui.plan_lines_editor import IntervalPicker, PlanLinesEditor
from desktop.ui.proration_panel import ProrationPanel
from desktop.ui.subscription_editor import date_edit
from desktop.ui.subscription_texts import change_result_text, plan_lines

PREVIEW_DELAY_MS = 250


class ChangePlanDialog(QDialog):
    """Signals:
        changed: the subscription's id, after the change was made (``result_text`` says what it did).
    """

    changed = Signal(int)

    def __init__(self, paydesk: Paydesk, sub_id: SubscriptionId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._sub_id = sub_id
        sub = paydesk.subscriptions.get(sub_id)
        self._sub = sub
        on = self._default_day(paydesk.today())
        term = sub.term_on(on)
        self.result: ChangeResult | None = None
        self.result_text = ""
        self.setWindowTitle(self.tr("Change plan of {name}").format(name=sub.name))
        self.setSizeGripEnabled(True)
        self.resize(860, 720)

        self.on = date_edit(self, on)
        self.interval = IntervalPicker(term.interval_months, self)
        self.lines = PlanLinesEditor(sub.currency, term.lines or sub.lines, parent=self)
        self.lines.set_interval(term.interval_months)
        self.next_invoice = QRadioButton(self.tr("On the next invoice"), self)
        self.now = QRadioButton(self.tr("At once (an invoice, or a credit note when the credit is larger)"), self)
        self.next_invoice.setChecked(True)
        self.settle = QButtonGroup(self)
        self.settle.addButton(self.next_invoice)
        self.settle.addButton(self.now)
        self.preview = ProrationPanel(self)
        self.summary = error_label(self)
        self.field_errors = FieldErrors(self)
        self.confirm_button = QPushButton(self.tr("Change plan"), self)
        self.confirm_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAutoDefault(False)
        self._lay_out()

        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.on.dateChanged.connect(self._timer.start)
        self.interval.changed.connect(self._interval_changed)
        self.lines.edited.connect(self._timer.start)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        self.update_preview()

    def _default_day(self, today: date) -> date:
        day = max(today, self._sub.start)
        return min(day, self._sub.end) if self._sub.end is not None else day

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("&Effective from"), self.field_errors.wrap("on", self.on, self.tr("Effective from")))
        form.addRow(self.tr("&Interval"), self.interval)
        settle = QWidget(self)
        settle_row = QHBoxLayout(settle)
        settle_row.setContentsMargins(0, 0, 0, 0)
        settle_row.addWidget(self.next_invoice)
        settle_row.addWidget(self.now)
        settle_row.addStretch(1)
        form.addRow(self.tr("Settle"), settle)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel(self.tr("New plan lines"), self))
        top_layout.addWidget(self.lines, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.preview)
        splitter.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    def _interval_changed(self, months: int) -> None:
        self.lines.set_interval(months)
        self._timer.start()

    def _day(self) -> date:
        return from_qdate(self.on.date())

    def _months(self) -> int | None:
        months = self.interval.months()
        return None if months == self._sub.term_on(self._day()).interval_months else months

    def update_preview(self) -> None:
        """Ask the service what the change as typed would credit and charge."""
        self._timer.stop()
        problems = self.lines.input_problems()
        if problems:
            self.preview.show_problem(next(iter(problems.values())))
            return
        lines = [line for line in self.lines.model.preview_lines() if line.description.strip() or line.unit_price]
        try:
            preview = self._paydesk.subscriptions.preview_change(self._sub_id, self._day(), plan_lines(lines), self._months())
        except PaydeskError as error:
            self.preview.show_problem(error)
            return
        self.preview.show_preview(preview)

    def confirm(self) -> bool:
        self.lines.commit_open_editor()
        problems = self.lines.input_problems()
        settle = Settle.NOW if self.now.isChecked() else Settle.NEXT_INVOICE
        try:
            if problems:
                raise ValidationError(problems)
            result = self._paydesk.subscriptions.change_plan(self._sub_id, self._day(), self.lines.plan_lines(),
                                                             self._months(), settle)
        except PaydeskError as error:
            self.show_error(error)
            return False
        self.result = result
        self.result_text = self.tr("Plan of {name} changed from {day}.").format(
            name=self._sub.name, day=self.on.date().toString(self.on.displayFormat())) + " " + change_result_text(result)
        self.changed.emit(self._sub_id)
        self.accept()
        return True

    def show_error(self, error: PaydeskError) -> None:
        fields = error.fields if isinstance(error, ValidationError) else {}
        self.lines.set_errors(fields)
        self.field_errors.show(ValidationError({k: v for k, v in fields.items() if k == "on"}))
        problems = list(fields.values()) or [str(error)]
        self.summary.setText(self.tr("Nothing was changed: {problem}").format(problem="\n".join(problems)))
        self.summary.show()
