"""Reading for a page without freezing the window and without a progress dialog: the page shows a
small "Loading…" itself. Only the newest read of a reader counts; results of older ones are dropped
(the user changed a filter meanwhile). Reads run beside the window's task thread (SQLite in WAL mode
lets readers run next to the writer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Read(QRunnable):
    def __init__(self, generation: int, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._generation = generation
        self._work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:
            self.signals.failed.emit(self._generation, error)
        else:
            self.signals.done.emit(self._generation, result)


class BackgroundReader(QObject):
    """``read(work, done, failed)``: ``work()`` runs off the UI thread, ``done(result)`` or ``failed(error)`` on it.

    Signals:
        busy_changed: True while a read is running.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._running = 0
        self._signals = _Signals(self)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)

    def read(self, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None]) -> int:
        """Start a read; any earlier one still running is forgotten. Returns the read's number."""
        self._generation += 1
        self._callbacks = {self._generation: (done, failed)}
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Read(self._generation, work, self._signals))
        return self._generation

    def busy(self) -> bool:
        return self._running > 0

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until no read runs (before the database closes)."""
        return self._pool.waitForDone(msecs)

    def _finish(self, generation: int) -> tuple[Callable[[Any], None], Callable[[BaseException], None]] | None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)
        return self._callbacks.pop(generation, None)

    def _done(self, generation: int, result: object) -> None:
        callbacks = self._finish(generation)
        if callbacks is not None:
            callbacks[0](result)

    def _failed(self, generation: int, error: object) -> None:
        callbacks = self._finish(generation)
        if callbacks is not None and isinstance(error, BaseException):
            callbacks[1](error)
