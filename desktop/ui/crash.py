"""The one place bugs end up: logged with their traceback, and a friendly box saying where the log is.

A ``PaydeskError`` that escapes is not a bug: the user sees its message, and it is not logged as a crash.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.domain.errors import PaydeskError

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("CrashHandler", text)


class CrashHandler:
    """``install()`` makes this ``sys.excepthook`` until ``uninstall()``."""

    def __init__(self, log_file: Path | None) -> None:
        self.log_file = log_file
        self._previous: ExceptHook | None = None
        self._showing = False

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.excepthook

    def uninstall(self) -> None:
        if self._previous is not None and sys.excepthook == self.excepthook:
            sys.excepthook = self._previous
        self._previous = None

    def excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(error, PaydeskError):
            log.warning("unhandled user-facing error: %s", error)
            self._show(_tr("Paydesk"), str(error), QMessageBox.Icon.Warning)
            return
        log.critical("unexpected error", exc_info=(kind, error, tb))
        self._show(_tr("Paydesk ran into a problem"), self.bug_text(), QMessageBox.Icon.Critical)

    def bug_text(self) -> str:
        if self.log_file is None:
            return _tr("Something went wrong inside Paydesk. This is a bug, not something you did.\n\n"
                       "Your saved data is safe. If it happens again, please restart Paydesk.")
        return _tr("Something went wrong inside Paydesk. This is a bug, not something you did.\n\n"
                   "Your saved data is safe. The details were written to the log file:\n{path}\n\n"
                   "Please send that file to support.").format(path=self.log_file)

    def _show(self, title: str, text: str, icon: QMessageBox.Icon) -> None:
        if self._showing or QApplication.instance() is None:
            return  # one box at a time: an error while the box is open is only logged
        self._showing = True
        try:
            box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, QApplication.activeWindow())
            box.exec()
            box.deleteLater()
        finally:
            self._showing = False


def report_bug(error: BaseException) -> None:
    """Hand an exception caught elsewhere (a background task) to whatever ``sys.excepthook`` is."""
    sys.excepthook(type(error), error, error.__traceback__)
