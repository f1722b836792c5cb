"""Opening a Paydesk database file: checks, backup, migration, and transactions.

Each user action is one transaction (``Database.transaction``), which takes SQLite's write lock at
its start (``BEGIN IMMEDIATE``) so two processes never interleave their writes. Reads use a
deferred transaction and see one consistent snapshot (WAL mode lets them run beside a writer).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from desktop.domain.errors import DatabaseProblem
from desktop.store import migrate

__all__ = ["Connection", "Database", "DatabaseProblem", "OpenReport", "open_database"]

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0
_WRITE = "paydesk_write"


@dataclass(frozen=True, slots=True)
class OpenReport:
    """What happened while opening: whether the file was new, migrated, and where its backup is."""

    created: bool
    migrated_from: str | None
    backup: Path | None


class Database:
    def __init__(self, path: Path, engine: Engine, report: OpenReport) -> None:
        self.path = path
        self.engine = engine
        self.report = report
        self._writer = engine.execution_options(**{_WRITE: True})

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One user action: commits when the block ends, rolls back on any exception."""
        with translate_errors(self.path), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A consistent read-only snapshot."""
        with translate_errors(self.path), self.engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path) -> Database:
    """Open (creating or migrating) the database at ``path``, or raise ``DatabaseProblem``."""
    path = Path(path)
    created = _check_file(path)
    engine = _make_engine(path)
    try:
        with translate_errors(path):
            report = _prepare(engine, path, created)
    except BaseException:
        engine.dispose()
        raise
    return Database(path, engine, report)


def _check_file(path: Path) -> bool:
    """Return True when the file does not exist yet (a new database)."""
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a folder, not a database file.")
    if not path.exists() or path.stat().st_size == 0:
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseProblem(f"Cannot create the folder {folder}: {error.strerror}.") from None
        if not os.access(folder, os.W_OK):
            raise DatabaseProblem(f"Cannot create a database in {folder}: the folder is read-only.")
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise DatabaseProblem(f"Cannot read {path}: {error.strerror}.") from None
    if head != SQLITE_MAGIC:
        raise DatabaseProblem(f"{path} is not a Paydesk database (it is not an SQLite file). Choose another file.")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseProblem(
            f"{path} is read-only. Paydesk needs to write to its database and to the folder it is in: "
            "check the file's permissions, or copy it to a folder of yours."
        )
    return False


def _make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def _prepare(engine: Engine, path: Path, created: bool) -> OpenReport:
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
        if current is None and not created and migrate.has_tables(conn):
            raise DatabaseProblem(f"{path} is an SQLite file, but not a Paydesk database. Choose another file.")
    status = migrate.status(current)
    if status is migrate.Status.NEWER:
        raise DatabaseProblem(
            f"{path} was written by a newer version of Paydesk (schema {current}). "
            "Install the newer version to open it; this version leaves the file untouched."
        )
    if status is migrate.Status.CURRENT:
        return OpenReport(created=False, migrated_from=None, backup=None)
    backup = None if current is None else backup_database(engine, path, current)
    with engine.execution_options(**{_WRITE: True}).begin() as conn:
        migrate.upgrade(conn)
    if backup:
        log.info("migrated %s from schema %s; backup at %s", path, current, backup)
    return OpenReport(created=current is None, migrated_from=current, backup=backup)


def backup_database(engine: Engine, path: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup API, next to the file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{label}-{stamp}{path.suffix or '.sqlite'}")
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()
    return target


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's environment errors into messages a user can act on."""
    try:
        yield
    except (OperationalError, DBAPIError) as error:
        message = str(error.orig if error.orig is not None else error).lower()
        if "locked" in message or "busy" in message:
            raise DatabaseProblem(
                f"The database {path.name} is in use by another program (it stayed locked for "
                f"{BUSY_TIMEOUT_S:.0f} s). Close the other Paydesk window or program and try again."
            ) from error
        if "readonly" in message or "read-only" in message:
            raise DatabaseProblem(f"{path} is read-only; Paydesk cannot save to it.") from error
        if "not a database" in message or "malformed" in message or "encrypted" in message:
            raise DatabaseProblem(f"{path} is damaged or not a Paydesk database.") from error
        if "disk is full" in message or "disk i/o" in message:
            raise DatabaseProblem(f"Cannot write {path}: {message}. Free some disk space and try again.") from error
        raise
