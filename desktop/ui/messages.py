"""Every message box the window shows goes through these few functions.

Tests replace them (``monkeypatch.setattr(messages, "confirm", ...)``), so no test ever blocks on
a modal box. Callers use ``messages.confirm(...)``, never ``from ... import confirm``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.errors import PaydeskError, ValidationError


def _tr(text: str) -> str:
    return QCoreApplication.translate("messages", text)


def error_text(error: PaydeskError | str) -> str:
    """The message for the user: a validation error's messages one per line, without field names."""
    if isinstance(error, ValidationError) and error.fields:
        return "\n".join(error.fields.values())
    return str(error)


def show_error(parent: QWidget | None, error: PaydeskError | str, title: str | None = None) -> None:
    """A problem the user can act on: its message, never a traceback."""
    QMessageBox.warning(parent, title or _tr("Paydesk"), error_text(error))


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before doing something that cannot be undone; ``action`` labels the yes button."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
