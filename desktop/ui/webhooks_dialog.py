"""Settings › Webhooks: the endpoints other tools receive Paydesk's events at (add, edit, test with a
ping, a new signing secret, delete) and the delivery log (``webhook_log_tab``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.events import new_secret
from desktop.services.secrets import SecretsUnavailable
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.services.webhooks import Endpoint, PingResult, WebhookService
from desktop.ui import messages
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.list_widgets import empty_state
from desktop.ui.mail_settings_dialog import OK_COLOR
from desktop.ui.tasks import Task, TaskRunner
from desktop.ui.webhook_endpoint_dialog import EndpointDialog
from desktop.ui.webhook_log_tab import DeliveryLogTab, state_text
from desktop.ui.webhook_secret_dialog import SecretDialog


class WebhooksDialog(QDialog):
    """Two tabs: Endpoints and Delivery log. ``editor``/``secret_dialog`` are the last ones opened (for tests)."""

    URL, DESCRIPTION, EVENTS, ACTIVE, LAST = range(5)

    def __init__(self, service: WebhookService, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.editor: EndpointDialog | None = None
        self.secret_dialog: SecretDialog | None = None
        self.test_task: Task[PingResult] | None = None
        self.endpoints: list[Endpoint] = []
        self.setWindowTitle(self.tr("Webhooks"))
        self.resize(1180, 600)

        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("URL"), self.tr("Description"), self.tr("Events"), self.tr("Active"),
                                              self.tr("Last delivery")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.URL, QHeaderView.ResizeMode.Stretch)
        for column in (self.DESCRIPTION, self.EVENTS, self.ACTIVE, self.LAST):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_endpoint())
        self.hint, self.pages = empty_state(self, self.table)
        self.hint.setText(self.tr("No webhook endpoints yet. Add the address of a tool (a CRM, a ticket system, an "
                                  "automation platform) to send it Paydesk's events."))

        self.add_button = QPushButton(self.tr("&Add…"), self)
        self.add_button.clicked.connect(self.add_endpoint)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.clicked.connect(self.edit_endpoint)
        self.test_button = QPushButton(self.tr("&Test"), self)
        self.test_button.setToolTip(self.tr("Send a signed test event (ping) to this endpoint now"))
        self.test_button.clicked.connect(self.test_endpoint)
        self.rotate_button = QPushButton(self.tr("New &secret…"), self)
        self.rotate_button.setToolTip(self.tr("Make a new signing secret; the old one stops working at once"))
        self.rotate_button.clicked.connect(self.rotate_secret)
        self.delete_button = QPushButton(self.tr("&Delete…"), self)
        self.delete_button.clicked.connect(self.delete_endpoint)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.test_button, self.rotate_button, self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)
        endpoints_page = QWidget(self)
        page_layout = QVBoxLayout(endpoints_page)
        page_layout.addLayout(bar)
        page_layout.addWidget(self.pages, 1)
        page_layout.addWidget(self.test_result)

        self.log = DeliveryLogTab(service, tasks, self)
        self.log.changed.connect(self.refresh)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(endpoints_page, self.tr("&Endpoints"))
        self.tabs.addTab(self.log, self.tr("Delivery &log"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.refresh()

    # --- the list ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.selected()
        try:
            self.endpoints = self._service.endpoints()
            last = {e.id: self._service.deliveries(e.id, limit=1) for e in self.endpoints}
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.table.setRowCount(len(self.endpoints))
        for row, endpoint in enumerate(self.endpoints):
            latest = last[endpoint.id]
            texts = (endpoint.url, endpoint.description, str(len(endpoint.events)),
                     self.tr("Yes") if endpoint.active else self.tr("No"),
                     state_text(latest[0].state) if latest else self.tr("Nothing sent yet"))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, endpoint.id)
                if column == self.EVENTS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setToolTip(", ".join(endpoint.events))
                self.table.setItem(row, column, item)
        self.pages.setCurrentIndex(0 if self.endpoints else 1)
        if current is not None:
            self.select(current.id)
        elif self.endpoints:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> Endpoint | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.endpoints[row] if selected and 0 <= row < len(self.endpoints) else None

    def select(self, endpoint_id: int) -> None:
        for row, endpoint in enumerate(self.endpoints):
            if endpoint.id == endpoint_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.rotate_button, self.delete_button):
            button.setEnabled(chosen)
        self.test_button.setEnabled(chosen and self.test_task is None)

    def _changed(self) -> None:
        self.refresh()
        self.log.set_endpoints()

    # --- add, edit, delete ------------------------------------------------------------------------
    def add_endpoint(self) -> EndpointDialog:
        return self._open_editor(None)

    def edit_endpoint(self) -> EndpointDialog | None:
        endpoint = self.selected()
        return None if endpoint is None else self._open_editor(endpoint)

    def _open_editor(self, endpoint: Endpoint | None) -> EndpointDialog:
        editor = EndpointDialog(self._service, endpoint, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda endpoint_id, secret: self._saved(editor, endpoint_id, secret))
        self.editor = editor
        editor.open()
        return editor

    def _saved(self, editor: EndpointDialog, endpoint_id: int, secret: str) -> None:
        self._changed()
        self.select(endpoint_id)
        if secret:
            self.show_secret(self._service.endpoint(endpoint_id).url, secret, editor.secret_session_only)

    def show_secret(self, url: str, secret: str, session_only: bool) -> SecretDialog:
        dialog = SecretDialog(url, secret, session_only, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.secret_dialog = dialog
        dialog.open()
        return dialog

    def delete_endpoint(self) -> bool:
        endpoint = self.selected()
        if endpoint is None:
            return False
        if not messages.confirm(self, self.tr("Delete endpoint"),
                                self.tr("Delete {url}? Paydesk stops sending it events, and its delivery log and signing "
                                        "secret are removed. This cannot be undone.").format(url=endpoint.url),
                                self.tr("Delete")):
            return False
        try:
            self._service.delete(endpoint.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return False
        self.test_result.clear()
        self._changed()
        return True

    def rotate_secret(self) -> SecretDialog | None:
        endpoint = self.selected()
        if endpoint is None:
            return None
        if not messages.confirm(self, self.tr("New signing secret"),
                                self.tr("Make a new signing secret for {url}? The old one stops working at once: events "
                                        "fail their signature check until the receiver has the new one.").format(
                                    url=endpoint.url), self.tr("Make new secret")):
            return None
        session_only = False
        try:
            try:
                secret = self._service.rotate_secret(endpoint.id)
            except SecretsUnavailable as error:
                if not messages.confirm(self, self.tr("No password store"), str(error), self.tr("Use for this session only")):
                    return None
                secret = new_secret()
                self._service.keep_secret_for_session(endpoint.id, secret)
                session_only = True
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        return self.show_secret(endpoint.url, secret, session_only)

    # --- test -------------------------------------------------------------------------------------
    def test_endpoint(self) -> Task[PingResult] | None:
        endpoint = self.selected()
        if endpoint is None or self.test_task is not None:
            return None
        service, endpoint_id = self._service, endpoint.id

        def work(_progress: ProgressCallback, _token: CancelToken) -> PingResult:
            return service.test(endpoint_id)

        self._show_result(self.tr("Sending a test event to {url}…").format(url=endpoint.url), None)
        self.test_task = self._tasks.run(work, self._tested, title=self.tr("Testing the webhook…"), dialog_parent=self,
                                         on_failure=lambda error: self._show_result(str(error), False), cancellable=False)
        self.test_task.finished.connect(self._test_finished)
        self._update_buttons()
        return self.test_task

    def _tested(self, result: PingResult) -> None:
        if result.ok:
            self._show_result(self.tr("Test event delivered: the receiver answered {status}.").format(status=result.status), True)
        else:
            self._show_result(self.tr("Test event not delivered: {problem}").format(problem=result.message), False)

    def _test_finished(self) -> None:
        self.test_task = None
        self._changed()

    def _show_result(self, text: str, ok: bool | None) -> None:
        color = "palette(text)" if ok is None else OK_COLOR if ok else ERROR_COLOR
        self.test_result.setStyleSheet(f"color: {color};")
        self.test_result.setText(text)
