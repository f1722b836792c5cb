"""Invoice PDFs: gathering what a document shows, rendering one, exporting many in worker processes."""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path

from desktop.domain.company import Company
from desktop.domain.document import InvoiceDocument
from desktop.domain.errors import NotFound, PaydeskError, StateError
from desktop.domain.ids import InvoiceId
from desktop.domain.languages import locale_for
from desktop.domain.states import InvoiceStatus
from desktop.services.pdf_worker import render_batch
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.store import company as company_store
from desktop.store import customers as customer_store
from desktop.store import invoices as store
from desktop.store.database import Connection, Database
from desktop.store.invoices import InvoiceRecord

BATCH = 25
IN_PROCESS_LIMIT = 8  # fewer documents than this are rendered without starting workers
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


class DocumentService:
    def __init__(self, db: Database, today: Callable[[], date]) -> None:
        self._db = db
        self._today = today

    def document(self, invoice_id: InvoiceId) -> InvoiceDocument:
        with self._db.reading() as conn:
            return _document(conn, invoice_id)

    def documents(self, ids: list[InvoiceId]) -> dict[InvoiceId, InvoiceDocument]:
        """Many invoices' documents from one read connection: the company and the customers' numbers are
        loaded once, not per invoice (a reminder run attaches thousands)."""
        with self._db.reading() as conn:
            return _documents(conn, ids)

    def render(self, invoice_id: InvoiceId, pay_link: str | None = None) -> bytes:
        """The invoice's PDF; with ``pay_link`` (it is attached to an email with one) shown to pay online."""
        return render_batch([self.document(invoice_id)], pay_link)[0]

    def preview_file(self, invoice_id: InvoiceId) -> Path:
        """Write the PDF to a private temporary folder, for the system viewer."""
        doc = self.document(invoice_id)
        folder = Path(tempfile.gettempdir()) / f"paydesk-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / file_name(doc.number)
        target.write_bytes(render_batch([doc])[0])
        return target

    def ids_for_numbers(self, numbers: list[str]) -> list[InvoiceId]:
        ids: list[InvoiceId] = []
        with self._db.reading() as conn:
            for number in numbers:
                found = store.id_by_number(conn, number)
                if found is None:
                    raise NotFound(f"There is no issued invoice numbered {number}.")
                ids.append(found)
        return ids

    def export(
        self, ids: list[InvoiceId], folder: Path, progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None, workers: int = 2,
    ) -> list[Path]:
        """Write ``<number>.pdf`` for each invoice into ``folder``; returns the files written.

        On cancel the files already written stay (each is complete); the rest are not made.
        """
        check_writable(folder)
        total = len(ids)
        written: list[Path] = []

        def store_batch(docs: list[InvoiceDocument], pdfs: list[bytes]) -> None:
            for doc, pdf in zip(docs, pdfs, strict=True):
                target = folder / file_name(doc.number)
                partial = target.with_suffix(".pdf.part")
                try:
                    partial.write_bytes(pdf)
                    partial.replace(target)
                except OSError as error:
                    raise PaydeskError(f"Cannot write {target}: {error.strerror}.") from None
                written.append(target)
            progress(len(written), total)

        batches = self._batches(ids)
        if total < IN_PROCESS_LIMIT or workers <= 1:
            for docs in batches:
                if cancel is not None:
                    cancel.check()
                store_batch(docs, render_batch(docs))
            return written
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: list[tuple[list[InvoiceDocument], Future[list[bytes]]]] = []
            try:
                for docs in batches:
                    pending.append((docs, pool.submit(render_batch, docs)))
                    while len(pending) > workers * 2:
                        done_docs, future = pending.pop(0)
                        store_batch(done_docs, future.result())
                        if cancel is not None:
                            cancel.check()
                for done_docs, future in pending:
                    store_batch(done_docs, future.result())
                    if cancel is not None:
                        cancel.check()
            except BaseException:
                for _, future in pending:
                    future.cancel()
                raise
        return written

    def _batches(self, ids: list[InvoiceId]) -> Iterator[list[InvoiceDocument]]:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            with self._db.reading() as conn:
                found = _documents(conn, chunk)
            yield [found[i] for i in chunk]


def _company(conn: Connection) -> Company:
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (Settings).")
    return company


def _document(conn: Connection, invoice_id: InvoiceId) -> InvoiceDocument:
    record = _issued(conn, invoice_id)
    customer = customer_store.get(conn, record.draft.customer_id) if record.draft.customer_id else None
    return _document_of(conn, record, _company(conn), customer.number if customer else "")


def _documents(conn: Connection, ids: list[InvoiceId]) -> dict[InvoiceId, InvoiceDocument]:
    if not ids:
        return {}
    company = _company(conn)
    records = {invoice_id: _issued(conn, invoice_id) for invoice_id in dict.fromkeys(ids)}
    rows = customer_store.list_rows(conn, list({r.draft.customer_id for r in records.values() if r.draft.customer_id}))
    return {
        invoice_id: _document_of(conn, record, company, rows[record.draft.customer_id].number
                                 if record.draft.customer_id in rows else "")
        for invoice_id, record in records.items()
    }


def _issued(conn: Connection, invoice_id: InvoiceId) -> InvoiceRecord:
    record = store.load(conn, invoice_id)
    if record.status is InvoiceStatus.DRAFT or record.number is None:
        raise StateError("A draft has no PDF yet: finalize it first.")
    return record


def _document_of(conn: Connection, record: InvoiceRecord, company: Company, customer_number: str) -> InvoiceDocument:
    credited = None
    if record.draft.credited_invoice_id is not None:
        credited = store.load(conn, record.draft.credited_invoice_id).number
    return InvoiceDocument(
        kind=record.draft.kind, number=record.number or "", issue_date=record.draft.issue_date, due_date=record.draft.due_date,
        currency=record.draft.currency, language=record.bill_language,
        locale=locale_for(record.bill_language, record.bill_country), seller=company,
        customer_number=customer_number, bill_name=record.bill_name,
        bill_address_lines=tuple(line for line in record.bill_address.splitlines() if line)
        + ((record.bill_country,) if record.bill_country and record.bill_country != company.country else ()),
        bill_vat_id=record.bill_vat_id, lines=tuple(record.draft.lines), totals=record.draft.totals(),
        reference=record.reference, notes=record.draft.notes, amount_due=record.open_amount,
        credited_number=credited,
    )


def file_name(number: str) -> str:
    return f"{_UNSAFE.sub('_', number).strip('_') or 'invoice'}.pdf"


def check_writable(folder: Path) -> None:
    """Fail early, with a message, when the output folder cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".paydesk-", delete=True):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise PaydeskError(f"Cannot write PDFs to {folder}: {reason}. Choose another folder.") from None
