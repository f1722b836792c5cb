"""Opening files: new, current, older (migrated after a backup), newer, not a database,
read-only, locked."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from desktop.domain.errors import DatabaseProblem
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from desktop.store import migrate
from desktop.store.database import open_database
from tests.conftest import MakeInvoice


def test_new_file_is_created_at_the_newest_schema(db_path: Path) -> None:
    db = open_database(db_path)
    assert db.report.created and db.report.backup is None
    with db.reading() as conn:
        assert migrate.current_revision(conn) == migrate.head()
    db.close()
    again = open_database(db_path)
    assert not again.report.created and again.report.migrated_from is None
    again.close()


def test_schema_matches_the_tables_the_code_declares(db_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from desktop.store.schema import Base

    db = open_database(db_path)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.close()
    assert diff == []


def test_older_database_is_backed_up_then_migrated(db_path: Path) -> None:
    """A file at the first schema, with data, opens: a backup is made, then it is upgraded."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        migrate.upgrade(conn, "0001")
        conn.execute(text("INSERT INTO customers (number, name, contact_person, street, postal_code, city, country, language,"
                          " vat_id, notes, created_at, updated_at) VALUES ('1', 'Old customer', '', '', '', '', 'NL', 'nl',"
                          " '', '', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"))
    engine.dispose()

    db = open_database(db_path)
    assert db.report.migrated_from == "0001"
    assert db.report.backup is not None and db.report.backup.exists()
    with db.reading() as conn:
        assert migrate.current_revision(conn) == migrate.head()
        assert conn.execute(text("SELECT name FROM customers")).scalar() == "Old customer"
        triggers = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")).scalar()
    db.close()
    assert triggers and triggers > 0
    backup = sqlite3.connect(db.report.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT name FROM customers").fetchone() == ("Old customer",)
    backup.close()


def test_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseProblem, match="newer version of Paydesk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(DatabaseProblem, match="not a Paydesk database"):
        open_database(path)
    assert path.read_text().startswith("these are my notes")


def test_an_sqlite_file_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(DatabaseProblem, match="not a Paydesk database"):
        open_database(path)


def test_a_damaged_database(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseProblem):
        open_database(path)


def test_a_read_only_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    os.chmod(db_path, stat.S_IRUSR)
    real_access = os.access
    # Tests run as root, who may write anyway: ask as the file's permissions say.
    monkeypatch.setattr(os, "access", lambda p, mode: bool(os.stat(p).st_mode & stat.S_IWUSR) if mode == os.W_OK
                        else real_access(p, mode))
    with pytest.raises(DatabaseProblem, match="read-only"):
        open_database(db_path)


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="is a folder"):
        open_database(tmp_path)


def test_a_database_locked_by_another_program(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    paydesk = Paydesk(open_database(db_path))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseProblem, match="in use by another program"):
            paydesk.company.save(DEMO_COMPANY)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    paydesk.company.save(DEMO_COMPANY)  # works once the other program lets go
    assert paydesk.company.is_set_up()
    paydesk.close()


def test_one_failed_action_leaves_nothing_half_written(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    """Finalizing a batch in which one draft is invalid issues none of them."""
    good = make_invoice("10.00", finalize=False)
    empty = paydesk.invoices.save_draft(paydesk.invoices.new_draft(paydesk.invoices.get(good).draft.customer_id))
    with pytest.raises(Exception, match="at least one line"):
        paydesk.invoices.finalize_many([good, empty])
    assert paydesk.invoices.get(good).number is None
    assert paydesk.invoices.all_summaries() and all(s.number is None for s in paydesk.invoices.all_summaries())


def test_readers_are_not_blocked_by_a_writer(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    make_invoice("10.00")
    started, release = threading.Event(), threading.Event()

    def write() -> None:
        with paydesk.db.transaction():
            started.set()
            release.wait(5)

    writer = threading.Thread(target=write)
    writer.start()
    started.wait(5)
    try:
        assert len(paydesk.invoices.all_summaries()) == 1
    finally:
        release.set()
        writer.join()


def test_head_from_file_names_is_alembics_head() -> None:
    assert migrate.head() == migrate._script().get_current_head()
