"""Background work for the window: an operation runs off the UI thread and its result or error
comes back on the UI thread. A progress dialog with a Cancel button appears only when the work
takes longer than ``PROGRESS_DELAY_MS``, so quick work never flickers.

Database work goes to one serial thread (SQLite has one writer); call ``TaskRunner.run``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.domain.errors import PaydeskError
from desktop.services.tasks import Cancelled, CancelToken, ProgressCallback

T = TypeVar("T")
PROGRESS_DELAY_MS = 600

Work = Callable[[ProgressCallback, CancelToken], T]


class _Signals(QObject):
    """Signals:
        progressed: (done, total) reported by the work.
        succeeded: the work's result.
        failed: the exception the work raised.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work[Any], token: CancelToken, signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._token = token
        self.signals = signals

    def run(self) -> None:
        try:
            result = self._work(self.signals.progressed.emit, self._token)
        except BaseException as error:
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class Task(QObject, Generic[T]):
    """One running operation. ``cancel()`` asks the work to stop at its next check.

    Signals:
        finished: the task ended (after its success or failure callback ran).
    """

    finished = Signal()

    def __init__(self, parent: QObject, title: str, dialog_parent: QWidget | None, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.token = CancelToken()
        self._title = title
        self._cancellable = cancellable
        self._dialog_parent = dialog_parent
        self._dialog: QProgressDialog | None = None
        self._last = (0, 0)
        self._timer = QTimer(self, singleShot=True, interval=PROGRESS_DELAY_MS)
        self._timer.timeout.connect(self._show_progress)

    def cancel(self) -> None:
        self.token.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(self.tr("Cancelling…"))

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self._last = (done, total)
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 1))
            self._dialog.setValue(min(done, max(total, 1)))

    def _show_progress(self) -> None:
        dialog = QProgressDialog(self._title, self.tr("Cancel"), 0, 0, self._dialog_parent)
        dialog.setWindowTitle(self._title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        self._on_progress(*self._last)
        dialog.show()

    def _close(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None


class TaskRunner(QObject):
    """Runs work on a background thread: ``run(work, on_success, on_failure)``.

    ``work(progress, token)`` runs off the UI thread; callbacks run on the UI thread. A
    ``PaydeskError`` (including a cancel) goes to ``on_failure`` if given, else to ``report``
    (a cancel without ``on_failure`` is dropped). Anything else is a bug and goes to ``report``,
    which logs it (the crash handler does).
    """

    def __init__(self, parent: QObject, report: Callable[[BaseException], None], threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._report = report
        self._running: set[Task[Any]] = set()

    def run(
        self, work: Work[T], on_success: Callable[[T], None], *, title: str = "",
        on_failure: Callable[[BaseException], None] | None = None, dialog_parent: QWidget | None = None,
        cancellable: bool = True,
    ) -> Task[T]:
        """``cancellable=False`` for work that cannot stop halfway: its progress dialog has no Cancel button."""
        task: Task[T] = Task(self, title or self.tr("Working…"), dialog_parent, cancellable)
        signals = _Signals(task)
        signals.progressed.connect(task._on_progress)

        def succeeded(result: object) -> None:
            task._close()
            try:
                on_success(result)  # type: ignore[arg-type]
            finally:
                self._finish(task)

        def failed(error: object) -> None:
            task._close()
            try:
                assert isinstance(error, BaseException)
                if on_failure is not None and isinstance(error, PaydeskError):
                    on_failure(error)
                elif not isinstance(error, Cancelled):
                    self._report(error)
            finally:
                self._finish(task)

        signals.succeeded.connect(succeeded)
        signals.failed.connect(failed)
        self._running.add(task)
        task._timer.start()
        self._pool.start(_Job(work, task.token, signals))
        return task

    def _finish(self, task: Task[Any]) -> None:
        self._running.discard(task)
        task.finished.emit()
        task.deleteLater()

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (used when closing the window)."""
        return self._pool.waitForDone(msecs)
