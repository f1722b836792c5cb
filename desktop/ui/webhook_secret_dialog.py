"""The signing secret of a webhook endpoint, shown once (after adding the endpoint or making a new
secret): a read-only field, a Copy button, and the note that Paydesk will not show it again."""

from __future__ import annotations

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


class SecretDialog(QDialog):
    """Shows ``secret`` for ``url``; ``session_only`` says it is kept in memory only (no keyring)."""

    def __init__(self, url: str, secret: str, session_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Webhook signing secret"))
        self.setMinimumWidth(620)
        intro = QLabel(self.tr("The signing secret for {url}:").format(url=url), self)
        intro.setWordWrap(True)
        self.secret = QLineEdit(secret, self)
        self.secret.setReadOnly(True)
        self.secret.setFont(QFont("monospace"))
        self.secret.selectAll()
        self.copy_button = QPushButton(self.tr("&Copy"), self)
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.secret, 1)
        row.addWidget(self.copy_button)
        self.note = QLabel(self.tr("Copy it now into the receiving tool; Paydesk will not show it again. The receiver "
                                   "uses it to check the Paydesk-Signature header of every event."), self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-weight: bold;")
        self.kept = QLabel(self.tr("Kept for this session only: there is no system keyring, so Paydesk forgets it when it "
                                   "closes and deliveries stop until you make a new secret.") if session_only
                           else self.tr("Paydesk keeps it in the system keyring."), self)
        self.kept.setWordWrap(True)
        self.copied = QLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.kept)
        layout.addWidget(self.copied)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.secret.text())
        self.copied.setText(self.tr("Copied to the clipboard."))

    def done(self, result: int) -> None:
        self.secret.clear()  # shown once: nothing of it stays in the widget
        super().done(result)
