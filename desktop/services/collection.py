"""Collection: cases handed over after the final notice, and their export for a collection agency.

The export is one zip: ``invoices/<number>.pdf``, ``invoices.csv``, ``reminders.csv`` (every
reminder sent, with its delivery state), ``payments.csv`` (what was paid on the invoices) and
``notes.txt`` (the case's note, the customer's notes, pauses with their reasons). CSV cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) are prefixed with
an apostrophe; amounts are written as plain numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from desktop.domain.errors import NotFound, PaydeskError, StateError
from desktop.domain.ids import CustomerId
from desktop.domain.money import as_text
from desktop.services.documents import DocumentService, file_name
from desktop.services.pdf_worker import render_batch
from desktop.store import audit, dunning_collection, dunning_pauses, dunning_reminders
from desktop.store import customers as customer_store
from desktop.store import invoices as invoice_store
from desktop.store.database import Database
from desktop.store.dunning_collection import CollectionCase

__all__ = ["CollectionCase", "CollectionService", "csv_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text, never runs: ``=HYPERLINK(..)`` -> ``'=HYPERLINK(..)``."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # with a BOM, so spreadsheets read UTF-8


class CollectionService:
    def __init__(self, db: Database, documents: DocumentService, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._documents = documents
        self._today = today

    def cases(self, customer_id: CustomerId | None = None, open_only: bool = False) -> list[CollectionCase]:
        with self._db.reading() as conn:
            found = dunning_collection.cases(conn, customer_id)
        return [c for c in found if c.closed_on is None] if open_only else found

    def case(self, case_id: int) -> CollectionCase:
        with self._db.reading() as conn:
            found = dunning_collection.cases(conn, case_id=case_id)
        if not found:
            raise NotFound(f"Collection case {case_id} does not exist.")
        return found[0]

    def set_note(self, case_id: int, note: str) -> None:
        case = self.case(case_id)
        with self._db.transaction() as conn:
            dunning_collection.set_note(conn, case_id, note.strip())
            audit.record(conn, "collection.note", "customer", case.customer_id, f"Note on collection case {case_id} changed")

    def close(self, case_id: int) -> None:
        """Close a case (paid, settled or written off); its invoices are not reminded again by this case."""
        case = self.case(case_id)
        if case.closed_on is not None:
            raise StateError("This collection case is closed already.")
        with self._db.transaction() as conn:
            dunning_collection.close(conn, case_id, self._today())
            audit.record(conn, "collection.closed", "customer", case.customer_id, f"Collection case {case_id} closed")

    def export(self, case_id: int, target: Path) -> Path:
        """Write the case as a zip to ``target`` (a file, or a folder to put ``collection-<customer>-<id>.zip`` in)."""
        case = self.case(case_id)
        with self._db.reading() as conn:
            customer = customer_store.get(conn, case.customer_id)
            records = [invoice_store.load(conn, i) for i in case.invoice_ids]
            reminders = dunning_reminders.history(conn, invoice_ids=list(case.invoice_ids))
            payments = dunning_collection.payments_for(conn, list(case.invoice_ids))
            pauses = dunning_pauses.pauses(conn, case.customer_id)
        documents = [self._documents.document(i) for i in case.invoice_ids]
        pdfs = render_batch(documents)
        if target.is_dir():
            target = target / f"collection-{customer.number}-{case.id}.zip"
        files: dict[str, bytes] = {f"invoices/{file_name(d.number)}": pdf for d, pdf in zip(documents, pdfs, strict=True)}
        files["invoices.csv"] = csv_bytes(
            ["number", "issue_date", "due_date", "currency", "total", "open", "status"],
            [[r.number, r.draft.issue_date.isoformat(), r.draft.due_date.isoformat(), r.draft.currency,
              as_text(r.total, r.draft.currency), as_text(r.open_amount, r.draft.currency), r.status.value] for r in records],
        )
        files["reminders.csv"] = csv_bytes(
            ["date", "level", "invoices", "currency", "open", "fee", "interest", "amount", "to", "subject", "delivery"],
            [[r.run_date.isoformat(), r.level_name, " ".join(r.invoices), r.currency, as_text(r.open_amount, r.currency),
              as_text(r.fee, r.currency), as_text(r.interest, r.currency), as_text(r.amount, r.currency), r.to, r.subject,
              r.delivery] for r in reminders],
        )
        files["payments.csv"] = csv_bytes(
            ["date", "invoice", "currency", "amount", "method", "note"],
            [[p.date.isoformat(), p.invoice, p.currency, as_text(p.amount, p.currency), p.method, p.note] for p in payments],
        )
        notes = [f"Collection case {case.id}: customer {customer.number} {customer.name}",
                 f"Handed over on {case.marked_on.isoformat()} with {as_text(case.open_amount, case.currency)} "
                 f"{case.currency} open.", ""]
        if case.note:
            notes += ["Case note:", case.note, ""]
        if customer.notes:
            notes += ["Customer notes:", customer.notes, ""]
        if pauses:
            notes.append("Pauses of reminders:")
            notes += [f"- {p.starts_on.isoformat()} {p.kind.value}: {p.reason}"
                      + (f" (until {p.until.isoformat()})" if p.until else "") for p in pauses]
        files["notes.txt"] = ("\n".join(notes) + "\n").encode("utf-8")
        _write_zip(target, files)
        with self._db.transaction() as conn:
            dunning_collection.mark_exported(conn, case.id)
            audit.record(conn, "collection.exported", "customer", case.customer_id,
                         f"Collection case {case.id} exported to {target.name}")
        return target


def _write_zip(target: Path, files: dict[str, bytes]) -> None:
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PaydeskError(f"Cannot write {target}: {error.strerror or error}. Choose another folder.") from None
