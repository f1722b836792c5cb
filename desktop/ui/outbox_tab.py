"""Reminders › Outbox: every email Paydesk queued, with its delivery state, attempts and the
server's last answer; deliver now, send a failed one again, or save one as an .eml file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.domain.errors import PaydeskError
from desktop.services.outbox import DeliveryReport, OutboxEntry
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.formatting import ui_locale
from desktop.ui.list_widgets import empty_state, read_only_table
from desktop.ui.rows_model import RowsModel
from desktop.ui.run_messages import FAILED_COLOR, SENT_COLOR
from desktop.ui.tasks import Task, TaskRunner

Index = QModelIndex | QPersistentModelIndex
STATES = ("queued", "sending", "sent", "failed")


def _tr(text: str) -> str:
    return QCoreApplication.translate("outbox_tab", text)


def state_text(state: str) -> str:
    return {"queued": _tr("Queued"), "sending": _tr("Sending"), "sent": _tr("Sent"), "failed": _tr("Failed")}.get(state, state)


def when(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value.astimezone(), format="short", locale=ui_locale())


class OutboxModel(RowsModel):
    STATE, TO, SUBJECT, CREATED, ATTEMPTS, NEXT, ERROR = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__((_tr("State"), _tr("To"), _tr("Subject"), _tr("Created"), _tr("Attempts"), _tr("Next attempt"),
                         _tr("Last error")), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(entry, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.ATTEMPTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (self.STATE, self.ERROR):
            color = {"failed": FAILED_COLOR, "sent": SENT_COLOR}.get(entry.state)
            return QBrush(QColor(color)) if color and (index.column() == self.STATE or entry.state == "failed") else None
        return None

    def _text(self, entry: OutboxEntry, column: int) -> str:
        values = {
            self.STATE: state_text(entry.state),
            self.TO: ", ".join(entry.to),
            self.SUBJECT: entry.subject,
            self.CREATED: when(entry.created_at),
            self.ATTEMPTS: str(entry.attempts),
            self.NEXT: when(entry.next_attempt_at) if entry.state in ("queued", "sending") else "",
            self.ERROR: entry.last_error,
        }
        return values[column]


class OutboxTab(QWidget):
    """Signals:
        status_message: a short note for the status bar.
    """

    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.deliver_task: Task[DeliveryReport] | None = None
        self.state = QComboBox(self)
        self.state.addItem(self.tr("All messages"), "")
        for state in STATES:
            self.state.addItem(state_text(state), state)
        self.state.currentIndexChanged.connect(lambda _index: self.refresh())
        self.deliver_button = QPushButton(self.tr("Deliver now"), self)
        self.deliver_button.setToolTip(self.tr("Send the queued messages that are due now"))
        self.deliver_button.clicked.connect(self.deliver_now)
        self.retry_button = QPushButton(self.tr("Retry"), self)
        self.retry_button.setToolTip(self.tr("Put the failed message back in the queue and send it again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.save_button = QPushButton(self.tr("Save as .eml…"), self)
        self.save_button.setToolTip(self.tr("Save the message exactly as it is sent, to open in a mail program"))
        self.save_button.clicked.connect(self.save_selected)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {FAILED_COLOR};")
        self.problem.hide()
        self.model = OutboxModel(self)
        self.table = read_only_table(self, self.model)
        metrics = self.table.fontMetrics()
        samples = ("Queued", "accounts@thompsonclarke.example", "Payment reminder: invoices 2026-00001, 2026-0",
                   "11/21/26, 10:00 PM", "Attempts", "11/21/26, 10:00 PM")
        for column, sample in enumerate(samples):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.hint, self.pages = empty_state(self, self.table)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.state)
        bar.addStretch(1)
        for button in (self.deliver_button, self.retry_button, self.save_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.problem)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()

    def set_state(self, state: str) -> None:
        self.state.setCurrentIndex(self.state.findData(state))

    def show_problem(self, text: str) -> None:
        self.problem.setText(self.tr("⚠ {problem}").format(problem=text))
        self.problem.setVisible(bool(text))

    def refresh(self) -> Task[tuple[list[OutboxEntry], dict[str, int]]]:
        outbox, state = self._paydesk.outbox, self.state.currentData() or ""
        states = (state,) if state else STATES

        def work(_progress: ProgressCallback, _token: CancelToken) -> tuple[list[OutboxEntry], dict[str, int]]:
            return outbox.list(states), outbox.counts()

        return self._tasks.run(work, self._show, title=self.tr("Loading the outbox…"), dialog_parent=self,
                               on_failure=lambda error: messages.show_error(self, error))  # type: ignore[arg-type]

    def _show(self, result: tuple[list[OutboxEntry], dict[str, int]]) -> None:
        entries, counts = result
        self.model.set_rows(entries)
        if entries:
            self.pages.setCurrentIndex(0)
        else:
            self.hint.setText(self.tr("No messages here. Reminders you send appear here until they are delivered."))
            self.pages.setCurrentIndex(1)
        self.count_label.setText(self.tr("{queued} queued, {sending} being sent, {sent} sent, {failed} failed").format(
            **{state: counts.get(state, 0) for state in STATES}))
        self._update_buttons()

    def selected(self) -> OutboxEntry | None:
        row = self.table.currentIndex().row()
        return self.model.row_at(row)

    def _update_buttons(self) -> None:
        entry = self.selected()
        self.retry_button.setEnabled(entry is not None and entry.state == "failed")
        self.save_button.setEnabled(entry is not None)
        self.deliver_button.setEnabled(self.deliver_task is None)

    def deliver_now(self) -> Task[DeliveryReport] | None:
        if self.deliver_task is not None:
            return None
        outbox = self._paydesk.outbox

        def work(progress: ProgressCallback, token: CancelToken) -> DeliveryReport:
            return outbox.deliver(progress, token)

        def done(report: DeliveryReport) -> None:
            note = self.tr("{sent} sent, {retrying} to retry later, {failed} failed").format(
                sent=report.sent, retrying=report.retrying, failed=report.failed)
            self.show_problem(report.stopped or "; ".join(report.errors[:3]))
            self.status_message.emit(note)
            self.refresh()

        def failed(error: BaseException) -> None:
            self.show_problem(str(error))
            self.refresh()

        self.deliver_task = self._tasks.run(work, done, title=self.tr("Delivering emails…"), dialog_parent=self,
                                            on_failure=failed)
        self.deliver_task.finished.connect(self._delivered)
        self._update_buttons()
        return self.deliver_task

    def _delivered(self) -> None:
        self.deliver_task = None
        self._update_buttons()

    def retry_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        try:
            self._paydesk.outbox.retry(entry.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.status_message.emit(self.tr("The message to {to} is queued again.").format(to=", ".join(entry.to)))
        self.refresh()

    def save_selected(self, path: Path | None = None) -> Path | None:
        entry = self.selected()
        if entry is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save message"), f"message-{entry.id}.eml",
                                                          self.tr("Email messages (*.eml)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            path.write_bytes(self._paydesk.outbox.raw(entry.id))
        except OSError as error:
            messages.show_error(self, self.tr("Cannot write {path}: {problem}").format(path=path, problem=error.strerror))
            return None
        self.status_message.emit(self.tr("Saved to {path}").format(path=path))
        return path
