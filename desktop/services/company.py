"""The company that issues invoices: set up once, edited in the settings."""

from __future__ import annotations

from dataclasses import fields

from desktop.domain.company import Company, validated
from desktop.domain.errors import ValidationError
from desktop.store import audit
from desktop.store import company as store
from desktop.store.database import Database

MAX_LOGO_BYTES = 2_000_000
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class CompanyService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self) -> Company | None:
        with self._db.reading() as conn:
            return store.load(conn)

    def is_set_up(self) -> bool:
        return self.get() is not None

    def save(self, company: Company) -> Company:
        clean = validated(company)
        if clean.logo is not None:
            check_logo(clean.logo)
        with self._db.transaction() as conn:
            before = store.load(conn)
            store.save(conn, clean)
            changes = _diff(before, clean)
            if before is None or changes:
                audit.record(conn, "company.saved" if before else "company.created", "company", 1,
                             f"Company {clean.name} {'updated' if before else 'set up'}", changes)
        return clean


def check_logo(data: bytes) -> None:
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError({"logo": "The logo is larger than 2 MB; use a smaller PNG or JPEG."})
    if not data.startswith(_IMAGE_MAGIC):
        raise ValidationError({"logo": "The logo must be a PNG or JPEG image."})


def _diff(before: Company | None, after: Company) -> dict[str, tuple[object, object]]:
    changes: dict[str, tuple[object, object]] = {}
    for f in fields(Company):
        old = getattr(before, f.name) if before else None
        new = getattr(after, f.name)
        if old != new:
            changes[f.name] = ("<image>" if f.name == "logo" and old else old, "<image>" if f.name == "logo" and new else new)
    return changes
