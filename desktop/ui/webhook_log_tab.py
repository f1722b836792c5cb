"""Settings › Webhooks › Delivery log: every webhook delivery with its state, attempts, the
receiver's last status code and answer; filter by state and endpoint, replay a delivery, deliver
what is due now, and view the JSON body that was sent."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.services.webhooks import DeliveryEntry, DeliveryReport, WebhookService
from desktop.ui import messages
from desktop.ui.list_widgets import empty_state, read_only_table
from desktop.ui.outbox_tab import when
from desktop.ui.rows_model import RowsModel
from desktop.ui.run_messages import FAILED_COLOR, SENT_COLOR
from desktop.ui.tasks import Task, TaskRunner
from desktop.ui.webhook_endpoint_dialog import event_label

Index = QModelIndex | QPersistentModelIndex
STATES = ("pending", "delivering", "delivered", "failed")


def _tr(text: str) -> str:
    return QCoreApplication.translate("webhook_log_tab", text)


def state_text(state: str) -> str:
    return {"pending": _tr("Waiting"), "delivering": _tr("Sending"), "delivered": _tr("Delivered"),
            "failed": _tr("Failed")}.get(state, state)


class DeliveryModel(RowsModel):
    TIME, ENDPOINT, EVENT, EVENT_ID, STATE, ATTEMPTS, STATUS, NEXT, ANSWER = range(9)

    def __init__(self, parent: Any = None) -> None:
        super().__init__((_tr("Time"), _tr("Endpoint"), _tr("Event"), _tr("Event id"), _tr("State"), _tr("Attempts"),
                         _tr("Status"), _tr("Next attempt"), _tr("Last error or answer")), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(entry, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (self.ATTEMPTS, self.STATUS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.STATE:
            color = {"failed": FAILED_COLOR, "delivered": SENT_COLOR}.get(entry.state)
            return QBrush(QColor(color)) if color else None
        return None

    def text(self, entry: DeliveryEntry, column: int) -> str:
        event = event_label(entry.event_type)
        values = {
            self.TIME: when(entry.created_at),
            self.ENDPOINT: entry.url,
            self.EVENT: _tr("{event} (replay)").format(event=event) if entry.replay else event,
            self.EVENT_ID: entry.event_uid,
            self.STATE: state_text(entry.state),
            self.ATTEMPTS: str(entry.attempts),
            self.STATUS: "" if entry.last_status is None else str(entry.last_status),
            self.NEXT: when(entry.next_attempt_at) if entry.state in ("pending", "delivering") else "",
            self.ANSWER: " ".join((entry.last_error or entry.last_response).split())[:300],
        }
        return values[column]


class BodyDialog(QDialog):
    """The JSON body of a delivery (indented for reading; the receiver gets it compact)."""

    def __init__(self, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 480)
        try:
            shown = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            shown = body
        self.text = QPlainTextEdit(shown, self)
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


class DeliveryLogTab(QWidget):
    """Signals:
        changed: deliveries were sent or replayed (the endpoints' "last delivery" may have changed).
    """

    changed = Signal()

    def __init__(self, service: WebhookService, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.deliver_task: Task[DeliveryReport] | None = None
        self.body_dialog: BodyDialog | None = None
        self.state = QComboBox(self)
        self.state.addItem(self.tr("All states"), "")
        for state in STATES:
            self.state.addItem(state_text(state), state)
        self.state.currentIndexChanged.connect(lambda _index: self.refresh())
        self.endpoint = QComboBox(self)
        self.endpoint.setMinimumContentsLength(24)
        self.endpoint.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.endpoint.currentIndexChanged.connect(lambda _index: self.refresh())
        self.replay_button = QPushButton(self.tr("&Replay"), self)
        self.replay_button.setToolTip(self.tr("Send this event to its endpoint again (same event id: receivers deduplicate)"))
        self.replay_button.clicked.connect(self.replay_selected)
        self.body_button = QPushButton(self.tr("Show &JSON…"), self)
        self.body_button.setToolTip(self.tr("The JSON body this delivery sends"))
        self.body_button.clicked.connect(self.show_body)
        self.deliver_button = QPushButton(self.tr("&Deliver now"), self)
        self.deliver_button.setToolTip(self.tr("Send every delivery that is due now, without waiting for the next minute"))
        self.deliver_button.clicked.connect(self.deliver_now)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.model = DeliveryModel(self)
        self.table = read_only_table(self, self.model)
        metrics = self.table.fontMetrics()
        samples = ("11/21/26, 10:00 PM", "https://crm.example.com/h", "Invoice partially paid",
                   "evt_0123456789abcdef01234567", "Delivered", "Attempts", "Status", "11/21/26, 10:00 PM")
        for column, sample in enumerate(samples):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.show_body())
        self.hint, self.pages = empty_state(self, self.table)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.state)
        bar.addWidget(self.endpoint, 1)
        bar.addStretch(1)
        for button in (self.replay_button, self.body_button, self.deliver_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.count_label)
        self.set_endpoints()

    # --- filters and loading ----------------------------------------------------------------------
    def set_endpoints(self) -> None:
        """Refill the endpoint filter (keeping the choice when it still exists) and reload."""
        current = self.endpoint.currentData()
        self.endpoint.blockSignals(True)
        self.endpoint.clear()
        self.endpoint.addItem(self.tr("All endpoints"), 0)
        for found in self._service.endpoints():
            self.endpoint.addItem(found.url, found.id)
        self.endpoint.setCurrentIndex(max(0, self.endpoint.findData(current)))
        self.endpoint.blockSignals(False)
        self.refresh()

    def set_filter(self, state: str = "", endpoint_id: int = 0) -> None:
        self.state.setCurrentIndex(self.state.findData(state))
        self.endpoint.setCurrentIndex(max(0, self.endpoint.findData(endpoint_id)))

    def refresh(self) -> None:
        state, endpoint_id = self.state.currentData() or "", self.endpoint.currentData() or None
        try:
            entries = self._service.deliveries(endpoint_id, (state,) if state else STATES)
            counts = self._service.counts()
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.model.set_rows(entries)
        if entries:
            self.pages.setCurrentIndex(0)
        else:
            self.hint.setText(self.tr("No deliveries here. Events go out to your endpoints as invoices are finalized, "
                                      "paid, reminded…; “Test” on the Endpoints tab sends one right away."))
            self.pages.setCurrentIndex(1)
        self.count_label.setText(self.tr("{pending} waiting, {delivering} being sent, {delivered} delivered, {failed} failed")
                                 .format(**{state: counts.get(state, 0) for state in STATES}))
        self._update_buttons()

    def selected(self) -> DeliveryEntry | None:
        row = self.table.currentIndex().row()
        return self.model.row_at(row)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        entry = self.selected()
        self.replay_button.setEnabled(entry is not None)
        self.body_button.setEnabled(entry is not None)
        self.deliver_button.setEnabled(self.deliver_task is None)

    # --- actions ----------------------------------------------------------------------------------
    def show_body(self) -> BodyDialog | None:
        entry = self.selected()
        if entry is None:
            return None
        try:
            body = self._service.body(entry.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        self.body_dialog = BodyDialog(self.tr("Event {event_id}").format(event_id=entry.event_uid), body, self)
        self.body_dialog.open()
        return self.body_dialog

    def replay_selected(self) -> list[int]:
        entry = self.selected()
        if entry is None:
            return []
        try:
            made = self._service.replay(delivery_id=entry.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return []
        self.result.setText(self.tr("Event {event_id} is queued again for {url}; it goes out with the next delivery.")
                            .format(event_id=entry.event_uid, url=entry.url))
        self.refresh()
        self.changed.emit()
        return made

    def deliver_now(self) -> Task[DeliveryReport] | None:
        if self.deliver_task is not None:
            return None
        service = self._service

        def work(progress: ProgressCallback, token: CancelToken) -> DeliveryReport:
            return service.deliver(progress, token)

        def done(report: DeliveryReport) -> None:
            note = self.tr("{delivered} delivered, {retrying} to retry later, {failed} failed").format(
                delivered=report.delivered, retrying=report.retrying, failed=report.failed)
            problems = "; ".join(report.errors[:3])
            self.result.setText(f"{note}. {problems}" if problems else note)
            self.refresh()
            self.changed.emit()

        def failed(error: BaseException) -> None:
            self.result.setText(str(error))
            self.refresh()

        self.deliver_task = self._tasks.run(work, done, title=self.tr("Delivering webhooks…"), dialog_parent=self,
                                            on_failure=failed)
        self.deliver_task.finished.connect(self._delivered)
        self._update_buttons()
        return self.deliver_task

    def _delivered(self) -> None:
        self.deliver_task = None
        self._update_buttons()
