"""Bulk inserts of a bank import on a background thread, inside the caller's transaction.

Matching is Python (it holds the GIL); storing its results is mostly SQLite's own work, which
runs without the GIL. A ``BulkWriter`` runs the inserts of one part of the import on its own
thread while matching goes on with the next part, so the two overlap on a second core.

How that stays safe and correct:

* It uses the transaction's own SQLite connection, so everything stays in the one transaction
  (a rollback undoes it all). While work is queued the caller must not use the connection;
  ``wait`` returns once everything queued is written, and only then may the caller use it again.
* Work runs in the order it was queued (payments before the transactions that name them).
* Each statement inserts many rows at once (``INSERT ... VALUES (...), (...), ...``): one call
  into SQLite per statement, without the GIL for all its rows. Row by row (``executemany``), the
  thread would wait for the GIL after every row while matching holds it. And while the block
  runs, the interpreter's switch interval is 0.5 ms instead of 5: how long the writer waits for
  the GIL after each statement (see ``_quick_switching``).
* The first error stops the writer and is raised to the caller (as SQLAlchemy's ``DBAPIError``,
  like any other database error) by the next ``insert`` or by ``wait``. Leaving the ``with``
  block by an exception discards what is still queued and waits for the thread before the
  exception goes on to roll the transaction back.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

MAX_ROWS_PER_STATEMENT = 250
"""Rows an insert statement takes at most. The connection keeps its statements compiled, each with the
values last bound to it: at 1,000 rows that held on to ~15 MB after an import; at 250, hardly more
than before, and a hundred statements more cost the writer little."""
SWITCH_INTERVAL_S = 0.0005

Row = Sequence[object]
_Job = Callable[[sqlite3.Connection], None]


class BulkWriter:
    """Runs queued inserts on a background thread; see the module docstring."""

    def __init__(self, conn: Connection) -> None:
        raw = conn.connection.driver_connection
        if not isinstance(raw, sqlite3.Connection):
            raise TypeError("BulkWriter needs an SQLite connection")
        self._raw = raw
        self._variables = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="paydesk-bulk-writer", daemon=True)
        self._thread.start()

    def insert(self, sql: str, rows: Sequence[Row]) -> None:
        """Queue ``sql`` (``INSERT INTO t (a, b) VALUES (?, ?)``) for each of ``rows``, many rows a statement."""
        self._raise_error()
        if not rows:
            return
        head, values = sql.split(" VALUES ", 1)
        per = max(1, min(MAX_ROWS_PER_STATEMENT, self._variables // max(1, len(rows[0]))))
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            self._queue(_many_rows(f"{head} VALUES {','.join([values] * len(chunk))}", chunk))

    def call(self, job: Callable[[sqlite3.Connection], None]) -> None:
        """Queue ``job``, run with the SQLite connection on the writer's thread. It should make few calls into
        SQLite, each doing much (a query returning many rows would wait for the GIL after each row)."""
        self._raise_error()
        self._queue(job)

    def wait(self) -> None:
        """Block until everything queued is written; raise the first error, if any."""
        self._idle.wait()
        self._raise_error()

    def close(self, discard: bool = False) -> None:
        """Stop the thread once it has written what is queued (``discard``: skip what has not started)."""
        self._stopping = discard
        self._jobs.put(None)
        self._thread.join()

    # --- the thread --------------------------------------------------------------------------
    def _queue(self, job: _Job) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                if self._error is None and not self._stopping:
                    job(self._raw)
            except BaseException as error:  # handed to the caller's thread by wait or insert
                self._error = error
            finally:
                with self._lock:
                    self._pending -= 1
                    if not self._pending:
                        self._idle.set()

    def _raise_error(self) -> None:
        error = self._error
        if error is None:
            return
        if isinstance(error, sqlite3.Error):
            raise DBAPIError.instance("bulk insert", None, error, sqlite3.Error) from error
        raise error


@contextmanager
def bulk_writer(conn: Connection) -> Iterator[BulkWriter]:
    """A ``BulkWriter`` for the block: waits for its work at the end, or discards it on an exception."""
    writer = BulkWriter(conn)
    try:
        with _quick_switching():
            yield writer
    except BaseException:
        writer.close(discard=True)
        raise
    try:
        writer.wait()
    finally:
        writer.close()


_switching_lock = threading.Lock()
_switching_users = 0
_switching_before = 0.0


@contextmanager
def _quick_switching() -> Iterator[None]:
    """Let the writer have the GIL back within ``SWITCH_INTERVAL_S`` once SQLite is done with a statement.

    A thread coming back from SQLite waits for the GIL until the interpreter's switch interval (5 ms)
    has passed, and matching never lets go of it sooner; with a hundred statements that is half a
    second of the writer waiting, then the caller waiting for the writer. Meanwhile the interval is
    shorter, for the whole process (it only matters while threads want the GIL at once)."""
    global _switching_users, _switching_before
    with _switching_lock:
        if not _switching_users:
            _switching_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switching_before, SWITCH_INTERVAL_S))
        _switching_users += 1
    try:
        yield
    finally:
        with _switching_lock:
            _switching_users -= 1
            if not _switching_users:
                sys.setswitchinterval(_switching_before)


def _many_rows(sql: str, rows: Sequence[Row]) -> _Job:
    def run(raw: sqlite3.Connection) -> None:
        raw.execute(sql, list(chain.from_iterable(rows)))
    return run
