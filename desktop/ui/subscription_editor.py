"""Writing a subscription: customer, name, currency, plan lines with totals per period, interval,
start and optional end, in advance or in arrears, payment term and how its invoices go out.

Once a period is billed the plan, start, timing, currency and customer are read-only here: the
dialog offers Change plan… (which prorates) instead. Problems show at their fields and lines.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.subscriptions import Subscription, SubscriptionId, Timing, validate_subscription
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.field_errors import FieldErrors, error_label
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate
from desktop.ui.invoice_editor import CURRENCIES
from desktop.ui.plan_lines_editor import IntervalPicker, PlanLinesEditor

DEFAULT_TERM = -1  # the payment term spin box's "customer's term" value
HEADER_FIELDS = ("customer", "name", "currency", "start", "end", "interval", "payment_term_days", "timing", "lines")


def date_edit(parent: QWidget, value: date) -> QDateEdit:
    edit = QDateEdit(to_qdate(value), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(qt_date_format())
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


class SubscriptionEditor(QDialog):
    """Edit a subscription (``sub`` None: a new one, for ``customer_id`` if given).

    Signals:
        saved: the subscription's id after saving.
        plan_changed: the id, after Change plan… changed it (the dialog stays open).
    """

    saved = Signal(int)
    plan_changed = Signal(int)

    def __init__(self, paydesk: Paydesk, sub: Subscription | None = None, parent: QWidget | None = None,
                 customer_id: CustomerId | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        today = paydesk.today()
        currency = paydesk.company.get().currency if sub is None else sub.currency
        self._sub = sub or Subscription.new(customer_id, "", currency, today, [])  # type: ignore[arg-type]
        self.billed = sub is not None and sub.id is not None and bool(paydesk.subscriptions.periods(sub.id))
        self._dirty = False
        self.setWindowTitle(self.tr("New subscription") if sub is None else self.tr("Subscription {name}").format(name=sub.name))
        self.setSizeGripEnabled(True)
        self.resize(900, 680)
        self._build()
        self._fill(self._sub)
        self._connect()
        self._dirty = False

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        sub = self._sub
        self.customer = CustomerPicker(self._paydesk.customers, self)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Printed on its invoices, e.g. “Cloud hosting”"))
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.currency))
        self.currency.addItems(list(dict.fromkeys((sub.currency, *CURRENCIES))))
        self.interval = IntervalPicker(sub.term_on(sub.start).interval_months, self)
        self.start = date_edit(self, sub.start)
        self.has_end = QCheckBox(self.tr("Ends on"), self)
        self.end = date_edit(self, sub.end or sub.start)
        self.timing = QComboBox(self)
        self.timing.addItem(self.tr("In advance: invoice before each period"), Timing.ADVANCE)
        self.timing.addItem(self.tr("In arrears: invoice after each period"), Timing.ARREARS)
        self.term = QSpinBox(self)
        self.term.setRange(DEFAULT_TERM, 365)
        self.term.setSuffix(self.tr(" days"))
        self.term.setMinimumWidth(self.term.fontMetrics().horizontalAdvance(self.tr("Customer's term (365 days)")) + 40)
        self.auto_send = QRadioButton(self.tr("Finalize and email automatically"), self)
        self.drafts = QRadioButton(self.tr("Leave as drafts for review"), self)
        self.sending = QButtonGroup(self)
        self.sending.addButton(self.auto_send)
        self.sending.addButton(self.drafts)
        self.lines = PlanLinesEditor(sub.currency, sub.lines, read_only=self.billed, parent=self)
        self.lines.set_interval(self.interval.months())
        self.billed_note = QLabel(self.tr("Periods of this subscription are invoiced: its plan, start, timing, currency "
                                          "and customer stay as they are. Use Change plan… to change the plan from a "
                                          "date (with a credit for unused time)."), self)
        self.billed_note.setWordWrap(True)
        self.billed_note.setVisible(self.billed)
        self.summary = error_label(self)
        self.field_errors = FieldErrors(self)
        self.change_button = QPushButton(self.tr("Change plan…"), self)
        self.change_button.setVisible(self.billed)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        for button in (self.change_button, self.cancel_button):
            button.setAutoDefault(False)
        for widget in (self.customer, self.currency, self.start, self.timing, self.interval):
            widget.setEnabled(not self.billed)
        self._lay_out()

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 1)

        def field(row: int, column: int, title: str, widget: QWidget, name: str, span: int = 1,
                  buddy: QWidget | None = None) -> None:
            label = QLabel(title, self)
            label.setBuddy(buddy or widget)
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(widget, row, column + 1, 1, span)
            message = error_label(self)
            grid.addWidget(message, row + 1, column + 1, 1, span)
            self.field_errors.bind(name, buddy or widget, title.replace("&", ""), message)

        dates = QWidget(self)
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        dates_row.addWidget(self.start)
        dates_row.addSpacing(16)
        dates_row.addWidget(self.has_end)
        dates_row.addWidget(self.end)
        dates_row.addStretch(1)
        sending = QWidget(self)
        sending_row = QHBoxLayout(sending)
        sending_row.setContentsMargins(0, 0, 0, 0)
        sending_row.addWidget(self.auto_send)
        sending_row.addWidget(self.drafts)
        sending_row.addStretch(1)
        field(0, 0, self.tr("&Customer"), self.customer, "customer")
        field(0, 2, self.tr("C&urrency"), self.currency, "currency")
        field(2, 0, self.tr("&Name"), self.name, "name", span=3)
        field(4, 0, self.tr("&Interval"), self.interval, "interval", buddy=self.interval.combo)
        field(4, 2, self.tr("&Timing"), self.timing, "timing")
        field(6, 0, self.tr("&Start"), dates, "start", span=3, buddy=self.start)
        self.field_errors.bind("end", self.end, self.tr("End"), None)
        term = QWidget(self)
        term_row = QHBoxLayout(term)
        term_row.setContentsMargins(0, 0, 0, 0)
        term_row.addWidget(self.term)
        term_row.addStretch(1)
        field(8, 0, self.tr("&Payment term"), term, "payment_term_days", span=3, buddy=self.term)
        field(10, 0, self.tr("Invoices"), sending, "auto_send", span=3, buddy=self.auto_send)

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.change_button)
        buttons.addWidget(self.save_button)
        title = QLabel(self.tr("Plan lines"), self)
        title.setBuddy(self.lines.table)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.billed_note)
        layout.addWidget(self.lines, 1)
        self.field_errors.bind("lines", self.lines.table, self.tr("Plan lines"))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    def _fill(self, sub: Subscription) -> None:
        self.customer.set_customer_id(sub.customer_id)
        self.name.setText(sub.name)
        self.currency.setCurrentText(sub.currency)
        self.timing.setCurrentIndex(self.timing.findData(sub.timing))
        self.has_end.setChecked(sub.end is not None)
        self.end.setEnabled(sub.end is not None)
        self.term.setValue(DEFAULT_TERM if sub.payment_term_days is None else sub.payment_term_days)
        (self.auto_send if sub.auto_send else self.drafts).setChecked(True)
        self._update_default_term()

    def _connect(self) -> None:
        self.customer.customer_changed.connect(self._customer_chosen)
        self.currency.currentTextChanged.connect(self._currency_changed)
        self.interval.changed.connect(self._interval_changed)
        self.has_end.toggled.connect(self._end_toggled)
        for signal in (self.name.textChanged, self.start.dateChanged, self.end.dateChanged, self.timing.currentIndexChanged,
                       self.term.valueChanged, self.auto_send.toggled, self.lines.edited):
            signal.connect(self._mark_dirty)
        self.change_button.clicked.connect(self.change_plan)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    # --- reacting to edits --------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self._dirty = True

    def _customer_chosen(self, _customer_id: CustomerId | None) -> None:
        self._mark_dirty()
        self._update_default_term()

    def _update_default_term(self) -> None:
        customer_id = self.customer.customer_id()
        days: int | None = None
        if customer_id is not None:
            try:
                days = self._paydesk.invoices.payment_term_for(customer_id)
            except PaydeskError:
                days = None
        self.term.setSpecialValueText(self.tr("Customer's term ({days} days)").format(days=days) if days is not None
                                      else self.tr("Customer's term"))

    def _currency_changed(self, text: str) -> None:
        self._mark_dirty()
        self.lines.set_currency(text.strip().upper())

    def _interval_changed(self, months: int) -> None:
        self._mark_dirty()
        self.lines.set_interval(months)

    def _end_toggled(self, on: bool) -> None:
        self._mark_dirty()
        self.end.setEnabled(on)
        if on and self.end.date() < self.start.date():
            self.end.setDate(self.start.date())

    # --- saving --------------------------------------------------------------------------------
    def current(self) -> Subscription:
        """What the form says; raises ``ValidationError`` with every problem (numbers that do not
        parse, and what the domain's validation finds)."""
        problems: dict[str, str] = {}
        term = self.term.value()
        common = {
            "name": self.name.text().strip(), "end": from_qdate(self.end.date()) if self.has_end.isChecked() else None,
            "payment_term_days": None if term == DEFAULT_TERM else term, "auto_send": self.auto_send.isChecked(),
        }
        if self.billed:
            sub = replace(self._sub, **common)  # type: ignore[arg-type]
        else:
            lines = self.lines.plan_lines()
            problems = self.lines.input_problems()
            start = from_qdate(self.start.date())
            sub = Subscription.new(self.customer.customer_id(), "", self.currency.currentText().strip().upper(),  # type: ignore[arg-type]
                                   start, lines, self.interval.months())
            sub = replace(sub, timing=self.timing.currentData(), id=self._sub.id, notes=self._sub.notes, **common)  # type: ignore[arg-type]
        try:
            validate_subscription(sub)
        except ValidationError as error:
            problems = {**{k: v for k, v in error.fields.items() if not (problems and k == "lines")}, **problems}
        if problems:
            raise ValidationError(problems)
        return sub

    def save(self) -> bool:
        try:
            sub = self.current()
            sub_id = self._paydesk.subscriptions.save(sub)
        except PaydeskError as error:
            if not self.billed and not self.lines.model.rowCount():
                self.lines.model.add_line()  # somewhere to type the first line
            self.show_error(error)
            return False
        self._sub.id = sub_id
        self._dirty = False
        self.saved.emit(sub_id)
        self.accept()
        return True

    def change_plan(self) -> QDialog | None:
        """Open Change plan… over this dialog; afterwards the plan shown here is read again."""
        from desktop.ui.change_plan_dialog import ChangePlanDialog

        if self._sub.id is None:
            return None
        dialog = ChangePlanDialog(self._paydesk, self._sub.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._plan_was_changed)
        dialog.open()
        return dialog

    def _plan_was_changed(self, sub_id: int) -> None:
        try:
            fresh = self._paydesk.subscriptions.get(SubscriptionId(sub_id))
        except PaydeskError as error:
            self.show_error(error)
            return
        self._sub = replace(fresh, name=self._sub.name)
        old = self.lines
        self.lines = PlanLinesEditor(fresh.currency, fresh.lines, read_only=True, parent=self)
        self.lines.set_interval(fresh.term_on(self._paydesk.today()).interval_months)
        self.layout().replaceWidget(old, self.lines)
        old.deleteLater()
        self.plan_changed.emit(sub_id)

    def reject(self) -> None:
        if self._dirty and not messages.confirm(self, self.tr("Discard changes"),
                                                self.tr("Close the subscription without saving your changes?"),
                                                self.tr("Discard")):
            return
        super().reject()

    # --- errors ---------------------------------------------------------------------------------
    def show_error(self, error: PaydeskError) -> None:
        """Each problem at its field or plan line, and all of them in the summary."""
        fields = error.fields if isinstance(error, ValidationError) else {}
        self.lines.set_errors(fields)
        self.field_errors.show(ValidationError({k: v for k, v in fields.items() if k in HEADER_FIELDS}))
        problems = list(fields.values()) or [messages.error_text(error)]
        if len(problems) == 1:
            text = self.tr("Nothing was saved: {problem}").format(problem=problems[0])
        else:
            text = self.tr("Nothing was saved. Fix these first:") + "\n" + "\n".join(f"• {p}" for p in problems)
        self.summary.setText(text)
        self.summary.show()

    def errors(self) -> dict[str, str]:
        """The messages on show at header fields, by field name."""
        return {name: self.field_errors.message(name) or "" for name in self.field_errors.marked()}

    @property
    def subscription_id(self) -> SubscriptionId | None:
        return self._sub.id
