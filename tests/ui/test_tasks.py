"""Background work: results and errors come back on the UI thread; progress appears only when slow."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.domain.errors import PaydeskError
from desktop.services.tasks import Cancelled
from desktop.ui import tasks as tasks_module
from desktop.ui.tasks import TaskRunner


@pytest.fixture
def runner(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    reports: list[BaseException] = []
    tasks = TaskRunner(host, reports.append)
    yield tasks, reports, host
    tasks.wait()


def test_the_result_comes_back_on_the_ui_thread(qtbot, runner):
    tasks, reports, _host = runner
    results: list[tuple[int, bool]] = []
    on_ui_thread = lambda: threading.current_thread() is threading.main_thread()  # noqa: E731
    tasks.run(lambda progress, token: 42, lambda value: results.append((value, on_ui_thread())))
    qtbot.waitUntil(lambda: bool(results))
    assert results == [(42, True)]
    assert not tasks.busy()
    assert reports == []


def test_user_errors_go_to_on_failure_and_bugs_to_report(qtbot, runner):
    tasks, reports, _host = runner
    failures: list[BaseException] = []

    def user_error(progress, token):
        raise PaydeskError("The folder is read-only.")

    def bug(progress, token):
        raise ZeroDivisionError

    tasks.run(user_error, lambda _: None, on_failure=failures.append)
    tasks.run(bug, lambda _: None, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures) and bool(reports))
    assert [str(f) for f in failures] == ["The folder is read-only."]
    assert [type(r) for r in reports] == [ZeroDivisionError]


def test_slow_work_shows_progress_and_can_be_cancelled(qtbot, runner, monkeypatch):
    monkeypatch.setattr(tasks_module, "PROGRESS_DELAY_MS", 10)
    tasks, _reports, host = runner
    failures: list[BaseException] = []

    def slow(progress, token):
        for n in range(200):
            progress(n, 200)
            token.check()
            time.sleep(0.01)

    task = tasks.run(slow, lambda _: None, title="Exporting PDFs…", on_failure=failures.append, dialog_parent=host)
    qtbot.waitUntil(lambda: host.findChild(QProgressDialog) is not None)
    dialog = host.findChild(QProgressDialog)
    assert dialog.labelText() == "Exporting PDFs…"
    task.cancel()
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], Cancelled)


def test_work_that_cannot_stop_has_no_cancel_button(qtbot, runner, monkeypatch):
    monkeypatch.setattr(tasks_module, "PROGRESS_DELAY_MS", 10)
    tasks, _reports, host = runner
    done: list[object] = []
    tasks.run(lambda progress, token: time.sleep(0.3), done.append, dialog_parent=host, cancellable=False)
    qtbot.waitUntil(lambda: host.findChild(QProgressDialog) is not None)
    dialog = host.findChild(QProgressDialog)
    assert [b for b in dialog.findChildren(QObject) if b.metaObject().className() == "QPushButton"] == []
    qtbot.waitUntil(lambda: bool(done))
