"""What long-running work gets from its caller: a way to report progress and to be cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.domain.errors import PaydeskError

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) as work advances; may be called from a worker thread."""


class Cancelled(PaydeskError):
    """The user cancelled; whatever the work had written was rolled back."""

    def __init__(self) -> None:
        super().__init__("Cancelled; nothing was changed.")


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


def no_progress(done: int, total: int) -> None:
    """The default progress callback: report nothing."""
