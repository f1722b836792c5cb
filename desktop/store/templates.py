"""Email templates the user edited in the app: one row per template and language, replacing the
shipped files of the same key and language until it is reset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.sqlite import insert

from desktop.store.mail_schema import email_templates
from desktop.store.types import utcnow


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    template: str
    language: str
    subject: str
    text: str
    html: str
    updated_at: datetime


def get(conn: Connection, template: str, language: str) -> StoredTemplate | None:
    row = conn.execute(
        select(email_templates).where(email_templates.c.template == template, email_templates.c.language == language)
    ).one_or_none()
    if row is None:
        return None
    return StoredTemplate(row.template, row.language, row.subject, row.text, row.html, row.updated_at)


def put(conn: Connection, template: str, language: str, subject: str, text: str, html: str) -> None:
    values = {"subject": subject, "text": text, "html": html, "updated_at": utcnow()}
    conn.execute(
        insert(email_templates).values(template=template, language=language, **values)
        .on_conflict_do_update(index_elements=["template", "language"], set_=values)
    )


def remove(conn: Connection, template: str, language: str) -> bool:
    gone = conn.execute(
        delete(email_templates).where(email_templates.c.template == template, email_templates.c.language == language)
    ).rowcount
    return gone == 1


def edited(conn: Connection) -> set[tuple[str, str]]:
    """(template, language) of every edited template."""
    rows = conn.execute(select(email_templates.c.template, email_templates.c.language))
    return {(template, language) for template, language in rows}
