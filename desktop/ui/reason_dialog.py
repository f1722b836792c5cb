"""Asking why (voiding or writing off an invoice): the reason is required and kept in the audit log."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop.domain.errors import PaydeskError
from desktop.ui import messages
from desktop.ui.field_errors import error_label


class ReasonDialog(QDialog):
    """``apply(reason)`` runs when the user confirms; a ``PaydeskError`` it raises is shown here
    and the dialog stays open. The confirm button is enabled only once a reason is typed."""

    def __init__(self, title: str, prompt: str, action: str, apply: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._apply = apply
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(self.tr("Reason (required, kept in the audit log)"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.confirm_button: QPushButton = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setEnabled(False)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._text_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def _text_changed(self) -> None:
        self.confirm_button.setEnabled(bool(self.text()))
        self.error.hide()

    def confirm(self) -> None:
        if not self.text():
            return
        try:
            self._apply(self.text())
        except PaydeskError as error:
            self.error.setText(messages.error_text(error))
            self.error.show()
            return
        self.accept()
