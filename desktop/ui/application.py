"""Starting the window: the Qt application, the crash handler, opening the database, the first start.

Startup stays fast: nothing here imports ReportLab, and the invoice list reads only the ids and
the first page of rows.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from desktop.domain.errors import PaydeskError
from desktop.services.paydesk import Paydesk
from desktop.ui import crash
from desktop.ui.crash import CrashHandler
from desktop.ui.first_start import FirstStartChoice, FirstStartDialog
from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "Paydesk"
Opener = Callable[[Path], Paydesk]
DemoMaker = Callable[..., None]


def resources_root() -> Path:
    """The ``resources`` folder: inside a PyInstaller bundle if frozen, else at the repository root."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    path = resources_root() / "icons" / "paydesk.png"
    return QIcon(str(path)) if path.is_file() else QIcon()


def _install_qt_translations(app: QApplication) -> None:
    """Qt's own texts (standard buttons, file dialogs) in the user's language, where Qt ships them."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale.system(), "qtbase", "_", folder):
        app.installTranslator(translator)


class Startup(QObject):
    """Opens databases and the windows over them; keeps the current window."""

    def __init__(self, opener: Opener, create_demo: DemoMaker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._opener = opener
        self._create_demo = create_demo
        self.window: MainWindow | None = None

    def start(self, path: Path) -> MainWindow | None:
        """Open ``path`` (or another file the user picks) and show the window; None when the user quits."""
        paydesk = self.open_database(path, at_start=True)
        if paydesk is None:
            return None
        return self.show_window(paydesk)

    def open_database(self, path: Path, *, at_start: bool) -> Paydesk | None:
        """Open the file; when that fails say why and offer another file (or quitting, at start)."""
        while True:
            try:
                return self._opener(path)
            except PaydeskError as problem:
                log.warning("cannot open %s: %s", path, problem)
                if not self.ask_database_problem(str(problem), at_start=at_start):
                    return None
            except Exception as error:  # a bug: the crash handler logs it and says where the log is
                crash.report_bug(error)
                return None
            chosen = self.choose_database(path)
            if chosen is not None:
                path = chosen

    def show_window(self, paydesk: Paydesk) -> MainWindow:
        window = MainWindow(paydesk)
        window.open_requested.connect(self.switch_to)
        window.show()
        self.window = window
        if not paydesk.company.is_set_up():
            QTimer.singleShot(0, window, lambda: self.first_start(window))
        return window

    def switch_to(self, path: Path) -> None:
        """File > Open database: the new window replaces the old one, which closes its database."""
        paydesk = self.open_database(path, at_start=False)
        if paydesk is None:
            return
        old = self.window
        self.show_window(paydesk)
        if old is not None:
            old.close()
            old.deleteLater()

    def first_start(self, window: MainWindow) -> None:
        while not window.paydesk.company.is_set_up():
            choice = self.ask_first_start(window)
            if choice is FirstStartChoice.SET_UP:
                if self.set_up_company(window):
                    window.refresh_all()
                    return
            elif choice is FirstStartChoice.DEMO:
                window.run_demo(self._create_demo)
                return
            else:
                return

    # --- the questions (tests replace these) ---------------------------------------------------
    def ask_database_problem(self, message: str, *, at_start: bool) -> bool:
        """Show why the file cannot be opened; True when the user wants to open another file."""
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Cannot open the database"), message,
                          QMessageBox.StandardButton.NoButton, self.window)
        other = box.addButton(self.tr("Open another file…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Quit") if at_start else self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(other)
        box.exec()
        box.deleteLater()
        return box.clickedButton() is other

    def choose_database(self, near: Path) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, self.tr("Open database"), str(near.parent),
            self.tr("Paydesk databases (*.sqlite *.db *.paydesk);;All files (*)"))
        return Path(path) if path else None

    def ask_first_start(self, parent: MainWindow) -> FirstStartChoice:
        dialog = FirstStartDialog(parent)
        dialog.exec()
        dialog.deleteLater()
        return dialog.choice

    def set_up_company(self, parent: MainWindow) -> bool:
        from desktop.ui.company_dialog import CompanyDialog

        dialog = CompanyDialog(parent.paydesk, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted


def run(db_path: Path, *, opener: Opener, create_demo: DemoMaker, log_file: Path | None) -> int:
    """Show the window on ``db_path`` and run until it closes; the process exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    _install_qt_translations(app)
    handler = CrashHandler(log_file)
    handler.install()
    try:
        startup = Startup(opener, create_demo, app)
        if startup.start(db_path) is None:
            return 1
        return app.exec()
    finally:
        handler.uninstall()
