"""Keeping a secret (SMTP password, API key) when the system keyring cannot: the user chooses to
use it for this session only (kept in memory, forgotten on quit) or to cancel. It is never written
anywhere else."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop.services.secrets import SecretsUnavailable
from desktop.ui import messages


def _tr(text: str) -> str:
    return QCoreApplication.translate("secret_prompt", text)


def store_secret(parent: QWidget | None, put: Callable[[bool], None]) -> bool:
    """``put(session_only)`` stores the secret; True once it is kept (keyring or this session), False if cancelled.

    ``put(False)`` is tried first; when it raises ``SecretsUnavailable`` the user is asked whether to
    keep the secret for this session only, and ``put(True)`` is called if they agree.
    """
    try:
        put(False)
    except SecretsUnavailable as error:
        if not messages.confirm(parent, _tr("No password store"), str(error), _tr("Use for this session only")):
            return False
        put(True)
    return True


def secret_state(stored: bool, session_only: bool) -> str:
    """What the user is told about a saved secret (the secret itself is never shown)."""
    if not stored:
        return _tr("Not saved yet.")
    if session_only:
        return _tr("Kept for this session only: Paydesk forgets it when it closes.")
    return _tr("Saved in the system keyring.")
