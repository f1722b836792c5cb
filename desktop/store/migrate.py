"""Alembic, driven from code: the app migrates its own file on open.

Alembic (with Mako) is imported only when a migration runs or the revisions are listed, not at
start-up: opening a current database reads ``alembic_version`` with a plain query and compares it
with the newest revision file's name.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")


class Status(Enum):
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    EMPTY = "empty"


def config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


@cache
def head() -> str:
    """The newest revision. Revision files are named ``NNNN_topic.py`` with revision ``NNNN``."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_tables(conn: Connection) -> bool:
    return bool(inspect(conn).get_table_names())


def status(current: str | None) -> Status:
    if current is None:
        return Status.EMPTY
    if current == head():
        return Status.CURRENT
    if current in known_revisions():
        return Status.OLDER
    return Status.NEWER


def upgrade(conn: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(config(conn), target)
