"""A database file at an older schema revision, as an older Paydesk left it.

The self-test (``paydesk --self-test``) opens one to prove, on the installed program, that a user's
database from a previous version is backed up and migrated: that the migration scripts are bundled
and Alembic finds them.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from desktop.store import migrate

OLDEST = "0001"
MARKER_CUSTOMER = "Customer from an older version"


def create_database_at(path: Path, revision: str = OLDEST) -> None:
    """Write a new database at ``path`` with the schema of ``revision`` and one customer in it."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, revision)
            if revision == OLDEST:  # the columns of the first schema; later revisions only add to them
                conn.execute(text(
                    "INSERT INTO customers (number, name, contact_person, street, postal_code, city, country, language,"
                    " vat_id, notes, created_at, updated_at) VALUES ('9001', :name, '', '', '', '', 'NL', 'nl', '', '',"
                    " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"), {"name": MARKER_CUSTOMER})
    finally:
        engine.dispose()
