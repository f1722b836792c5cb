"""Starting up: a file that is not a database, the first start with its demo, the crash handler."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop.domain.errors import PaydeskError
from desktop.services.demo import DEMO_COMPANY, create_demo
from desktop.services.paydesk import Paydesk
from desktop.ui.application import Startup, run
from desktop.ui.crash import CrashHandler
from desktop.ui.first_start import FirstStartChoice, FirstStartDialog
from desktop.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.ui.message_recorder import record_messages


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


def opener(path: Path) -> Paydesk:
    return Paydesk.open(path, today=lambda: TODAY)


def small_demo(paydesk: Paydesk, progress=None) -> None:
    kwargs = {"progress": progress} if progress else {}
    create_demo(paydesk, customers=4, invoices=12, **kwargs)


def no_demo(paydesk: Paydesk, progress=None) -> None:
    raise AssertionError("no demo expected")


@pytest.fixture
def windows(qtbot):
    """Close every window a test opened (each closes its database)."""
    opened: list[MainWindow] = []
    yield opened
    for window in opened:
        window.close()


def test_startup_on_a_file_that_is_not_a_database_says_so_and_quits(qtbot, tmp_path, monkeypatch, shown):
    not_a_database = tmp_path / "notes.sqlite"
    not_a_database.write_text("shopping list")
    asked: list[tuple[str, bool]] = []

    def ask(self: Startup, message: str, *, at_start: bool) -> bool:
        asked.append((message, at_start))
        return False  # "Quit"

    monkeypatch.setattr(Startup, "ask_database_problem", ask)
    hook = sys.excepthook

    code = run(not_a_database, opener=opener, create_demo=no_demo, log_file=tmp_path / "paydesk.log")

    assert code != 0
    assert asked == [(f"{not_a_database} is not a Paydesk database (it is not an SQLite file). Choose another file.", True)]
    assert sys.excepthook is hook  # the crash handler is removed again
    assert QApplication.applicationName() == "Paydesk"
    assert not QApplication.windowIcon().isNull()


def test_open_another_file_after_a_problem(qtbot, tmp_path, monkeypatch, windows, shown):
    folder = tmp_path / "a folder.sqlite"
    folder.mkdir()
    good = tmp_path / "good.sqlite"
    opener(good).company.save(DEMO_COMPANY)
    monkeypatch.setattr(Startup, "ask_database_problem", lambda self, message, *, at_start: True)
    monkeypatch.setattr(Startup, "choose_database", lambda self, near: good)

    window = Startup(opener, no_demo).start(folder)

    assert isinstance(window, MainWindow)
    windows.append(window)
    assert window.paydesk.path == good
    assert window.path_label.text() == f"Database: {good}"
    assert window.windowTitle() == "Paydesk Demo B.V. — Paydesk"


def test_first_start_offers_the_demo_and_fills_the_database(qtbot, tmp_path, monkeypatch, windows, shown):
    offered: list[MainWindow] = []

    def ask(self: Startup, parent: MainWindow) -> FirstStartChoice:
        offered.append(parent)
        return FirstStartChoice.DEMO

    monkeypatch.setattr(Startup, "ask_first_start", ask)
    window = Startup(opener, small_demo).start(tmp_path / "new.sqlite")
    assert window is not None
    windows.append(window)

    qtbot.waitUntil(lambda: window.invoices.model.rowCount() > 0, timeout=20_000)
    assert offered == [window]
    assert window.paydesk.company.get().name == DEMO_COMPANY.name
    assert window.statusBar().currentMessage() == "The demo company is ready to explore."


def test_first_start_set_up_keeps_asking_until_a_company_is_saved(qtbot, tmp_path, monkeypatch, windows, shown):
    answers = [FirstStartChoice.SET_UP, FirstStartChoice.SET_UP]
    setups: list[bool] = []

    def set_up(self: Startup, parent: MainWindow) -> bool:
        saved = len(setups) == 1  # the first time the user cancels the company dialog
        if saved:
            parent.paydesk.company.save(DEMO_COMPANY)
        setups.append(saved)
        return saved

    monkeypatch.setattr(Startup, "ask_first_start", lambda self, parent: answers.pop(0))
    monkeypatch.setattr(Startup, "set_up_company", set_up)
    window = Startup(opener, no_demo).start(tmp_path / "new.sqlite")
    assert window is not None
    windows.append(window)
    qtbot.waitUntil(lambda: len(setups) == 2)
    assert setups == [False, True]
    assert window.windowTitle() == "Paydesk Demo B.V. — Paydesk"


def test_later_leaves_an_empty_window_that_explains_what_is_missing(qtbot, tmp_path, monkeypatch, windows, shown):
    monkeypatch.setattr(Startup, "ask_first_start", lambda self, parent: FirstStartChoice.LATER)
    window = Startup(opener, no_demo).start(tmp_path / "new.sqlite")
    assert window is not None
    windows.append(window)
    qtbot.wait(10)
    assert window.invoices.new_invoice() is None
    assert shown.errors == ["Set up your company first (Settings)."]


def test_first_start_dialog_buttons(qtbot):
    dialog = FirstStartDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_button.text() == "Explore with a demo company"
    dialog.demo_button.click()
    assert dialog.choice is FirstStartChoice.DEMO
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.show()
    dialog.set_up_button.click()
    assert dialog.choice is FirstStartChoice.SET_UP


def test_an_upgraded_database_says_where_the_backup_is(qtbot, paydesk, tmp_path, windows, shown):
    backup = tmp_path / "paydesk.sqlite.before-0002.bak"
    paydesk.db.report = dataclasses.replace(paydesk.open_report, backup=backup)
    window = MainWindow(paydesk)
    windows.append(window)
    assert str(backup) in window.statusBar().currentMessage()
    assert "upgraded" in window.statusBar().currentMessage()


def test_crash_handler_logs_the_bug_and_shows_where_the_log_is(tmp_path, monkeypatch, caplog):
    log_file = tmp_path / "paydesk.log"
    handler = CrashHandler(log_file)
    boxes: list[tuple[str, str]] = []
    monkeypatch.setattr(handler, "_show", lambda title, text, icon: boxes.append((title, text)))
    try:
        raise KeyError("secret internals")
    except KeyError as error:
        with caplog.at_level(logging.ERROR):
            handler.excepthook(KeyError, error, error.__traceback__)
    title, text = boxes[0]
    assert title == "Paydesk ran into a problem"
    assert str(log_file) in text
    assert "secret internals" not in text and "Traceback" not in text
    assert caplog.records[-1].exc_info is not None


def test_crash_handler_shows_a_user_facing_error_as_its_message(tmp_path, monkeypatch):
    handler = CrashHandler(None)
    boxes: list[str] = []
    monkeypatch.setattr(handler, "_show", lambda title, text, icon: boxes.append(text))
    error = PaydeskError("The database is locked by another program.")
    handler.excepthook(PaydeskError, error, None)
    assert boxes == ["The database is locked by another program."]


def test_crash_handler_install_and_uninstall():
    handler = CrashHandler(None)
    before = sys.excepthook
    handler.install()
    assert sys.excepthook == handler.excepthook
    handler.uninstall()
    assert sys.excepthook is before


def test_the_database_problem_box_offers_another_file_or_quit(qtbot, monkeypatch):
    seen: list[list[str]] = []

    def exec_(box: QMessageBox) -> int:
        seen.append([button.text() for button in box.buttons()])
        box.buttons()[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert Startup(opener, no_demo).ask_database_problem("broken", at_start=True) is True
    assert seen == [["Open another file…", "Quit"]]


def test_startup_does_not_load_reportlab():
    code = "import sys, desktop.app, desktop.ui.application; print('reportlab' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
