"""Customers › Reminders and timeline: a customer's reminder procedure (the default, a named one,
or excluded), its pauses (dispute, promise to pay, hold) and payment plans with their actions, and
the timeline of everything that happened, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dunning.inputs import PaymentPlan
from desktop.domain.dunning.model import Pause, PauseKind
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.formatting import date_text, money
from desktop.ui.list_widgets import empty_state
from desktop.ui.pause_dialog import PauseDialog, pause_kind_text
from desktop.ui.payment_plan_dialog import PaymentPlanDialog
from desktop.ui.reminder_timeline import fill_timeline, timeline_rows, timeline_table

DEFAULT, EXCLUDED = -1, -2
HINT_STYLE = "color: palette(placeholder-text); padding: 24px;"


def plain_table(parent: QWidget, titles: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(titles), parent)
    table.setHorizontalHeaderLabels(titles)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for n, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(n, column, item)
    for column in range(table.columnCount()):
        if table.horizontalHeader().sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            table.resizeColumnToContents(column)


class CustomerRemindersDialog(QDialog):
    """Everything about one customer's reminders.

    Signals:
        changed: the procedure, a pause or a plan changed.
    """

    changed = Signal()

    def __init__(self, paydesk: Paydesk, customer_id: CustomerId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.customer_id = customer_id
        self.pause_list: list[Pause] = []
        self.plan_list: list[PaymentPlan] = []
        self.child: QDialog | None = None
        self._numbers: dict[InvoiceId, str] = {}
        customer = paydesk.customers.get(customer_id)
        self.setWindowTitle(self.tr("Reminders and timeline: {name} ({number})").format(
            name=customer.name, number=customer.number))
        self.resize(1100, 600)

        self.procedure = QComboBox(self)
        self.procedure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.procedure.activated.connect(self._procedure_chosen)
        self.procedure_note = QLabel(self)
        self.procedure_note.setStyleSheet("color: palette(placeholder-text);")
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.procedure)
        row.addWidget(self.procedure_note, 1)
        form.addRow(self.tr("Reminder procedure"), row)

        self.tabs = QTabWidget(self)
        self.timeline = timeline_table(self)
        self.timeline_hint, self.timeline_stack = self._with_hint(self.timeline, self.tr(
            "Nothing has happened yet. Reminders sent, pauses, payment plans and pay links will show here."))
        self.tabs.addTab(self.timeline_stack, self.tr("Timeline"))

        self.pauses = plain_table(self, [self.tr("Kind"), self.tr("For"), self.tr("Reason"), self.tr("From"),
                                         self.tr("Until"), self.tr("State")], 2)
        self.pauses.itemSelectionChanged.connect(self._update_buttons)
        self.pauses_hint, self.pauses_stack = self._with_hint(self.pauses, self.tr(
            "No pauses. Add a dispute, a promise to pay or a hold to stop reminders for a while."))
        self.dispute_button = QPushButton(self.tr("Dispute…"), self)
        self.dispute_button.clicked.connect(lambda: self.add_pause(PauseKind.DISPUTE))
        self.promise_button = QPushButton(self.tr("Promise to pay…"), self)
        self.promise_button.clicked.connect(lambda: self.add_pause(PauseKind.PROMISE))
        self.hold_button = QPushButton(self.tr("Hold…"), self)
        self.hold_button.clicked.connect(lambda: self.add_pause(PauseKind.HOLD))
        self.end_pause_button = QPushButton(self.tr("End pause…"), self)
        self.end_pause_button.clicked.connect(self.end_selected_pause)
        self.tabs.addTab(self._page(self.pauses_stack, [self.dispute_button, self.promise_button, self.hold_button, None,
                                                        self.end_pause_button]), self.tr("Pauses"))

        self.plans = plain_table(self, [self.tr("Agreed on"), self.tr("Invoices"), self.tr("Instalments"),
                                        self.tr("Total"), self.tr("Note"), self.tr("State")], 2)
        self.plans.itemSelectionChanged.connect(self._update_buttons)
        self.plans_hint, self.plans_stack = self._with_hint(self.plans, self.tr(
            "No payment plans. Agree one when the customer pays open invoices in instalments."))
        self.new_plan_button = QPushButton(self.tr("New payment plan…"), self)
        self.new_plan_button.clicked.connect(self.new_plan)
        self.end_plan_button = QPushButton(self.tr("End plan…"), self)
        self.end_plan_button.clicked.connect(self.end_selected_plan)
        self.tabs.addTab(self._page(self.plans_stack, [self.new_plan_button, None, self.end_plan_button]),
                         self.tr("Payment plans"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.reload()

    # --- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._load_procedure()
        today = self._paydesk.today()
        self.pause_list = sorted(self._paydesk.pauses.pauses(self.customer_id),
                                 key=lambda p: (not p.active_on(today), -p.starts_on.toordinal(), -(p.id or 0)))
        fill(self.pauses, [self._pause_cells(p, today) for p in self.pause_list])
        self.pauses_stack.setCurrentIndex(0 if self.pause_list else 1)
        self.plan_list = sorted(self._paydesk.pauses.plans(self.customer_id),
                                key=lambda p: (p.ended_on is not None, -p.starts_on.toordinal(), -(p.id or 0)))
        fill(self.plans, [self._plan_cells(p) for p in self.plan_list])
        self.plans_stack.setCurrentIndex(0 if self.plan_list else 1)
        rows = timeline_rows(self._paydesk.pauses.timeline(self.customer_id), self._paydesk.pay_links.links(self.customer_id))
        fill_timeline(self.timeline, rows)
        self.timeline_stack.setCurrentIndex(0 if rows else 1)
        self._update_buttons()

    def selected_pause(self) -> Pause | None:
        row = self.pauses.currentRow()
        return self.pause_list[row] if 0 <= row < len(self.pause_list) and self.pauses.selectedItems() else None

    def selected_plan(self) -> PaymentPlan | None:
        row = self.plans.currentRow()
        return self.plan_list[row] if 0 <= row < len(self.plan_list) and self.plans.selectedItems() else None

    # --- actions ----------------------------------------------------------------------------
    def add_pause(self, kind: PauseKind) -> PauseDialog:
        dialog = PauseDialog(self._paydesk, self.customer_id, kind, self)
        dialog.saved.connect(self._after_change)
        self._open(dialog)
        return dialog

    def new_plan(self) -> PaymentPlanDialog:
        dialog = PaymentPlanDialog(self._paydesk, self.customer_id, self)
        dialog.saved.connect(lambda _plan_id: self._after_change())
        self._open(dialog)
        return dialog

    def end_selected_pause(self) -> None:
        pause = self.selected_pause()
        if pause is None or pause.id is None:
            return
        question = self.tr("End the pause “{reason}”? Reminders go on from the next run.").format(reason=pause.reason)
        if messages.confirm(self, self.tr("End pause"), question, self.tr("End pause")):
            pause_id = pause.id
            self._apply(lambda: self._paydesk.pauses.end(pause_id))

    def end_selected_plan(self) -> None:
        plan = self.selected_plan()
        if plan is None or plan.id is None:
            return
        question = self.tr("End this payment plan? Its invoices are reminded again by the procedure.")
        if messages.confirm(self, self.tr("End payment plan"), question, self.tr("End plan")):
            plan_id = plan.id
            self._apply(lambda: self._paydesk.pauses.end_plan(plan_id))

    # --- inside -----------------------------------------------------------------------------
    def _load_procedure(self) -> None:
        procedures = self._paydesk.dunning.procedures()
        setting = self._paydesk.dunning.customer_setting(self.customer_id)
        default = next((p for p in procedures if p.is_default), None)
        with QSignalBlocker(self.procedure):
            self.procedure.clear()
            self.procedure.addItem(self.tr("The default ({name})").format(name=default.name if default else ""), DEFAULT)
            for procedure in procedures:
                if not procedure.is_default:
                    self.procedure.addItem(procedure.name, procedure.id)
            if setting.procedure_id is not None and self.procedure.findData(setting.procedure_id) < 0:
                self.procedure.addItem(next((p.name for p in procedures if p.id == setting.procedure_id), ""),
                                       setting.procedure_id)
            self.procedure.addItem(self.tr("Excluded from reminders"), EXCLUDED)
            wanted = EXCLUDED if setting.excluded else (setting.procedure_id or DEFAULT)
            self.procedure.setCurrentIndex(max(0, self.procedure.findData(wanted)))
        self.procedure_note.setText(self.tr("This customer gets no reminders.") if setting.excluded else "")

    def _procedure_chosen(self, _index: int) -> None:
        choice = self.procedure.currentData()
        procedure_id = None if choice in (DEFAULT, EXCLUDED) else int(choice)
        self._apply(lambda: self._paydesk.dunning.set_customer(self.customer_id, procedure_id, choice == EXCLUDED))

    def _pause_cells(self, pause: Pause, today: date) -> tuple[str, ...]:
        scope = self.tr("Invoice {number}").format(number=self._number(pause.invoice_id)) if pause.invoice_id is not None \
            else self.tr("All invoices")
        if pause.ended_on is not None:
            state = self.tr("Ended {day}").format(day=date_text(pause.ended_on))
        elif pause.active_on(today):
            state = self.tr("Active")
        elif pause.until is not None and pause.until < today:
            state = self.tr("Over")
        else:
            state = self.tr("Not started")
        until = date_text(pause.until) if pause.until else self.tr("Until ended")
        return (pause_kind_text(pause.kind), scope, pause.reason, date_text(pause.starts_on), until, state)

    def _plan_cells(self, plan: PaymentPlan) -> tuple[str, ...]:
        total = sum((x.amount for x in plan.instalments), Decimal(0))
        dates = ", ".join(date_text(x.due_date) for x in plan.instalments)
        state = self.tr("Ended {day}").format(day=date_text(plan.ended_on)) if plan.ended_on else self.tr("Running")
        return (date_text(plan.starts_on), ", ".join(self._number(i) for i in plan.invoice_ids),
                self.tr("{count}: {dates}").format(count=len(plan.instalments), dates=dates),
                f"{money(total, plan.currency)} {plan.currency}", plan.note, state)

    def _number(self, invoice_id: InvoiceId) -> str:
        if invoice_id not in self._numbers:
            try:
                self._numbers[invoice_id] = self._paydesk.invoices.get(invoice_id).number or str(invoice_id)
            except PaydeskError:
                self._numbers[invoice_id] = str(invoice_id)
        return self._numbers[invoice_id]

    def _apply(self, change: Callable[[], object]) -> None:
        try:
            change()
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Reminders"))
        self._after_change()

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    def _open(self, dialog: QDialog) -> None:
        self.child = dialog
        dialog.open()

    def _with_hint(self, table: QTableWidget, text: str) -> tuple[QLabel, QStackedWidget]:
        hint, stack = empty_state(self, table)
        hint.setText(text)
        hint.setStyleSheet(HINT_STYLE)
        return hint, stack

    def _page(self, content: QWidget, buttons: list[QPushButton | None]) -> QWidget:
        page = QWidget(self)
        side = QVBoxLayout()
        for button in buttons:
            if button is None:
                side.addSpacing(12)
            else:
                side.addWidget(button)
        side.addStretch(1)
        layout = QHBoxLayout(page)
        layout.addWidget(content, 1)
        layout.addLayout(side)
        return page

    def _update_buttons(self) -> None:
        pause = self.selected_pause()
        ending = pause is not None and pause.ended_on is None and pause.kind is not PauseKind.PLAN
        self.end_pause_button.setEnabled(ending)
        self.end_pause_button.setToolTip(self.tr("A payment plan's pause ends with the plan (Payment plans tab).")
                                         if pause is not None and pause.kind is PauseKind.PLAN else "")
        plan = self.selected_plan()
        self.end_plan_button.setEnabled(plan is not None and plan.ended_on is None)
