"""Credit notes: the whole invoice, some of its lines, or an amount, applied to what is open on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from desktop.documents.texts import document_texts
from desktop.domain.errors import StateError, ValidationError
from desktop.domain.ids import InvoiceId
from desktop.domain.invoice import HUNDRED, InvoiceDraft, InvoiceLine, compute_totals, validate_draft
from desktop.domain.money import ZERO, precision, round_money, to_minor
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.invoicing import finalize_in
from desktop.store import audit, payments
from desktop.store import invoices as store
from desktop.store.database import Database
from desktop.store.invoices import InvoiceRecord


class CreditNoteService:
    def __init__(self, db: Database, today: Callable[[], date]) -> None:
        self._db = db
        self._today = today

    def creditable(self, invoice_id: InvoiceId) -> Decimal:
        """How much of the invoice has not been credited yet."""
        with self._db.reading() as conn:
            return _creditable(store.load(conn, invoice_id), store.credited_total(conn, invoice_id))

    def credit_whole(self, invoice_id: InvoiceId, reason: str = "", on: date | None = None) -> str:
        return self._issue(invoice_id, lambda record: list(record.draft.lines), reason, on)

    def credit_lines(self, invoice_id: InvoiceId, positions: list[int], reason: str = "", on: date | None = None) -> str:
        if not positions:
            raise ValidationError({"lines": "Choose at least one line to credit."})

        def pick(record: InvoiceRecord) -> list[InvoiceLine]:
            lines = record.draft.lines
            if any(not 0 <= p < len(lines) for p in positions):
                raise ValidationError({"lines": "A chosen line is not on the invoice."})
            return [lines[p] for p in sorted(set(positions))]

        return self._issue(invoice_id, pick, reason, on)

    def credit_amount(
        self, invoice_id: InvoiceId, amount: Decimal, vat_rate: Decimal, reason: str = "", on: date | None = None,
    ) -> str:
        """Credit ``amount`` including VAT at ``vat_rate``."""
        if amount <= 0:
            raise ValidationError({"amount": "The amount to credit must be above zero."})

        def one_line(record: InvoiceRecord) -> list[InvoiceLine]:
            currency = record.draft.currency
            gross = round_money(amount, currency)
            net = round_money(gross * HUNDRED / (HUNDRED + vat_rate), currency)
            description = document_texts(record.bill_language).format("credit_note_for", number=record.number or "")
            return [_line_for(net, vat_rate, description, currency, gross)]

        return self._issue(invoice_id, one_line, reason, on)

    def _issue(
        self, invoice_id: InvoiceId, make_lines: Callable[[InvoiceRecord], list[InvoiceLine]], reason: str,
        on: date | None,
    ) -> str:
        """Issue the credit note dated ``on`` (default today) and apply it to what is open."""
        today = on or self._today()
        with self._db.transaction() as conn:
            record = store.load(conn, invoice_id)
            if record.draft.kind is not InvoiceKind.INVOICE or record.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
                raise StateError("Only an issued invoice that is not void can be credited.")
            lines = make_lines(record)
            currency = record.draft.currency
            total = compute_totals(lines, currency).total
            left = _creditable(record, store.credited_total(conn, invoice_id))
            if total > left:
                raise ValidationError({"amount": f"Only {left} {currency} of invoice {record.number} is left to credit."})
            note = reason.strip()  # the document itself says which invoice it credits, in the customer's language
            draft = InvoiceDraft(
                customer_id=record.draft.customer_id, currency=currency, issue_date=max(today, record.draft.issue_date),
                due_date=max(today, record.draft.issue_date), lines=lines, notes=note, kind=InvoiceKind.CREDIT_NOTE,
                credited_invoice_id=invoice_id,
            )
            validate_draft(draft, for_finalize=True)
            credit_id = store.insert_draft(conn, draft)
            number = finalize_in(conn, [credit_id])[0]
            apply = min(total, record.open_amount)
            if apply > 0:
                payments.apply_credit_note(conn, credit_id, invoice_id, to_minor(apply, currency))
            store.resettle(conn, {invoice_id, credit_id})
            audit.record(conn, "invoice.credited", "invoice", invoice_id,
                         f"Invoice {record.number} credited by {number} for {total} {currency}"
                         + (f"; {apply} {currency} applied to what was open" if apply > 0 else "; kept as customer credit"))
            return number


def _creditable(record: InvoiceRecord, credited: Decimal) -> Decimal:
    return max(record.total - credited, ZERO)


def _line_for(net: Decimal, vat_rate: Decimal, description: str, currency: str, gross: Decimal) -> InvoiceLine:
    """One credit line whose total with VAT is exactly ``gross`` where the currency allows it."""
    unit = Decimal(1).scaleb(-precision(currency))
    best = net
    for candidate in (net, net - unit, net + unit):
        line = InvoiceLine(description, Decimal(1), candidate, vat_rate)
        if compute_totals([line], currency).total == gross:
            best = candidate
            break
    return InvoiceLine(description, Decimal(1), best, vat_rate)
