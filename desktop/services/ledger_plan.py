"""What an import from another system would do, worked out before anything is written.

The plan compares the file (customers and invoices keyed by the source's ids) with what Paydesk
holds for that source: customers to create, to change (field by field) or unchanged; invoices to
create, to change or to close, unchanged, or skipped; and every row error. Nothing in the plan is
applied while it has errors.

How the other system's documents are represented (decided here, documented in the README):
- an imported invoice is an issued invoice under the source's number, with one line "Imported from
  <source>" for the total at a 0 % rate (the source's VAT split is unknown; net = total);
- what the source shows as already paid, and later what it settles (the open amount falls, or a
  known invoice is missing from the file), is an *external settlement*: a write-off with the reason
  "Settled in <source>", no payment. Balances, aging and the debtor overview stay right, and cash
  collected counts only money Paydesk saw. A reduced total in the source is settled the same way
  (the issued document can't change; a credit note in Paydesk's own series would be a document the
  customer never got);
- what Paydesk can't follow is a warning, not a change: a higher open amount or total than Paydesk
  has (Paydesk recorded payments the source doesn't know yet, or the source reopened it), a moved
  due date or another customer on an issued invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.company import Company
from desktop.domain.customer import Customer, validated
from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.languages import LANGUAGES
from desktop.domain.money import from_minor, round_money
from desktop.domain.validation import normalize_iban
from desktop.importers.ledger_mapping import LedgerMapping
from desktop.importers.ledger_rows import LedgerFile, RowError, SourceCustomer, SourceInvoice
from desktop.store.ledger_sources import KnownInvoice

COLLECTIBLE = ("open", "partially_paid")
_LANGUAGE_NAMES = {name.casefold(): code for code, name in LANGUAGES.items()} | {
    "english": "en", "spanish": "es", "italian": "it", "dutch": "nl", "swedish": "sv", "russian": "ru", "engels": "en",
    "nederlands": "nl", "spaans": "es", "italiaans": "it", "zweeds": "sv", "russisch": "ru",
}
_COUNTRY_LANGUAGE = {"NL": "nl", "BE": "nl", "SR": "nl", "ES": "es", "MX": "es", "AR": "es", "IT": "it", "SM": "it", "SE": "sv",
                     "RU": "ru", "BY": "ru", "KZ": "ru"}
_CUSTOMER_FIELDS = {"number": "customer_number", "name": "name", "street": "street", "postal_code": "postal_code",
                    "city": "city", "country": "country", "language": "language", "vat_id": "vat_id"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    """A customer to create (``id`` None) or to change; ``customer`` is what will be saved."""

    row: int
    external_id: str
    customer: Customer
    changes: tuple[FieldChange, ...] = ()
    link: bool = True  # a link from the source's id is to be written (new, or adopted by customer number)


@dataclass(frozen=True, slots=True)
class InvoicePlan:
    """An invoice to create, or a known one to settle (``settle``: the amount settled outside Paydesk)."""

    row: int | None  # None: missing from the file
    external_id: str
    number: str
    customer_external_id: str
    currency: str
    total: Decimal
    open_before: Decimal  # what Paydesk has open now (0 for a new invoice)
    open_after: Decimal
    settle: Decimal
    issue_date: date | None = None
    due_date: date | None = None
    invoice_id: InvoiceId | None = None
    customer_id: CustomerId | None = None  # None: a customer this import creates
    note: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    row: int
    external_id: str
    reason: str


@dataclass(slots=True)
class ImportPlan:
    """Everything an import would do; ``apply`` writes it (only without errors)."""

    source: str
    file_name: str
    mapping: LedgerMapping
    parsed: LedgerFile
    customers_new: list[CustomerPlan] = field(default_factory=list)
    customers_changed: list[CustomerPlan] = field(default_factory=list)
    customers_unchanged: int = 0
    invoices_new: list[InvoicePlan] = field(default_factory=list)
    invoices_changed: list[InvoicePlan] = field(default_factory=list)
    invoices_closed: list[InvoicePlan] = field(default_factory=list)
    invoices_unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to write: a second import of the same file."""
        return not (self.customers_new or self.customers_changed or self.invoices_new or self.invoices_changed
                    or self.invoices_closed)

    def key(self) -> tuple[object, ...]:
        """What the plan would write, to check that nothing changed between the preview and the import."""
        return (tuple((c.external_id, c.customer.id, c.changes) for c in self.customers_new + self.customers_changed),
                tuple((i.external_id, i.invoice_id, i.settle, i.open_before) for i in
                      self.invoices_new + self.invoices_changed + self.invoices_closed),
                tuple(self.errors))

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "customers": {"created": len(self.customers_new), "changed": len(self.customers_changed),
                          "unchanged": self.customers_unchanged},
            "invoices": {"created": len(self.invoices_new), "changed": len(self.invoices_changed),
                         "closed": len(self.invoices_closed), "unchanged": self.invoices_unchanged},
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What Paydesk holds that the plan compares with, read in one transaction."""

    company: Company
    customer_links: dict[str, CustomerId]
    invoice_links: dict[str, InvoiceId]
    customers: dict[CustomerId, Customer]  # the linked ones, and those found by number
    customers_by_number: dict[str, CustomerId]
    invoices: dict[InvoiceId, KnownInvoice]
    numbers_in_use: dict[str, InvoiceId]


def make_plan(mapping: LedgerMapping, parsed: LedgerFile, snap: Snapshot) -> ImportPlan:
    plan = ImportPlan(mapping.name, parsed.file_name, mapping, parsed, errors=list(parsed.errors))
    customer_ids = _plan_customers(plan, snap)
    if mapping.has_invoices:
        _plan_invoices(plan, snap, customer_ids)
    plan.errors.sort(key=lambda e: (e.row or 0, e.column))
    return plan


# --- customers --------------------------------------------------------------------------------
def _plan_customers(plan: ImportPlan, snap: Snapshot) -> dict[str, CustomerId | None]:
    """Plans each customer of the file; returns the Paydesk id per source id (None: created by this import)."""
    labels = {name: column.label for name, column in plan.mapping.columns.items()}
    result: dict[str, CustomerId | None] = {}
    numbers_taken: dict[str, str] = {}  # customer number -> source id that claims it in this file
    for sc in plan.parsed.customers:
        linked = snap.customer_links.get(sc.external_id)
        number = sc.number or sc.external_id
        adopted = linked is None and number in snap.customers_by_number
        cid = linked if linked is not None else snap.customers_by_number.get(number)
        before = snap.customers.get(cid) if cid is not None else None
        if cid is not None and before is None:  # linked, but the customer was deleted since
            before, cid, adopted = None, None, False
        draft = _merged(before, sc, number) if before is not None else _new(sc, number)
        try:
            after = validated(draft)
        except ValidationError as error:
            for name, message in error.fields.items():
                plan.errors.append(RowError(sc.row, _column_label(name, labels), f"{message} (customer {sc.external_id})"))
            continue
        claimed = numbers_taken.setdefault(after.number, sc.external_id)
        owner = snap.customers_by_number.get(after.number)
        if claimed != sc.external_id or (owner is not None and owner != cid):
            plan.errors.append(RowError(sc.row, labels.get("customer_number", labels.get("customer_id", "")),
                                        f"customer number {after.number} already belongs to another customer; give this "
                                        "customer another number in the source, or map a customer number column"))
            continue
        result[sc.external_id] = cid
        if before is None:
            plan.customers_new.append(CustomerPlan(sc.row, sc.external_id, after))
            continue
        changes = _diff(before, after)
        if adopted:
            changes = (FieldChange("link", "", f"the existing Paydesk customer {before.number}"), *changes)
        if changes:
            plan.customers_changed.append(CustomerPlan(sc.row, sc.external_id, after, changes, link=adopted))
        else:
            plan.customers_unchanged += 1
    return result


def _column_label(field_name: str, labels: dict[str, str]) -> str:
    base = field_name.split("[", 1)[0]
    source_field = {"emails": "email", "ibans": "iban"}.get(base, _CUSTOMER_FIELDS.get(base, base))
    return labels.get(source_field, labels.get("customer_id", source_field))


def _language(text: str | None, country: str) -> str | None:
    if text:
        code = text.strip().casefold()
        if code[:2] in LANGUAGES and (len(code) == 2 or code[2] in "-_"):
            return code[:2]
        if code in _LANGUAGE_NAMES:
            return _LANGUAGE_NAMES[code]
    return _COUNTRY_LANGUAGE.get(country.upper()) if country else None


def _new(sc: SourceCustomer, number: str) -> Customer:
    country = (sc.country or "").upper()
    return Customer(
        number=number, name=sc.name or "", emails=[sc.email] if sc.email else [], street=sc.street or "",
        postal_code=sc.postal_code or "", city=sc.city or "", country=country,
        language=_language(sc.language, country) or "en", vat_id=sc.vat_id or "", ibans=[sc.iban] if sc.iban else [],
        notes="",
    )


def _merged(before: Customer, sc: SourceCustomer, number: str) -> Customer:
    """Paydesk's customer with what the source says; an empty or unmapped source field keeps Paydesk's value."""
    after = replace(before, emails=list(before.emails), ibans=list(before.ibans))
    for name in ("name", "street", "postal_code", "city", "vat_id"):
        value = getattr(sc, name)
        if value:
            setattr(after, name, value)
    if sc.number:
        after.number = number
    if sc.country:
        after.country = sc.country.upper()
    language = _language(sc.language, "") if sc.language else None
    if language:
        after.language = language
    if sc.email and sc.email.casefold() not in (e.casefold() for e in before.emails):
        after.emails = [sc.email, *before.emails]
    if sc.iban:
        try:
            known = normalize_iban(sc.iban) in before.ibans
        except ValueError:
            known = False
        if not known:
            after.ibans = [*before.ibans, sc.iban]
    return after


def _diff(before: Customer, after: Customer) -> tuple[FieldChange, ...]:
    changes = []
    for f in fields(Customer):
        if f.name == "id":
            continue
        old, new = getattr(before, f.name), getattr(after, f.name)
        if old != new:
            show = (lambda v: ", ".join(v)) if isinstance(old, list) else (lambda v: "" if v is None else str(v))
            changes.append(FieldChange(f.name, show(old), show(new)))
    return tuple(changes)


# --- invoices ---------------------------------------------------------------------------------
def number_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern of Paydesk's numbering (``{year}-{seq:05}``) as a regular expression its numbers match."""
    parts = re.split(r"(\{[a-z]+(?::[^}]*)?\})", pattern)
    fields_re = {"year": r"\d{4}", "yy": r"\d{2}", "month": r"\d{2}", "seq": r"\d+"}
    body = "".join(fields_re.get(p[1:-1].split(":")[0], re.escape(p)) if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{body}$")


def _plan_invoices(plan: ImportPlan, snap: Snapshot, customer_ids: dict[str, CustomerId | None]) -> None:
    labels = {name: column.label for name, column in plan.mapping.columns.items()}
    number_label = labels.get("number", labels.get("invoice_id", ""))
    own_series = number_pattern(snap.company.invoice_pattern)
    numbers_in_file: dict[str, str] = {}
    seen: set[str] = set()
    new_customers = {c.external_id: c.customer for c in plan.customers_new}
    for si in plan.parsed.invoices:
        seen.add(si.external_id)
        if si.customer_external_id not in customer_ids:
            continue  # the customer has an error of its own
        invoice_id = snap.invoice_links.get(si.external_id)
        known = snap.invoices.get(invoice_id) if invoice_id is not None else None
        if known is not None:
            _plan_known(plan, si, known, customer_ids)
            continue
        if si.total <= 0:
            plan.skipped.append(Skipped(si.row, si.external_id, "a credit note or a zero total: Paydesk imports invoices "
                                        "only; settle the credit in the source, the next import follows"))
            continue
        if si.open_amount <= 0:
            plan.skipped.append(Skipped(si.row, si.external_id, "already settled in the source; nothing to collect"))
            continue
        other = numbers_in_file.setdefault(si.number, si.external_id)
        if other != si.external_id:
            plan.errors.append(RowError(si.row, number_label, f"invoice number {si.number} is also used by invoice id "
                                        f"{other} in this file; invoice numbers must be unique"))
            continue
        if si.number in snap.numbers_in_use:
            plan.errors.append(RowError(si.row, number_label, f"invoice number {si.number} is already used by another "
                                        "Paydesk invoice; numbers must be unique, so this invoice can't be imported "
                                        "under it (was it imported from another source, or issued in Paydesk?)"))
            continue
        if own_series.match(si.number):
            plan.errors.append(RowError(si.row, number_label, f"invoice number {si.number} looks like Paydesk's own "
                                        f"numbering ({snap.company.invoice_pattern}), so Paydesk could issue the same "
                                        "number later; change Paydesk's pattern first (File › Company settings), for "
                                        "example to PD{year}-{seq:05}"))
            continue
        cid = customer_ids[si.customer_external_id]
        customer = new_customers.get(si.customer_external_id) or (snap.customers.get(cid) if cid is not None else None)
        term = customer.payment_term_days if customer is not None and customer.payment_term_days is not None else \
            snap.company.payment_term_days
        due = si.due_date or si.issue_date + timedelta(days=term)
        plan.invoices_new.append(InvoicePlan(
            si.row, si.external_id, si.number, si.customer_external_id, si.currency, si.total, _zero(si.currency),
            si.open_amount, si.total - si.open_amount, si.issue_date, due, None, cid,
        ))
    for external_id, invoice_id in sorted(snap.invoice_links.items()):
        known = snap.invoices.get(invoice_id)
        if external_id in seen or known is None or known.status not in COLLECTIBLE:
            continue
        open_now = _open(known)
        plan.invoices_closed.append(InvoicePlan(
            None, external_id, known.number or "", "", known.currency, from_minor(known.total_minor, known.currency),
            open_now, _zero(known.currency), open_now, invoice_id=invoice_id, customer_id=known.customer_id,
            note="missing from the file",
        ))


def _zero(currency: str) -> Decimal:
    return round_money(Decimal(0), currency)


def _open(known: KnownInvoice) -> Decimal:
    if known.status not in COLLECTIBLE:
        return _zero(known.currency)
    return from_minor(known.total_minor - known.settled_minor, known.currency)


def _plan_known(plan: ImportPlan, si: SourceInvoice, known: KnownInvoice, customer_ids: dict[str, CustomerId | None]) -> None:
    label = f"Invoice {known.number} (row {si.row})"
    total = from_minor(known.total_minor, known.currency)
    if si.currency != known.currency:
        plan.warnings.append(f"{label}: the source has it in {si.currency}, Paydesk in {known.currency}; nothing changed.")
        plan.invoices_unchanged += 1
        return
    if si.total > total:
        plan.warnings.append(f"{label}: the source's total {si.total} is above the {total} imported; an issued invoice "
                             "can't grow, so Paydesk keeps its total. Enter the difference as a new invoice in the source.")
    if si.due_date is not None and si.due_date != known.due_date:
        plan.warnings.append(f"{label}: the source moved the due date to {si.due_date.isoformat()}; Paydesk keeps "
                             f"{known.due_date.isoformat()}. Record a promise to pay or a pause if reminders should wait.")
    cid = customer_ids.get(si.customer_external_id)
    if cid is not None and cid != known.customer_id:
        plan.warnings.append(f"{label}: the source has it on another customer; Paydesk keeps the customer it was issued to.")
    if known.status not in COLLECTIBLE:
        plan.invoices_unchanged += 1
        return
    open_now = _open(known)
    target = min(si.open_amount, si.total)
    if target > open_now:
        plan.warnings.append(f"{label}: the source has {target} open, Paydesk {open_now}: Paydesk recorded payments the "
                             "source doesn't show yet (or the source reopened it); nothing changed.")
        plan.invoices_unchanged += 1
        return
    if target == open_now:
        plan.invoices_unchanged += 1
        return
    note = f"total reduced in the source from {total} to {si.total}" if si.total < total else ""
    item = InvoicePlan(si.row, si.external_id, known.number or si.number, si.customer_external_id, known.currency, total,
                       open_now, target, open_now - target, invoice_id=known.id, customer_id=known.customer_id, note=note)
    (plan.invoices_closed if target == 0 else plan.invoices_changed).append(item)
