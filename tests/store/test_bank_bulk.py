"""The bulk paths of a bank import: the background writer, many-row resettling, and the checkpoint
that runs after the import's commit instead of inside it."""

from __future__ import annotations

import sqlite3
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.store.bank_checkpoint import checkpoint_after_commit
from desktop.store.bank_writer import bulk_writer
from desktop.store.database import Database, open_database

INSERT = "INSERT INTO settings (key, value) VALUES (?, ?)"


@pytest.fixture
def db(db_path: Path) -> Database:
    database = open_database(db_path)
    yield database
    database.close()


def keys(db: Database) -> list[str]:
    with db.reading() as conn:
        return [k for (k,) in conn.exec_driver_sql("SELECT key FROM settings WHERE key LIKE 'k%' ORDER BY rowid")]


def test_writer_stores_rows_in_order_inside_the_callers_transaction(db: Database) -> None:
    rows = [(f"k{n:05d}", str(n)) for n in range(2_500)]  # ten statements of at most 250 rows
    order: list[str] = []
    with db.transaction() as conn, bulk_writer(conn) as writer:
        writer.insert(INSERT, rows[:1_200])
        writer.call(lambda raw: order.append(raw.execute("SELECT count(*) FROM settings WHERE key LIKE 'k%'").fetchone()[0]))
        writer.insert(INSERT, rows[1_200:])
        writer.insert(INSERT, [])
        writer.wait()
        assert conn.exec_driver_sql("SELECT count(*) FROM settings WHERE key LIKE 'k%'").scalar() == 2_500
    assert order == [1_200]  # the job ran after what was queued before it, before what came after
    assert keys(db) == [k for k, _ in rows]


def test_switch_interval_is_short_while_the_writer_works_and_restored_after(db: Database) -> None:
    before = sys.getswitchinterval()
    with db.transaction() as conn, bulk_writer(conn):
        assert sys.getswitchinterval() <= 0.0005
        with bulk_writer(conn):  # (a second writer at once keeps it short until both are done)
            pass
        assert sys.getswitchinterval() <= 0.0005
    assert sys.getswitchinterval() == before


def test_writer_work_is_rolled_back_with_the_transaction(db: Database) -> None:
    class Stop(Exception):
        pass

    with pytest.raises(Stop), db.transaction() as conn, bulk_writer(conn) as writer:
        writer.insert(INSERT, [("k1", "1"), ("k2", "2")])
        writer.wait()
        raise Stop
    assert keys(db) == []


def test_writer_error_reaches_the_caller_as_a_database_error_and_stops_the_writer(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as conn, bulk_writer(conn) as writer:
        writer.insert(INSERT, [("k1", "1"), ("k1", "again")])  # the key is unique
        writer.insert(INSERT, [("k2", "2")])  # not run after the error
        writer.wait()
    assert keys(db) == []


def test_writer_discards_queued_work_when_the_block_fails(db: Database) -> None:
    started = threading.Event()
    release = threading.Event()
    with pytest.raises(RuntimeError), db.transaction() as conn, bulk_writer(conn) as writer:
        writer.call(lambda raw: (started.set(), release.wait(5)))
        writer.insert(INSERT, [("k1", "1")])
        started.wait(5)
        release.set()
        raise RuntimeError("cancelled")
    assert keys(db) == []
    assert not any(t.name == "paydesk-bulk-writer" for t in threading.enumerate())


def test_checkpoint_runs_after_the_commit_and_automatic_checkpoints_come_back(db: Database, db_path: Path) -> None:
    with db.transaction() as conn:
        raw = conn.connection.driver_connection
        conn.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('k-big', ?)", ("x" * 5_000_000,))
        checkpoint_after_commit(conn)
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)  # back in the pool: on again
    for thread in [t for t in threading.enumerate() if t.name == "paydesk-checkpoint"]:
        thread.join(10)
    with closing(sqlite3.connect(db_path)) as check:
        busy, log_pages, copied = check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log_pages == copied  # everything in the log is in the database
    assert keys(db) == ["k-big"]


def test_checkpoint_of_a_missing_file_creates_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from desktop.store.bank_checkpoint import checkpoint

    checkpoint(str(tmp_path / "gone.sqlite"))
    assert not (tmp_path / "gone.sqlite").exists()
    assert "background checkpoint" in caplog.text
