"""The window part of ``paydesk --self-test``: Qt starts, a platform plugin loads, and the main
window shows a database and paints. Qt's own translations and the app icon are found.

Qt ends the process (it cannot be caught) when no platform plugin loads, so ``missing_platform``
looks for the plugin's file first and the self-test can say what is missing instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtWidgets import QApplication

from desktop.services.paydesk import Paydesk
from desktop.ui.application import app_icon
from desktop.ui.main_window import MainWindow


@dataclass(frozen=True, slots=True)
class WindowReport:
    platform: str
    width: int
    height: int
    title: str
    icon_found: bool


def platform_plugins() -> list[str]:
    """The platform plugins this Qt has (``xcb``, ``wayland``, ``offscreen``, ``windows``, ``cocoa`` ...)."""
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = []
    for path in folder.glob("*"):
        if path.suffix in (".so", ".dll", ".dylib"):
            stem = path.stem.removeprefix("lib")
            names.append(stem.removeprefix("q") if stem.startswith("q") else stem)
    return sorted(names)


def missing_platform() -> str | None:
    """Why no platform plugin can load, or None. Checks the one QT_QPA_PLATFORM asks for, if it does."""
    available = platform_plugins()
    if not available:
        return f"Qt has no platform plugins (looked in {QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)}/platforms)"
    wanted = [name.split(":")[0] for name in os.environ.get("QT_QPA_PLATFORM", "").split(";") if name]
    if wanted and not any(name in available for name in wanted):
        return f"QT_QPA_PLATFORM asks for {' or '.join(wanted)}, but Qt only has {', '.join(available)}"
    return None


def qt_translations() -> list[str]:
    """The languages Qt's own texts (standard buttons, file dialogs) are available in."""
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    return sorted(path.stem.removeprefix("qtbase_") for path in folder.glob("qtbase_*.qm"))


def show_main_window(paydesk: Paydesk) -> WindowReport:
    """Show the main window over ``paydesk``, let it paint once, then close it (which closes ``paydesk``)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1] or ["paydesk"])
    window = MainWindow(paydesk)
    try:
        window.show()
        app.processEvents()
        image = window.grab()
        return WindowReport(app.platformName(), image.width(), image.height(), window.windowTitle(), not app_icon().isNull())
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
