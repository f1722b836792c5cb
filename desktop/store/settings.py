"""Small key/value settings kept in the database (matching thresholds, tolerances)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from desktop.store.bank_schema import settings


def get(conn: Connection, key: str, default: Any = None) -> Any:
    value = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return default if value is None else json.loads(value)


def put(conn: Connection, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    conn.execute(insert(settings).values(key=key, value=text).on_conflict_do_update(index_elements=["key"], set_={"value": text}))
