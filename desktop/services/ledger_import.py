"""Importing customers and open invoices from another system (an accounting package's CSV/XLSX export).

``preview(file_name, data, profile)`` reads the file with the source's profile and returns the
``ImportPlan`` (see ``ledger_plan``: what would be created, changed, closed, and every row error);
``apply(plan)`` writes it in one transaction, after checking that Paydesk's data did not change
since the preview, and only when the plan has no errors. A second import of the same file finds
nothing to do and writes nothing. Profiles are saved per source (``save_profile``) and recognized
by the file's header (``matching_profile``); the command line uses them by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.errors import NotFound, PaydeskError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.domain.money import to_minor
from desktop.domain.states import InvoiceKind
from desktop.importers.ledger_guess import TableInfo, guess_ledger_mapping, ledger_table_info, matching_ledger_profile
from desktop.importers.ledger_mapping import CUSTOMER_FIELDS, INVOICE_FIELDS, LABELS, LedgerMapping
from desktop.importers.ledger_rows import LedgerFile, RowError, read_ledger
from desktop.services.ledger_plan import ImportPlan, InvoicePlan, Snapshot, make_plan
from desktop.store import audit, ledger_sources
from desktop.store import company as company_store
from desktop.store import customers as customer_store
from desktop.store import invoices as invoice_store
from desktop.store.database import Connection, Database
from desktop.store.types import instant_text, utcnow

# What the window needs of the importers, passed through (the window may not import importers).
__all__ = ["CUSTOMER_FIELDS", "INVOICE_FIELDS", "LABELS", "ImportPlan", "ImportResult", "LedgerFile", "LedgerImportService",
           "LedgerMapping", "RowError", "TableInfo"]

SETTLED_REASON = "Settled in {source}"
LINE_TEXT = "Imported from {source}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What ``apply`` wrote (the plan's counts)."""

    plan: ImportPlan
    created_customers: list[CustomerId]
    created_invoices: list[InvoiceId]


class LedgerImportService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # --- profiles ---------------------------------------------------------------------------
    def profiles(self) -> list[LedgerMapping]:
        """Every saved profile that still reads (a damaged one is left out)."""
        with self._db.reading() as conn:
            stored = ledger_sources.profiles(conn)
        found = []
        for _name, text in stored:
            try:
                found.append(LedgerMapping.from_json(text))
            except ValidationError:
                continue
        return found

    def profile(self, name: str) -> LedgerMapping:
        for mapping in self.profiles():
            if mapping.name == name:
                return mapping
        known = ", ".join(m.name for m in self.profiles()) or "none yet"
        raise NotFound(f"There is no import profile named {name!r} (saved profiles: {known}). Set the source up once in "
                       "the window: File › Import customers and invoices…")

    def save_profile(self, mapping: LedgerMapping) -> None:
        mapping.validate()
        with self._db.transaction() as conn:
            ledger_sources.save_profile(conn, mapping.name, mapping.signature, mapping.to_json())

    def matching_profile(self, file_name: str, data: bytes) -> LedgerMapping | None:
        """The saved profile whose header this file has, if any."""
        return matching_ledger_profile(file_name, data, self.profiles())

    # --- reading ----------------------------------------------------------------------------
    @staticmethod
    def guess(file_name: str, data: bytes) -> LedgerMapping:
        return guess_ledger_mapping(file_name, data)

    @staticmethod
    def table_info(file_name: str, data: bytes, mapping: LedgerMapping) -> TableInfo:
        return ledger_table_info(file_name, data, mapping)

    @staticmethod
    def read(file_name: str, data: bytes, mapping: LedgerMapping, limit: int | None = None) -> LedgerFile:
        """The file's rows as the mapping reads them (``limit``: the first rows only, for a live preview)."""
        return read_ledger(file_name, data, mapping, limit)

    # --- planning and applying --------------------------------------------------------------
    def preview(self, file_name: str, data: bytes, profile: LedgerMapping) -> ImportPlan:
        """What importing the file would do; writes nothing."""
        parsed = read_ledger(file_name, data, profile)
        with self._db.reading() as conn:
            return make_plan(profile, parsed, _snapshot(conn, profile.name, parsed))

    def apply(self, plan: ImportPlan) -> ImportResult:
        """Write the plan in one transaction; ``PaydeskError`` (nothing written) when it has errors or is stale."""
        if plan.errors:
            raise PaydeskError(f"The file has {len(plan.errors)} problem(s); correct them in {plan.source} (or the import "
                               "profile) and preview again. Nothing was imported.")
        with self._db.transaction() as conn:
            fresh = make_plan(plan.mapping, plan.parsed, _snapshot(conn, plan.source, plan.parsed))
            if fresh.key() != plan.key():
                raise PaydeskError("Paydesk's data changed since the preview (another import, a payment?). Preview the file "
                                   "again; nothing was imported.")
            if fresh.empty:
                return ImportResult(fresh, [], [])
            return _write(conn, fresh)


def _snapshot(conn: Connection, source: str, parsed: LedgerFile) -> Snapshot:
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (File › Company settings): imported invoices need an issuer.")
    customer_links = ledger_sources.customer_links(conn, source)
    invoice_links = ledger_sources.invoice_links(conn, source)
    by_number = ledger_sources.customers_by_number(
        conn, {c.number or c.external_id for c in parsed.customers})
    customers = {}
    for cid in {*customer_links.values(), *by_number.values()}:
        try:
            customers[cid] = customer_store.get(conn, cid)
        except NotFound:
            continue
    return Snapshot(
        company=company, customer_links=customer_links, invoice_links=invoice_links, customers=customers,
        customers_by_number=by_number, invoices=ledger_sources.known_invoices(conn, invoice_links.values()),
        numbers_in_use=ledger_sources.invoice_numbers_in_use(conn, {i.number for i in parsed.invoices}),
    )


def _write(conn: Connection, plan: ImportPlan) -> ImportResult:
    source = plan.source
    created: dict[str, CustomerId] = {}
    for item in plan.customers_new:
        created[item.external_id] = customer_store.insert_customer(conn, item.customer)
    audit.record_many(conn, [("customer.imported", "customer", cid, f"Customer {c.customer.number} {c.customer.name} "
                              f"imported from {source}") for c, cid in zip(plan.customers_new, created.values(), strict=True)])
    for item in plan.customers_changed:
        assert item.customer.id is not None
        customer_store.update_customer(conn, item.customer)
        audit.record(conn, "customer.changed", "customer", item.customer.id,
                     f"Customer {item.customer.number} {item.customer.name} changed by the import from {source}",
                     {c.field: (c.old, c.new) for c in item.changes if c.field != "link"})
    adopted = [(c.external_id, c.customer.id) for c in plan.customers_changed if c.link and c.customer.id is not None]
    ledger_sources.add_links(conn, source, "customer", [*created.items(), *adopted])

    invoice_ids = _create_invoices(conn, plan, created)
    settle: list[tuple[InvoiceId, InvoicePlan]] = [
        (invoice_id, item) for invoice_id, item in zip(invoice_ids, plan.invoices_new, strict=True) if item.settle > 0]
    settle += [(item.invoice_id, item) for item in plan.invoices_changed + plan.invoices_closed if item.invoice_id is not None]
    now = instant_text(utcnow())
    reason = SETTLED_REASON.format(source=source)
    if settle:
        ledger_sources.insert_settlements(conn, [
            (invoice_id, to_minor(item.settle, item.currency), reason + (f" ({item.note})" if item.note else ""))
            for invoice_id, item in settle], now)
    invoice_store.resettle(conn, {invoice_id for invoice_id, _ in settle}, now)
    audit.record_many(conn, [("invoice.settled_externally", "invoice", invoice_id,
                              f"Invoice {item.number}: {item.settle} {item.currency} settled in {source}"
                              + (f" ({item.note})" if item.note else ""))
                             for invoice_id, item in settle])
    return ImportResult(plan, list(created.values()), invoice_ids)


def _create_invoices(conn: Connection, plan: ImportPlan, created: dict[str, CustomerId]) -> list[InvoiceId]:
    """The new invoices, issued under the source's numbers, with a line for the total and links to the source's ids."""
    if not plan.invoices_new:
        return []
    line_text = LINE_TEXT.format(source=plan.source)
    drafts = []
    for item in plan.invoices_new:
        customer_id = item.customer_id if item.customer_id is not None else created[item.customer_external_id]
        assert item.issue_date is not None and item.due_date is not None
        drafts.append(InvoiceDraft(
            customer_id=customer_id, currency=item.currency, issue_date=item.issue_date, due_date=item.due_date,
            lines=[InvoiceLine(line_text, Decimal(1), item.total)], kind=InvoiceKind.INVOICE,
            notes=f"{line_text}, invoice id {item.external_id}",
        ))
    ids = invoice_store.insert_drafts(conn, drafts)
    bill = invoice_store.bill_to(conn, {d.customer_id for d in drafts if d.customer_id is not None})
    rows: list[invoice_store.IssuedRow] = []
    for invoice_id, draft, item in zip(ids, drafts, plan.invoices_new, strict=True):
        assert draft.customer_id is not None
        to = bill[draft.customer_id]
        rows.append((item.number, None, to.name, to.address, to.vat_id, to.language, to.country, invoice_id))
    invoice_store.mark_issued(conn, rows, utcnow())
    audit.record_many(conn, [("invoice.imported", "invoice", invoice_id, f"Invoice {item.number} imported from {plan.source}")
                             for invoice_id, item in zip(ids, plan.invoices_new, strict=True)])
    ledger_sources.add_links(conn, plan.source, "invoice",
                             [(item.external_id, invoice_id) for invoice_id, item in zip(ids, plan.invoices_new, strict=True)])
    return ids
