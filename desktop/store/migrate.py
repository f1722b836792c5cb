"""Alembic, driven from code: the app migrates its own file on open."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

MIGRATIONS = Path(__file__).with_name("migrations")


class Status(Enum):
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    EMPTY = "empty"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    revision = _script().get_current_head()
    assert revision is not None
    return revision


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


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
    command.upgrade(config(conn), target)
