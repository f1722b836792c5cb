"""Invoices from draft to issued: saving, finalizing under a gapless number, voiding, writing off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import groupby

from desktop.domain import events as ev
from desktop.domain.errors import NotFound, PaydeskError, StateError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceSummary, due_date_for, validate_draft
from desktop.domain.listing import InvoiceFilter, InvoiceSort
from desktop.domain.numbering import format_number, period_bounds, period_key
from desktop.domain.reference import creditor_reference
from desktop.domain.states import Action, InvoiceKind, InvoiceStatus, require
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.store import audit, invoice_queries, numbering
from desktop.store import company as company_store
from desktop.store import customers as customer_store
from desktop.store import events as event_store
from desktop.store import invoices as store
from desktop.store.database import Connection, Database
from desktop.store.invoices import InvoiceRecord
from desktop.store.types import utcnow

Today = Callable[[], date]
_CHUNK = 2000


class InvoicingService:
    def __init__(self, db: Database, today: Today) -> None:
        self._db = db
        self._today = today

    # --- drafts -----------------------------------------------------------------------------
    def new_draft(self, customer_id: CustomerId | None = None) -> InvoiceDraft:
        """A draft dated today, in the company's currency, due after the customer's payment term."""
        today = self._today()
        with self._db.reading() as conn:
            company = company_store.load(conn)
            if company is None:
                raise PaydeskError("Set up your company first (Settings).")
            term = company.payment_term_days
            if customer_id is not None:
                customer_term = customer_store.get(conn, customer_id).payment_term_days
                term = customer_term if customer_term is not None else term
        return InvoiceDraft(customer_id=customer_id, currency=company.currency, issue_date=today,
                            due_date=due_date_for(today, term))

    def payment_term_for(self, customer_id: CustomerId) -> int:
        with self._db.reading() as conn:
            company = company_store.load(conn)
            term = customer_store.get(conn, customer_id).payment_term_days
        default = company.payment_term_days if company else 30
        return term if term is not None else default

    def save_draft(self, draft: InvoiceDraft) -> InvoiceId:
        validate_draft(draft)
        with self._db.transaction() as conn:
            if draft.id is None:
                return store.insert_draft(conn, draft)
            store.update_draft(conn, draft)
            return draft.id

    def save_drafts(self, drafts: list[InvoiceDraft]) -> list[InvoiceId]:
        """Many new drafts in one transaction (demo data, imports, billing runs)."""
        for draft in drafts:
            validate_draft(draft)
        with self._db.transaction() as conn:
            return store.insert_drafts(conn, drafts)

    def delete_draft(self, invoice_id: InvoiceId) -> None:
        with self._db.transaction() as conn:
            store.delete_draft(conn, invoice_id)

    def get(self, invoice_id: InvoiceId) -> InvoiceRecord:
        with self._db.reading() as conn:
            return store.load(conn, invoice_id)

    def id_by_number(self, number: str) -> InvoiceId:
        with self._db.reading() as conn:
            found = store.id_by_number(conn, number)
        if found is None:
            raise NotFound(f"There is no invoice numbered {number}.")
        return found

    # --- issuing ----------------------------------------------------------------------------
    def finalize(self, draft: InvoiceDraft) -> str:
        """Save the draft and issue it in one transaction; returns its number."""
        validate_draft(draft, for_finalize=True)
        with self._db.transaction() as conn:
            if draft.id is None:
                invoice_id = store.insert_draft(conn, draft)
            else:
                store.update_draft(conn, draft)
                invoice_id = draft.id
            return finalize_in(conn, [invoice_id])[0]

    def finalize_many(
        self, ids: list[InvoiceId], progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
    ) -> list[str]:
        """Issue saved drafts, all or none; numbers follow issue date order. Returns the numbers."""
        with self._db.transaction() as conn:
            return finalize_in(conn, ids, progress, cancel)

    def void(self, invoice_id: InvoiceId, reason: str) -> None:
        """Cancel an issued invoice that nothing was paid on; its number stays used."""
        if not reason.strip():
            raise ValidationError({"reason": "Say why the invoice is voided."})
        with self._db.transaction() as conn:
            record = store.load(conn, invoice_id)
            require(Action.VOID, record.status, record.number)
            store.set_status(conn, invoice_id, InvoiceStatus.VOID, reason.strip())
            audit.record(conn, "invoice.voided", "invoice", invoice_id, f"{_label(record)} voided: {reason.strip()}",
                         {"status": (record.status.value, InvoiceStatus.VOID.value)})
            event_store.record_invoices(conn, ev.INVOICE_VOIDED, [invoice_id], {"reason": reason.strip()})

    def write_off(self, invoice_id: InvoiceId, reason: str) -> None:
        """Mark what is left open as uncollectible."""
        if not reason.strip():
            raise ValidationError({"reason": "Say why the invoice is written off."})
        with self._db.transaction() as conn:
            record = store.load(conn, invoice_id)
            require(Action.WRITE_OFF, record.status, record.number)
            store.set_status(conn, invoice_id, InvoiceStatus.UNCOLLECTIBLE, reason.strip())
            audit.record(conn, "invoice.written_off", "invoice", invoice_id,
                         f"{_label(record)} written off ({record.open_amount} {record.draft.currency} open): {reason.strip()}",
                         {"status": (record.status.value, InvoiceStatus.UNCOLLECTIBLE.value)})

    # --- lists ------------------------------------------------------------------------------
    def search(self, f: InvoiceFilter, sort: InvoiceSort = InvoiceSort.ISSUE_DATE, descending: bool = True) -> list[InvoiceId]:
        with self._db.reading() as conn:
            return invoice_queries.search_ids(conn, f, sort, descending)

    def summaries(self, ids: list[InvoiceId]) -> dict[InvoiceId, InvoiceSummary]:
        with self._db.reading() as conn:
            return invoice_queries.summaries(conn, ids)

    def all_summaries(self, f: InvoiceFilter | None = None) -> list[InvoiceSummary]:
        with self._db.reading() as conn:
            return invoice_queries.all_summaries(conn, f or InvoiceFilter())

    def audit_trail(self, invoice_id: InvoiceId) -> list[audit.AuditEntry]:
        with self._db.reading() as conn:
            return audit.entries(conn, "invoice", invoice_id)


def finalize_in(
    conn: Connection, ids: list[InvoiceId], progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
) -> list[str]:
    """Issue drafts inside the caller's transaction (which holds the write lock). Numbers are drawn
    per series and period in issue-date order, so they stay gapless and chronological."""
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (Settings): invoices need an issuer.")
    patterns = company_store.patterns_by_kind(conn)
    candidates = store.finalize_candidates(conn, ids)
    if len(candidates) != len(set(ids)):
        raise NotFound("Some of the invoices to finalize no longer exist.")
    problems: dict[str, str] = {}
    for c in candidates:
        if c.status is not InvoiceStatus.DRAFT:
            raise StateError("Only drafts can be finalized; one of them is already issued.")
        if c.line_count == 0:
            problems[f"invoice {c.id}"] = "An invoice needs at least one line before it can be finalized."
        elif c.kind is InvoiceKind.INVOICE and c.total_minor <= 0:
            problems[f"invoice {c.id}"] = "The invoice total must be above zero; write a credit note instead."
    if problems:
        raise ValidationError(problems)

    def series(c: store.FinalizeCandidate) -> tuple[str, str]:
        return c.kind.value, period_key(patterns[c.kind], c.issue_date)

    candidates.sort(key=lambda c: (series(c), c.issue_date, c.id))
    numbered: list[tuple[store.FinalizeCandidate, str]] = []
    for (kind, period), group_iter in groupby(candidates, key=series):
        group = list(group_iter)
        pattern = patterns[InvoiceKind(kind)]
        start, end = period_bounds(pattern, group[0].issue_date)
        latest = store.latest_issue_date(conn, InvoiceKind(kind), start, end)
        if latest is not None and group[0].issue_date < latest:
            raise ValidationError({"issue_date": (
                f"An invoice dated {group[0].issue_date.isoformat()} cannot be numbered after one already issued "
                f"on {latest.isoformat()}: numbers must follow dates. Date it {latest.isoformat()} or later."
            )})
        first = numbering.take(conn, kind, period, len(group))
        numbered.extend((c, format_number(pattern, c.issue_date, first + offset)) for offset, c in enumerate(group))

    bill = store.bill_to(conn, {c.customer_id for c in candidates})
    now = utcnow()
    total = len(numbered)
    for start_index in range(0, total, _CHUNK):
        if cancel is not None:
            cancel.check()
        chunk = numbered[start_index:start_index + _CHUNK]
        issued: list[store.IssuedRow] = []
        for c, number in chunk:
            to = bill[c.customer_id]
            reference = creditor_reference(number) if c.kind is InvoiceKind.INVOICE else None
            issued.append((number, reference, to.name, to.address, to.vat_id, to.language, to.country, c.id))
        store.mark_issued(conn, issued, now)
        audit.record_many(conn, [
            (f"{c.kind.value}.finalized", "invoice", c.id,
             f"{'Credit note' if c.kind is InvoiceKind.CREDIT_NOTE else 'Invoice'} {number} issued")
            for c, number in chunk
        ])
        progress(min(start_index + _CHUNK, total), total)
    event_store.record_invoices(conn, ev.INVOICE_FINALIZED, [c.id for c, _ in numbered])
    order = {c.id: number for c, number in numbered}
    return [order[i] for i in ids if i in order]


def _label(record: InvoiceRecord) -> str:
    kind = "Credit note" if record.draft.kind is InvoiceKind.CREDIT_NOTE else "Invoice"
    return f"{kind} {record.number}"
