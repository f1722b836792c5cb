"""Settings › Email server: the SMTP server reminders are sent through, the sender, and the
password (kept in the system keyring, or for this session only when there is none)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.services.mail_settings import DEFAULT_PORTS, MailSettings, MailSettingsService, Security
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui.field_errors import ERROR_COLOR, FieldErrors
from desktop.ui.secret_prompt import secret_state, store_secret
from desktop.ui.tasks import TaskRunner

OK_COLOR = "#2e7d32"


class MailSettingsDialog(QDialog):
    """Edits the SMTP settings; ``Test connection`` logs in to the server in the background.

    ``accept()``ed once the settings (and a newly typed password) are saved.
    """

    def __init__(self, service: MailSettingsService, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.setWindowTitle(self.tr("Email server"))
        self.setMinimumWidth(540)
        current = service.load()
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.host = QLineEdit(current.host, self)
        self.host.setPlaceholderText(self.tr("smtp.example.com"))
        self.security = QComboBox(self)
        for text, value in ((self.tr("STARTTLS (usually port 587)"), Security.STARTTLS),
                            (self.tr("SSL/TLS (usually port 465)"), Security.SSL),
                            (self.tr("None: unencrypted, local network only (port 25)"), Security.NONE)):
            self.security.addItem(text, value.value)
        self.security.setCurrentIndex(self.security.findData(Security(current.security).value))
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        self.port.setMaximumWidth(110)
        self.security.currentIndexChanged.connect(self._security_changed)

        self.username = QLineEdit(current.username, self)
        self.username.setPlaceholderText(self.tr("Often your email address"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_state = QLabel(self)
        self.password_state.setWordWrap(True)
        self.password_state.setStyleSheet("color: palette(placeholder-text);")
        self.from_name = QLineEdit(current.from_name, self)
        self.from_name.setPlaceholderText(self.tr("Accounts department, Your Company Ltd"))
        self.from_address = QLineEdit(current.from_address, self)
        self.from_address.setPlaceholderText(self.tr("accounts@example.com"))
        self.reply_to = QLineEdit(current.reply_to, self)
        self.reply_to.setPlaceholderText(self.tr("Optional: where customers' replies go"))

        port_row = QWidget(self)
        port_layout = QHBoxLayout(port_row)
        port_layout.setContentsMargins(0, 0, 0, 0)
        port_layout.addWidget(e.wrap("security", self.security, self.tr("Security")), 1)
        port_layout.addWidget(QLabel(self.tr("Port"), self))
        port_layout.addWidget(e.wrap("port", self.port, self.tr("Port")))
        password_box = QWidget(self)
        password_layout = QVBoxLayout(password_box)
        password_layout.setContentsMargins(0, 0, 0, 0)
        password_layout.setSpacing(2)
        password_layout.addWidget(e.wrap("password", self.password, self.tr("Password")))
        password_layout.addWidget(self.password_state)

        form = QFormLayout()
        form.addRow(self.tr("Server"), e.wrap("host", self.host, self.tr("Server")))
        form.addRow(self.tr("Security"), port_row)
        form.addRow(self.tr("User name"), e.wrap("username", self.username, self.tr("User name")))
        form.addRow(self.tr("Password"), password_box)
        form.addRow(self.tr("Sender name"), e.wrap("from_name", self.from_name, self.tr("Sender name")))
        form.addRow(self.tr("Sender address"), e.wrap("from_address", self.from_address, self.tr("Sender address")))
        form.addRow(self.tr("Reply-to"), e.wrap("reply_to", self.reply_to, self.tr("Reply-to")))

        self.test_button = QPushButton(self.tr("&Test connection"), self)
        self.test_button.setToolTip(self.tr("Connect to the server and log in with these settings; nothing is sent."))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._show_password_state()

    # --- fields -----------------------------------------------------------------------------------
    def _security_changed(self) -> None:
        """The port follows the security choice unless the user typed a port of their own."""
        new = Security(self.security.currentData())
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[new])

    def settings(self) -> MailSettings:
        return MailSettings(self.host.text(), self.port.value(), Security(self.security.currentData()), self.username.text(),
                            self.from_name.text(), self.from_address.text(), self.reply_to.text())

    def _typed_password(self) -> str | None:
        """None keeps the saved password."""
        return self.password.text() or None

    def _show_password_state(self) -> None:
        stored = self._service.has_password()
        self.password_state.setText(secret_state(stored, stored and self._service.password_is_session_only()))
        self.password.setPlaceholderText(self.tr("Leave empty to keep the saved password") if stored else "")

    # --- test -------------------------------------------------------------------------------------
    def test_connection(self) -> None:
        settings, password, service = self.settings(), self._typed_password(), self._service
        self.errors.clear()
        self.test_button.setEnabled(False)
        self._show_result(self.tr("Connecting to {host}…").format(host=settings.host.strip()), None)

        def work(_progress: ProgressCallback, _token: CancelToken) -> str:
            return service.test_connection(settings, password)

        self._tasks.run(work, self._tested, on_failure=self._test_failed, title=self.tr("Testing the email server…"),
                        dialog_parent=self, cancellable=False)

    def _tested(self, greeting: str) -> None:
        self.test_button.setEnabled(True)
        message = self.tr("Connected and logged in.")
        self._show_result(f"{message} {greeting}".strip(), True)

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.errors.show(error)
            self._show_result("", None)
            return
        self._show_result(str(error), False)

    def _show_result(self, text: str, ok: bool | None) -> None:
        color = "palette(text)" if ok is None else OK_COLOR if ok else ERROR_COLOR
        self.test_result.setStyleSheet(f"color: {color};")
        self.test_result.setText(text)

    # --- save -------------------------------------------------------------------------------------
    def save(self) -> bool:
        settings, password = self.settings(), self._typed_password()
        try:
            if password is None:
                self._service.save(settings)
            elif not store_secret(self, lambda session_only: self._keep(settings, password, session_only)):
                self._show_password_state()
                self.errors.show_message(self.tr(
                    "The settings were saved, but not the password: Paydesk cannot send email until it has one."))
                return False
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.accept()
        return True

    def _keep(self, settings: MailSettings, password: str, session_only: bool) -> None:
        self._service.save(settings, password, session_only=session_only)
