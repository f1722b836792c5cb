"""A customer's cockpit: where the customer stands per currency (open, overdue, credit, credit limit
use), its open invoices, payments, credit notes and credits, the timeline of everything and the
notes; and what the credit manager does from here - a note or a call with a follow-up, a promise to
pay, a dispute, a hold, the credit limit, a statement of account to save or email, and the
reminder settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.debtors import NoteKind
from desktop.domain.dunning.model import PauseKind
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.services.cockpit import Cockpit
from desktop.services.paydesk import Paydesk
from desktop.services.statements_of_account import statement_file_name
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import cockpit_tables as t
from desktop.ui import messages
from desktop.ui.customer_reminders_dialog import fill, plain_table
from desktop.ui.debtor_table import next_action_text
from desktop.ui.formatting import date_text, money, number
from desktop.ui.list_widgets import empty_state
from desktop.ui.tasks import TaskRunner

HINT_STYLE = "color: palette(placeholder-text); padding: 24px;"
RED = "#c62828"


class CockpitDialog(QDialog):
    """Signals:
        changed: something about the customer changed here (notes, pauses, limit, statement queued).
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, customer_id: CustomerId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.customer_id = customer_id
        self.child: QDialog | None = None
        self.data: Cockpit | None = None
        self.customer = paydesk.customers.get(customer_id)
        self.setWindowTitle(self.tr("Cockpit: {name} ({number})").format(name=self.customer.name,
                                                                          number=self.customer.number))
        self.resize(1120, 680)

        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.standing = QGridLayout()
        self.standing.setHorizontalSpacing(18)
        self.status_line = QLabel(self)
        self.status_line.setWordWrap(True)

        self.tabs = QTabWidget(self)
        self.invoices = plain_table(self, t.invoice_titles(), 8)
        self.payments = plain_table(self, t.payment_titles(), 5)
        self.credit_notes = plain_table(self, t.credit_titles(), 5)
        self.timeline = plain_table(self, t.timeline_titles(), 3)
        self.notes = plain_table(self, t.note_titles(), 2)
        self.notes.itemSelectionChanged.connect(self._update_buttons)
        for table in (self.invoices, self.payments, self.credit_notes, self.timeline, self.notes):
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        self.credit_label = QLabel(self)
        self.credit_label.setWordWrap(True)
        self.invoices_stack = self._tab(self.invoices, self.tr("Open invoices"),
                                        self.tr("No open invoices: the customer owes nothing right now."))
        self.payments_stack = self._tab(self.payments, self.tr("Payments"), self.tr("No payments recorded yet."))
        credits_page = QWidget(self)
        credits_layout = QVBoxLayout(credits_page)
        credits_layout.setContentsMargins(0, 0, 0, 0)
        credits_layout.addWidget(self.credit_label)
        self.credits_stack = self._stacked(self.credit_notes, self.tr("No credit notes."))
        credits_layout.addWidget(self.credits_stack, 1)
        self.tabs.addTab(credits_page, self.tr("Credit notes and credits"))
        self.timeline_stack = self._tab(self.timeline, self.tr("Timeline"), self.tr("Nothing has happened yet."))
        notes_page = QWidget(self)
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        self.notes_stack = self._stacked(self.notes, self.tr(
            "No notes yet. Add a note or log a call; give it a follow-up date to see it in Today."))
        notes_layout.addWidget(self.notes_stack, 1)
        self.done_button = QPushButton(self.tr("Mark follow-up done"), self)
        self.done_button.clicked.connect(self.complete_selected_follow_up)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.done_button)
        notes_layout.addLayout(row)
        self.tabs.addTab(notes_page, self.tr("Notes"))

        side = QVBoxLayout()
        self.note_button = self._button(self.tr("Add note…"), lambda: self.add_note(NoteKind.NOTE), side)
        self.call_button = self._button(self.tr("Log call…"), lambda: self.add_note(NoteKind.CALL), side)
        side.addSpacing(10)
        self.promise_button = self._button(self.tr("Promise to pay…"), lambda: self.add_pause(PauseKind.PROMISE), side)
        self.dispute_button = self._button(self.tr("Dispute…"), lambda: self.add_pause(PauseKind.DISPUTE), side)
        self.hold_button = self._button(self.tr("Hold…"), lambda: self.add_pause(PauseKind.HOLD), side)
        self.limit_button = self._button(self.tr("Credit limit…"), self.edit_credit_limit, side)
        side.addSpacing(10)
        side.addWidget(QLabel(self.tr("Statement of account"), self))
        self.save_statement_button = self._button(self.tr("Save PDF…"), self.save_statement, side)
        self.email_statement_button = self._button(self.tr("Email"), self.email_statement, side)
        side.addSpacing(10)
        self.reminders_button = self._button(self.tr("Reminders and timeline…"), self.open_reminders, side)
        side.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(self.tabs, 1)
        body.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.standing)
        layout.addWidget(self.status_line)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.reload()

    # --- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            data = self._paydesk.debtors.cockpit(self.customer_id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.data = data
        today = self._paydesk.today()
        self.title.setText(f"{self.customer.name}  ·  {self.customer.number}")
        self._fill_standing(data)
        fill(self.invoices, [t.invoice_cells(d, today) for d in data.open_invoices])
        self.invoices_stack.setCurrentIndex(0 if data.open_invoices else 1)
        fill(self.payments, [t.payment_cells(p) for p in data.payments])
        self.payments_stack.setCurrentIndex(0 if data.payments else 1)
        fill(self.credit_notes, [t.credit_cells(d) for d in data.credit_notes])
        self.credits_stack.setCurrentIndex(0 if data.credit_notes else 1)
        self.credit_label.setText(t.credit_summary(data.credits))
        fill(self.timeline, [t.timeline_cells(e) for e in data.timeline])
        self.timeline_stack.setCurrentIndex(0 if data.timeline else 1)
        fill(self.notes, [t.note_cells(n, today) for n in data.notes])
        self.notes_stack.setCurrentIndex(0 if data.notes else 1)
        for table, right in ((self.invoices, (3, 4, 5)), (self.payments, (1, 3)), (self.credit_notes, (2, 3)),
                             (self.timeline, ()), (self.notes, ())):
            _align_right(table, right)
            for column in range(table.columnCount()):
                table.setColumnWidth(column, min(table.columnWidth(column), 420))
        self._update_buttons()

    def _fill_standing(self, data: Cockpit) -> None:
        while self.standing.count():
            item = self.standing.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        heads = [self.tr("Currency"), self.tr("Open balance"), self.tr("Overdue"), self.tr("Credit"),
                 self.tr("Credit limit"), self.tr("Limit used"), self.tr("Level"), self.tr("Next action")]
        for column, head in enumerate(heads):
            label = QLabel(head, self)
            label.setStyleSheet("color: palette(placeholder-text);")
            self.standing.addWidget(label, 0, column)
        if not data.rows:
            self.standing.addWidget(QLabel(self.tr("Nothing open and no credit."), self), 1, 0, 1, len(heads))
        for n, row in enumerate(data.rows, start=1):
            limit = "" if row.credit_limit is None else money(row.credit_limit, row.currency)
            used = "" if row.credit_used_pct is None else f"{number(row.credit_used_pct)} %"
            cells = [row.currency, money(row.open_balance, row.currency), money(row.overdue, row.currency),
                     money(row.credit, row.currency), limit, used, row.level_name if row.level else "",
                     next_action_text(row)]
            for column, text in enumerate(cells):
                label = QLabel(text, self)
                style = "font-weight: 600;" if column in (1, 2) else ""
                if (column == 2 and row.overdue > 0) or (column == 5 and row.over_limit):
                    style += f"color: {RED};"
                label.setStyleSheet(style)
                self.standing.addWidget(label, n, column)
        if data.credit_limit is not None and not any(r.credit_limit is not None for r in data.rows):
            amount, currency = data.credit_limit
            self.standing.addWidget(QLabel(self.tr("Credit limit {amount} {currency}, nothing open in {currency}").format(
                amount=money(amount, currency), currency=currency), self), len(data.rows) + 1, 0, 1, len(heads))
        flags = []
        today = self._paydesk.today()
        for pause in data.active_pauses:
            if pause.kind is PauseKind.PROMISE and pause.until is not None:
                flags.append(self.tr("Promised to pay by {day}").format(day=date_text(pause.until)))
            elif pause.kind is PauseKind.DISPUTE:
                flags.append(self.tr("Disputed: {reason}").format(reason=pause.reason))
            elif pause.kind is PauseKind.HOLD:
                flags.append(self.tr("On hold: {reason}").format(reason=pause.reason))
        due = [n for n in data.notes if n.follow_up_on and n.done_at is None and n.follow_up_on <= today]
        if due:
            flags.append(self.tr("1 follow-up due") if len(due) == 1
                         else self.tr("{count} follow-ups due").format(count=len(due)))
        self.status_line.setText(" · ".join(flags))
        self.status_line.setVisible(bool(flags))

    # --- actions ----------------------------------------------------------------------------
    def add_note(self, kind: NoteKind) -> QDialog:
        from desktop.ui.note_dialog import NoteDialog

        dialog = NoteDialog(self._paydesk, self.customer_id, kind, self)
        dialog.saved.connect(lambda _note_id: self._after_change(
            self.tr("Call logged.") if kind is NoteKind.CALL else self.tr("Note added.")))
        return self._open(dialog)

    def add_pause(self, kind: PauseKind) -> QDialog:
        from desktop.ui.pause_dialog import PauseDialog

        dialog = PauseDialog(self._paydesk, self.customer_id, kind, self)
        dialog.saved.connect(lambda: self._after_change(""))
        return self._open(dialog)

    def edit_credit_limit(self) -> QDialog:
        from desktop.ui.credit_limit_dialog import CreditLimitDialog

        rows = self.data.rows if self.data else []
        currency = rows[0].currency if rows else "EUR"
        dialog = CreditLimitDialog(self._paydesk, self.customer_id, self.data.credit_limit if self.data else None,
                                   currency, self)
        dialog.saved.connect(lambda: self._after_change(self.tr("Credit limit saved.")))
        return self._open(dialog)

    def open_reminders(self) -> QDialog:
        from desktop.ui.customer_reminders_dialog import CustomerRemindersDialog

        dialog = CustomerRemindersDialog(self._paydesk, self.customer_id, self)
        dialog.changed.connect(lambda: self._after_change(""))
        return self._open(dialog)

    def selected_note_id(self) -> int | None:
        row = self.notes.currentRow()
        if self.data is None or not self.notes.selectedItems() or not 0 <= row < len(self.data.notes):
            return None
        return self.data.notes[row].id

    def complete_selected_follow_up(self) -> None:
        note_id = self.selected_note_id()
        if note_id is None:
            return
        try:
            self._paydesk.debtors.complete_follow_up(note_id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self._after_change(self.tr("Follow-up done."))

    def choose_statement_file(self) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = statement_file_name(self.customer.number, self._paydesk.today())
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save statement of account"), str(Path(folder) / name),
                                              self.tr("PDF files (*.pdf)"))
        return Path(path) if path else None

    def save_statement(self) -> None:
        path = self.choose_statement_file()
        if path is not None:
            self.save_statement_to(path)

    def save_statement_to(self, path: Path) -> None:
        statements, customer_id = self._paydesk.statements_of_account, self.customer_id

        def work(_progress: ProgressCallback, _token: CancelToken) -> Path:
            return statements.save(customer_id, path)

        def done(written: Path) -> None:
            self.status_message.emit(self.tr("Statement of account saved to {path}.").format(path=written))
            messages.inform(self, self.tr("Statement of account"),
                            self.tr("The statement of account was saved to {path}.").format(path=written))

        self._tasks.run(work, done, title=self.tr("Writing the statement of account…"), on_failure=self._failed,
                        dialog_parent=self, cancellable=False)

    def email_statement(self) -> None:
        statements, customer_id = self._paydesk.statements_of_account, self.customer_id

        def work(_progress: ProgressCallback, _token: CancelToken) -> bool:
            statements.email(customer_id)
            return statements.email_ready()

        def done(ready: bool) -> None:
            text = (self.tr("The statement of account is in the outbox and goes out with the next delivery.") if ready
                    else self.tr("Email is not set up yet, so the statement of account waits in the outbox (Reminders › "
                                 "Outbox). It goes out once you fill in Settings › Email."))
            self._after_change(self.tr("Statement of account queued."))
            messages.inform(self, self.tr("Statement of account"), text)

        self._tasks.run(work, done, title=self.tr("Preparing the statement of account…"), on_failure=self._failed,
                        dialog_parent=self, cancellable=False)

    # --- inside -----------------------------------------------------------------------------
    def _failed(self, error: BaseException) -> None:
        messages.show_error(self, error if isinstance(error, PaydeskError) else str(error))

    def _after_change(self, message: str) -> None:
        self.reload()
        if message:
            self.status_message.emit(message)
        self.changed.emit()

    def _open(self, dialog: QDialog) -> QDialog:
        self.child = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _button(self, text: str, slot: Callable[[], object], layout: QVBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def _stacked(self, table: QTableWidget, hint_text: str) -> QStackedWidget:
        hint, stack = empty_state(self, table)
        hint.setText(hint_text)
        hint.setStyleSheet(HINT_STYLE)
        return stack

    def _tab(self, table: QTableWidget, title: str, hint_text: str) -> QStackedWidget:
        stack = self._stacked(table, hint_text)
        self.tabs.addTab(stack, title)
        return stack

    def _update_buttons(self) -> None:
        note_id = self.selected_note_id()
        note = next((n for n in self.data.notes if n.id == note_id), None) if self.data and note_id is not None else None
        self.done_button.setEnabled(note is not None and note.follow_up_on is not None and note.done_at is None)


def _align_right(table: QTableWidget, columns: tuple[int, ...]) -> None:
    """Amounts and counts line up on the right."""
    for column in columns:
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is not None:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
