"""Reading an accounting export with a ``LedgerMapping`` into typed rows: customers and invoices.

Unlike a bank statement, a ledger file is read to the end: every row that does not fit becomes a
``RowError`` (row number as the spreadsheet shows it, the column's name, what is wrong and what to
do), so the preview lists all of them at once. One row may carry a customer and an invoice (an
open-items list); a customer that appears on several rows is taken from its first row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.domain.column_mapping import is_currency, normalize_date_format, normalize_header
from desktop.domain.errors import ValidationError
from desktop.domain.money import round_money
from desktop.importers.ledger_mapping import LABELS, LedgerMapping
from desktop.importers.ledger_words import CLOSED_STATUS_WORDS
from desktop.importers.tabular_read import Table, read_for
from desktop.importers.tabular_values import Cell, cell_text, is_blank, to_amount, to_date
from desktop.importers.tabular_words import CURRENCY_SYMBOLS
from desktop.importers.xml_safety import gc_paused

MAX_ID = 100
_TOLERANCE = Decimal("0.000001")
_DECIMAL_ID = re.compile(r"^\d+\.0+$")


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of the file: ``row`` as the spreadsheet numbers it (None: the whole file), ``column`` its header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        parts = (f"row {self.row}" if self.row else "", f"column {self.column!r}" if self.column else "")
        where = ", ".join(p for p in parts if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class SourceCustomer:
    """A customer as the source has it; ``None`` for a field the file has no column for (keep Paydesk's value)."""

    row: int
    external_id: str
    number: str | None = None
    name: str | None = None
    email: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    language: str | None = None
    vat_id: str | None = None
    iban: str | None = None


@dataclass(frozen=True, slots=True)
class SourceInvoice:
    """An invoice as the source has it. ``open_amount`` is what the source still expects (0: settled there)."""

    row: int
    external_id: str
    customer_external_id: str
    number: str
    issue_date: date
    due_date: date | None  # None: the file has no due date; the payment term decides
    currency: str
    total: Decimal
    open_amount: Decimal


@dataclass(slots=True)
class LedgerFile:
    """Everything read from one file: customers (first row per id), invoices in file order, and problems."""

    file_name: str
    kind: str  # "csv" or "xlsx"
    encoding: str
    rows: int
    customers: list[SourceCustomer] = field(default_factory=list)
    invoices: list[SourceInvoice] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_ledger(file_name: str, data: bytes, mapping: LedgerMapping, limit: int | None = None) -> LedgerFile:
    """Every row below the header as a customer (and invoice); problems are collected, not raised.

    A mapping with problems raises ``ValidationError`` (by field); a file that is no table raises
    ``UnreadableStatement``. ``limit``: read only that many rows (a preview).
    """
    problems = mapping.problems()
    if problems:
        raise ValidationError(problems)
    table = read_for(file_name, data, mapping)
    rows = table.data_rows(mapping.header_row)
    result = LedgerFile(file_name, table.kind, table.encoding, len(rows))
    reader = _RowReader(table, mapping, result.errors)
    if reader.missing:
        return result
    seen_customers: dict[str, int] = {}
    seen_invoices: dict[str, int] = {}
    with gc_paused():
        for number, row in rows[:limit]:
            customer, invoice = reader.read(number, row)
            if customer is not None and customer.external_id not in seen_customers:
                seen_customers[customer.external_id] = number
                result.customers.append(customer)
            if invoice is None:
                continue
            first = seen_invoices.get(invoice.external_id)
            if first is not None:
                result.errors.append(RowError(number, reader.labels["invoice_id"],
                                              f"invoice id {invoice.external_id!r} is on row {first} already; "
                                              "each invoice may appear once in the file"))
                continue
            seen_invoices[invoice.external_id] = number
            result.invoices.append(invoice)
    return result


class _RowReader:
    """Turns one row into ``(SourceCustomer, SourceInvoice)``, noting problems; positions are settled once."""

    def __init__(self, table: Table, mapping: LedgerMapping, errors: list[RowError]) -> None:
        self.mapping = mapping
        self.errors = errors
        header = table.header(mapping.header_row)
        self.positions: dict[str, int] = {}
        self.labels = {name: LABELS[name] for name in LABELS}
        self.missing = False
        for name, column in mapping.columns.items():
            self.labels[name] = column.label
            position = column.resolve(header)
            if position is None:
                shown = ", ".join(repr(cell) for cell in (header or ()) if cell) or "no names"
                errors.append(RowError((mapping.header_row or 0) + 1, column.label,
                                       f"the file has no such column (its header has {shown}); the export may have "
                                       "changed: set up the columns again"))
                self.missing = True
            else:
                self.positions[name] = position
        self.width = max(self.positions.values(), default=-1) + 1
        self.date_format = normalize_date_format(mapping.date_format)

    def _text(self, row: tuple[Cell, ...], name: str) -> str | None:
        position = self.positions.get(name)
        if position is None:
            return None
        text = " ".join(cell_text(row[position]).split())
        return text[:-2] if _DECIMAL_ID.match(text) and name in ("customer_id", "invoice_id") else text

    def _fail(self, number: int, name: str, message: str) -> None:
        self.errors.append(RowError(number, self.labels[name], message))

    def read(self, number: int, row: tuple[Cell, ...]) -> tuple[SourceCustomer | None, SourceInvoice | None]:
        if len(row) < self.width:
            row = row + (None,) * (self.width - len(row))
        before = len(self.errors)
        customer_id = self._text(row, "customer_id") or ""
        if not customer_id:
            self._fail(number, "customer_id", "empty; every row needs the source's customer id")
        elif len(customer_id) > MAX_ID:
            self._fail(number, "customer_id", f"longer than {MAX_ID} characters; is this the right column?")
        t = self._text
        customer = SourceCustomer(
            row=number, external_id=customer_id, number=t(row, "customer_number"), name=t(row, "name"), email=t(row, "email"),
            street=t(row, "street"), postal_code=t(row, "postal_code"), city=t(row, "city"), country=t(row, "country"),
            language=t(row, "language"), vat_id=t(row, "vat_id"), iban=t(row, "iban"),
        )
        invoice = self._invoice(number, row, customer_id) if self.mapping.has_invoices else None
        if len(self.errors) > before:
            return None, None
        return customer, invoice

    def _invoice(self, number: int, row: tuple[Cell, ...], customer_id: str) -> SourceInvoice | None:
        p = self.positions
        invoice_id = self._text(row, "invoice_id") or ""
        if not invoice_id:
            self._fail(number, "invoice_id", "empty; every invoice needs the source's id (leave customer-only rows out "
                                             "of an invoice export)")
            return None
        if len(invoice_id) > MAX_ID:
            self._fail(number, "invoice_id", f"longer than {MAX_ID} characters; is this the right column?")
            return None
        invoice_number = self._text(row, "number") or invoice_id
        if len(invoice_number) > 30:
            self._fail(number, "number" if "number" in p else "invoice_id",
                       "an invoice number is at most 30 characters in Paydesk")
        issue = self._date(number, row, "issue_date")
        due = self._date(number, row, "due_date") if "due_date" in p and not is_blank(row[p["due_date"]]) else None
        if issue is not None and due is not None and due < issue:
            self._fail(number, "due_date", f"the due date {due.isoformat()} is before the invoice date {issue.isoformat()}")
        currency = self._currency(number, row)
        total = self._money(number, row, "total", currency) if currency else None
        open_amount = total
        if currency and "open_amount" in p and not is_blank(row[p["open_amount"]]):
            open_amount = self._money(number, row, "open_amount", currency)
        elif currency and total is not None and "paid_amount" in p and not is_blank(row[p["paid_amount"]]):
            paid = self._money(number, row, "paid_amount", currency)
            open_amount = None if paid is None else total - paid
        status = normalize_header(self._text(row, "status") or "")
        if status and status in CLOSED_STATUS_WORDS and open_amount is not None:
            open_amount = round_money(Decimal(0), currency)
        if total is not None and open_amount is not None and total > 0 and not Decimal(0) <= open_amount <= total:
            column = "open_amount" if "open_amount" in p else "paid_amount"
            self._fail(number, column, f"{open_amount} open on a total of {total}; the open amount is between 0 and the total")
        if issue is None or total is None or open_amount is None or not currency:
            return None
        return SourceInvoice(number, invoice_id, customer_id, invoice_number, issue, due, currency, total, open_amount)

    def _date(self, number: int, row: tuple[Cell, ...], name: str) -> date | None:
        try:
            return to_date(row[self.positions[name]], self.date_format)
        except ValueError as error:
            self._fail(number, name, f"{error}; check the date format of the import profile")
            return None

    def _currency(self, number: int, row: tuple[Cell, ...]) -> str:
        text = self._text(row, "currency") or ""
        if not text:
            if self.mapping.fixed_currency:
                return self.mapping.fixed_currency
            self._fail(number, "currency", "empty; enter a currency code such as EUR, or set the profile's currency")
            return ""
        code = CURRENCY_SYMBOLS.get(text, CURRENCY_SYMBOLS.get(text.upper(), text.upper()))
        if not is_currency(code):
            self._fail(number, "currency", f"{text!r} is not a currency code such as EUR or SEK")
            return ""
        return code

    def _money(self, number: int, row: tuple[Cell, ...], name: str, currency: str) -> Decimal | None:
        m = self.mapping
        cell = row[self.positions[name]]
        try:
            value = to_amount(cell, m.decimal_separator, m.thousands_separator)
        except ValueError as error:
            self._fail(number, name, f"{error}; check the decimal separator of the import profile")
            return None
        rounded = round_money(value, currency)
        if rounded != value and abs(rounded - value) > _TOLERANCE:
            self._fail(number, name, f"{cell_text(cell)!r} has more decimals than {currency} has "
                                     "(is the decimal separator right?)")
            return None
        return rounded
