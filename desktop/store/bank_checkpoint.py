"""After a large bank import, copy SQLite's write-ahead log into the database on a background thread.

In WAL mode a commit appends the changed pages to the log (``-wal``); SQLite then copies the log
into the database file (a checkpoint) as part of the commit, once the log holds more than 1,000
pages. A 20,000-entry import changes ~85 MB of pages, so that copy, with its two syncs to disk,
made the user wait ~0.25 s after the data was already committed.

``checkpoint_after_commit`` (called last inside the import's transaction) turns the automatic
checkpoint off for that connection's commit; when the connection goes back to the pool it is
turned on again and a background thread runs the same checkpoint (``PASSIVE``: it never blocks
readers or a later writer) on a connection of its own. Nothing is weaker than before: with
``synchronous = NORMAL`` a commit in WAL mode reaches the disk at the next checkpoint, which now
starts right after the commit instead of inside it. A connection that is closed or a process that
ends first leaves the log for the next checkpoint or open, as SQLite always does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event

log = logging.getLogger(__name__)

_KEY = "paydesk_checkpoint_after_commit"
_BUSY_TIMEOUT_S = 5.0


def checkpoint_after_commit(conn: Connection) -> None:
    """Checkpoint the log on a background thread after this transaction commits, not in its commit."""
    path = conn.engine.url.database
    raw = conn.connection.driver_connection
    if not path or path == ":memory:" or not isinstance(raw, sqlite3.Connection):
        return
    (limit,) = raw.execute("PRAGMA wal_autocheckpoint").fetchone()
    if limit <= 0:
        return  # off already: whoever turned it off checkpoints
    raw.execute("PRAGMA wal_autocheckpoint = 0")
    conn.connection.info[_KEY] = (int(limit), path)
    pool = conn.engine.pool
    if not event.contains(pool, "checkin", _on_checkin):
        event.listen(pool, "checkin", _on_checkin)


def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    """Back in the pool (the transaction is over): automatic checkpoints on again, and one now, in the background."""
    pending = record.info.pop(_KEY, None) if record is not None else None
    if pending is None or dbapi_connection is None:
        return
    limit, path = pending
    try:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {int(limit)}")
    except sqlite3.Error as error:  # a connection that broke is closed by the pool; its log stays for the next checkpoint
        log.warning("could not turn automatic checkpoints on again: %s", error)
    threading.Thread(target=checkpoint, args=(path,), name="paydesk-checkpoint", daemon=True).start()


def checkpoint(path: str) -> None:
    """Copy the log of the database at ``path`` into it, as far as no reader needs it (never creates the file)."""
    try:
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=_BUSY_TIMEOUT_S)) as db:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as error:  # the next checkpoint (or open) copies it instead
        log.warning("background checkpoint of %s failed: %s", path, error)
