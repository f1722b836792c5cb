"""Reminders › Run: preview what a run on a date would send, read the exact email of each message,
then send the run in the background (prepare, record with the outbox, deliver) with progress and cancel.

Sending works on a fresh preview of the same date and sends only messages the user saw and
confirmed: an invoice paid in the meantime is not reminded, and nothing unseen is sent.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dunning.model import PlanStatus, ReminderPlan
from desktop.services.dunning import RunPreview
from desktop.services.paydesk import Paydesk
from desktop.services.reminder_run import PreparedMessage, SendReport
from desktop.services.tasks import Cancelled, CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.email_parts import parse_email
from desktop.ui.email_preview import EmailPreview
from desktop.ui.formatting import date_text, from_qdate, qt_date_format, to_qdate
from desktop.ui.list_widgets import empty_state, read_only_table
from desktop.ui.run_messages import PlanKey, RunMessagesModel, counts_text, plan_key, plan_of, raw_of
from desktop.ui.tasks import Task, TaskRunner

BANNER_STYLE = "QFrame#banner { background: #fff4e5; border: 1px solid #f0b45b; border-radius: 4px; }"


@dataclass(slots=True)
class SendOutcome:
    report: SendReport
    not_due: int  # confirmed messages that were no longer due when sent (paid meanwhile)


class RunTab(QWidget):
    """Signals:
        changed: reminders were recorded (timelines, outbox and collection changed).
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.preview: RunPreview | None = None
        # a message's exact bytes, a prepared message of the sent run (its bytes read when shown), or why it can't be composed
        self.composed: dict[PlanKey, bytes | str | PreparedMessage] = {}
        self.compose_task: Task[bytes | str] | None = None
        self.send_task: Task[SendOutcome] | None = None
        self.sending = False
        self.dialog: QDialog | None = None

        self.run_date = QDateEdit(to_qdate(paydesk.today()), self)
        self.run_date.setCalendarPopup(True)
        self.run_date.setDisplayFormat(qt_date_format())
        self.run_date.dateChanged.connect(self._date_changed)
        self.preview_button = QPushButton(self.tr("Preview run"), self)
        self.preview_button.setToolTip(self.tr("Compute which reminders are due on this date; nothing is sent"))
        self.preview_button.clicked.connect(self.preview_run)
        self.send_button = QPushButton(self.tr("Send run…"), self)
        self.send_button.setToolTip(self.tr("Record the reminders and send their emails (asks first)"))
        self.send_button.clicked.connect(self.send_run)
        self.send_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Run date:"), self))
        bar.addWidget(self.run_date)
        bar.addWidget(self.preview_button)
        bar.addStretch(1)
        bar.addWidget(self.send_button)

        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setWordWrap(True)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        banner_layout.addWidget(self.banner_text)
        self.banner.hide()

        self.model = RunMessagesModel(self)
        self.table = read_only_table(self, self.model)
        self._size_columns()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.email = EmailPreview(self)
        self.hint, self.pages = empty_state(self, self.table)
        self.pages.removeWidget(self.table)  # the list sits in the splitter, above the email
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.email)
        self.table.show()  # the stack hid it when it was taken out
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([240, 440])
        self.pages.insertWidget(0, self.splitter)
        self.count_label = QLabel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.count_label)
        self._show_hint(self.tr("Choose a run date and press Preview run to see which reminders are due."))

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        for column, sample in enumerate(("1017 ИП Смирнова Анна Серге", "Second reminder (x)", "2026-00001, 2026-00002",
                                         "000,000.00 EUR", "accounts@highlandoutfitters.example", "")):
            if sample:
                self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        header.setStretchLastSection(True)

    # --- preview -----------------------------------------------------------------------------
    @property
    def day(self) -> date:
        """The run date chosen."""
        return from_qdate(self.run_date.date())

    def set_date(self, value: QDate) -> None:
        self.run_date.setDate(value)

    def _date_changed(self) -> None:
        if self.preview is not None and self.preview.run_date != self.day:
            self._clear()
            self._show_hint(self.tr("Press Preview run to see which reminders are due on {date}.").format(
                date=date_text(self.day)))

    def _clear(self) -> None:
        self.preview = None
        self.composed.clear()
        self.model.set_rows([])
        self.banner.hide()
        self.send_button.setEnabled(False)
        self.count_label.clear()

    def _show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.pages.setCurrentIndex(1)

    def preview_run(self) -> Task[RunPreview]:
        run, day = self._paydesk.reminder_run, self.day

        def work(_progress: ProgressCallback, _token: CancelToken) -> RunPreview:
            return run.preview(day)

        self.preview_button.setEnabled(False)
        task = self._tasks.run(work, self._show_preview, title=self.tr("Computing the reminder run…"), dialog_parent=self,
                               on_failure=self._preview_failed)
        task.finished.connect(lambda: self.preview_button.setEnabled(True))
        return task

    def _preview_failed(self, error: BaseException) -> None:
        if not isinstance(error, Cancelled):
            messages.show_error(self, error)  # type: ignore[arg-type]

    def _show_preview(self, preview: RunPreview) -> None:
        self._clear()
        self.preview = preview
        self.model.set_rows(preview.plans)
        self._show_warnings(preview.warnings)
        self.send_button.setEnabled(bool(preview.to_send) or bool(preview.handovers))
        self._update_count()
        if not preview.plans:
            self._show_hint(self.tr("No reminders are due on {date}.").format(date=date_text(preview.run_date)) + "\n"
                            + self.tr("Invoices get a friendly notice before they are due and reminders after; "
                                      "try a later date."))
            return
        self.pages.setCurrentIndex(0)
        self.table.selectRow(0)

    def _show_warnings(self, warnings: list[str]) -> None:
        self.banner_text.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.banner.setVisible(bool(warnings))

    def _update_count(self) -> None:
        if self.preview is None:
            self.count_label.clear()
            return
        self.count_label.setText(counts_text(self.model.rows, len(self.preview.handovers)))

    # --- the selected email ------------------------------------------------------------------
    def current_plan(self) -> ReminderPlan | None:
        row = self.table.currentIndex().row()
        return self.model.row_at(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_email()

    def show_email(self) -> None:
        plan = self.current_plan()
        if plan is None:
            self.email.show_note(self.tr("Select a message to see its email."))
            return
        if plan.status is PlanStatus.HELD_BACK:
            self.email.show_note(self.tr("Held back, not sent: {reason}").format(reason=plan.reason))
            return
        found = self.composed.get(plan_key(plan))
        if isinstance(found, PreparedMessage):
            found = raw_of(found) or plan.reason or self.tr("no email was composed")
        if isinstance(found, bytes):
            self.email.show_email(parse_email(found))
        elif isinstance(found, str):
            self.email.show_note(self.tr("This message can't be composed: {reason}").format(reason=found))
        else:
            self._compose(plan)

    def _compose(self, plan: ReminderPlan) -> None:
        if self.compose_task is not None:
            self.compose_task.cancel()
        self.email.show_note(self.tr("Composing the email…"))
        run, day, key = self._paydesk.reminder_run, self.day, plan_key(plan)
        alone = RunPreview(day, [copy.deepcopy(plan)])

        def work(_progress: ProgressCallback, token: CancelToken) -> bytes | str:
            token.check()
            [message] = run.prepare(day, cancel=token, preview=alone).messages
            raw = raw_of(message)
            return raw if raw is not None else plan_of(message).reason or self.tr("no email was composed")

        def done(result: bytes | str) -> None:
            self.composed[key] = result
            current = self.current_plan()
            if current is not None and plan_key(current) == key:
                self.show_email()

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                return
            self.composed[key] = str(error)
            current = self.current_plan()
            if current is not None and plan_key(current) == key:
                self.show_email()

        self.compose_task = self._tasks.run(work, done, title=self.tr("Composing the email…"), dialog_parent=self,
                                            on_failure=failed)

    # --- sending -----------------------------------------------------------------------------
    def send_run(self) -> Task[SendOutcome] | None:
        preview = self.preview
        if preview is None or self.sending:
            return None
        if not self._paydesk.mail_settings.load().configured:
            if messages.confirm(self, self.tr("Email is not set up"), self.tr(
                    "Reminders are sent by email, and no email server is set up yet. Nothing was sent or recorded.\n\n"
                    "Enter your SMTP server and sender address in Settings › Email server, then send the run again."),
                    self.tr("Open email settings…")):
                self.open_mail_settings()
            return None
        to_send = preview.to_send
        if not to_send and not preview.handovers:
            return None
        held = sum(1 for p in preview.plans if p.status is PlanStatus.HELD_BACK)
        text = self.tr("Send {messages} reminders to {customers} customers now?").format(
            messages=len(to_send), customers=len({p.customer_id for p in to_send}))
        if held:
            text += "\n" + self.tr("{held} held back messages are not sent.").format(held=held)
        if preview.handovers:
            text += "\n" + self.tr("{cases} cases are handed over to collection.").format(cases=len(preview.handovers))
        text += "\n\n" + self.tr("The reminders are recorded and their emails delivered; this can't be undone.")
        if not messages.confirm(self, self.tr("Send reminder run"), text, self.tr("Send")):
            return None
        return self._send(preview)

    def open_mail_settings(self) -> QDialog:
        from desktop.ui.mail_settings_dialog import MailSettingsDialog

        dialog = MailSettingsDialog(self._paydesk.mail_settings, self._tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _send(self, confirmed: RunPreview) -> Task[SendOutcome]:
        run, day = self._paydesk.reminder_run, confirmed.run_date
        keys = {plan_key(p) for p in confirmed.to_send}

        def work(progress: ProgressCallback, token: CancelToken) -> SendOutcome:
            _polled, warnings = run.poll_pay_links()  # payments made online are booked before the run is computed again
            fresh = run.preview(day)
            chosen = [p for p in fresh.plans if plan_key(p) in keys and p.status is PlanStatus.PLANNED]
            not_due = len(keys - {plan_key(p) for p in fresh.plans})
            prepared = run.prepare(day, progress, token, preview=RunPreview(day, chosen, fresh.handovers, fresh.warnings))
            prepared.pay_links_polled = True
            token.check()  # the last moment a cancel leaves nothing recorded
            report = run.send(prepared, progress, token)
            report.warnings[:0] = warnings
            return SendOutcome(report, not_due)

        self.sending = True
        self.send_button.setEnabled(False)
        self.preview_button.setEnabled(False)
        self.send_task = self._tasks.run(work, self._sent, title=self.tr("Sending reminders…"), dialog_parent=self,
                                         on_failure=self._send_failed)
        self.send_task.finished.connect(self._send_finished)
        return self.send_task

    def _send_finished(self) -> None:
        self.sending = False
        self.preview_button.setEnabled(True)
        self.send_task = None

    def _send_failed(self, error: BaseException) -> None:
        self.send_button.setEnabled(self.preview is not None)
        if isinstance(error, Cancelled):
            self.status_message.emit(self.tr("Cancelled: nothing was sent or recorded."))
            return
        messages.show_error(self, error)  # type: ignore[arg-type]

    def _sent(self, outcome: SendOutcome) -> None:
        report = outcome.report
        self.composed.clear()
        for message in report.messages:
            self.composed[plan_key(plan_of(message))] = message
        plans = [plan_of(m) for m in report.messages]
        self.model.set_rows(plans)
        self._update_count()
        if plans:
            self.pages.setCurrentIndex(0)
            self.table.selectRow(0)
        note = counts_text(plans, len(report.recorded.case_ids))
        delivery = report.delivery
        if delivery is not None and delivery.remaining:
            note += " " + self.tr("— {count} messages wait in the outbox and are sent later.").format(count=delivery.remaining)
        if delivery is not None and delivery.stopped:
            note += " " + self.tr("— delivery stopped: {problem}").format(problem=delivery.stopped)
        if outcome.not_due:
            note += " " + self.tr("— {count} messages were no longer due (paid meanwhile) and were not sent.").format(
                count=outcome.not_due)
        self._show_warnings(report.warnings)
        self.count_label.setText(note)
        self.status_message.emit(note)
        self.changed.emit()
