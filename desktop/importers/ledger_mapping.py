"""How to read one accounting package's export of customers and open invoices: which column holds what.

A ``LedgerMapping`` is what the user confirms in the import dialog and what Paydesk keeps as the
source's profile ("Exact Online"); its name is also the *source*, under which the source's own ids
are linked to Paydesk's customers and invoices, so the next file updates instead of duplicating.
Columns are ``Column`` objects of the bank import (found by header name, or by position).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

from desktop.domain.column_mapping import (
    DECIMAL_SEPARATORS,
    MAX_HEADER_ROW,
    THOUSANDS_SEPARATORS,
    Column,
    is_currency,
    normalize_date_format,
)
from desktop.domain.errors import ValidationError

JSON_VERSION = 1

CUSTOMER_FIELDS = ("customer_id", "customer_number", "name", "email", "street", "postal_code", "city", "country", "language",
                   "vat_id", "iban")
INVOICE_FIELDS = ("invoice_id", "number", "issue_date", "due_date", "currency", "total", "open_amount", "paid_amount", "status")
FIELDS = CUSTOMER_FIELDS + INVOICE_FIELDS
LABELS = {
    "customer_id": "Customer id", "customer_number": "Customer number", "name": "Customer name", "email": "Email",
    "street": "Street", "postal_code": "Postal code", "city": "City", "country": "Country", "language": "Language",
    "vat_id": "VAT id", "iban": "IBAN", "invoice_id": "Invoice id", "number": "Invoice number", "issue_date": "Invoice date",
    "due_date": "Due date", "currency": "Currency", "total": "Total", "open_amount": "Open amount", "paid_amount": "Paid amount",
    "status": "Status",
}
"""What the dialog and the messages call each field."""


@dataclass(frozen=True, slots=True)
class LedgerMapping:
    """One source's table layout; ``columns`` maps a field of ``FIELDS`` to its column (unmapped fields are absent)."""

    name: str = ""  # the source, such as "Exact Online": profiles and id links are kept under it
    signature: str = ""  # header_signature() of the file the profile was made from
    sheet: str = ""
    delimiter: str = ";"  # "" for XLSX
    quote_char: str = '"'
    header_row: int | None = 0
    date_format: str = "%d-%m-%Y"
    decimal_separator: str = ","
    thousands_separator: str = ""
    fixed_currency: str = ""  # where there is no currency column (or a row leaves it empty)
    columns: dict[str, Column] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        return self.columns.get(name)

    def with_column(self, name: str, column: Column | None) -> LedgerMapping:
        columns = {k: v for k, v in self.columns.items() if k != name}
        if column is not None:
            columns[name] = column
        return replace(self, columns=columns)

    @property
    def has_invoices(self) -> bool:
        """The file lists invoices (else it is a customer list, and closes nothing)."""
        return "invoice_id" in self.columns

    def problems(self) -> dict[str, str]:
        """What is wrong, by field name, with a message for the user; empty when the mapping is usable."""
        found: dict[str, str] = {}
        if not self.name.strip():
            found["name"] = "Name the source, such as the accounting package: Paydesk keeps its ids under this name."
        if len(self.name) > 100:
            found["name"] = "The source name is at most 100 characters."
        if self.header_row is not None and not 0 <= self.header_row <= MAX_HEADER_ROW:
            found["header_row"] = f"The header row is one of the first {MAX_HEADER_ROW} rows."
        for name in self.columns:
            if name not in FIELDS:
                found[name] = "Paydesk doesn't know this field."
        if "customer_id" not in self.columns:
            found["customer_id"] = "Choose the column with the source's customer id (debtor number)."
        if self.has_invoices:
            for needed in ("issue_date", "total"):
                if needed not in self.columns:
                    found[needed] = f"Choose the column with the {LABELS[needed].lower()}."
            if "open_amount" in self.columns and "paid_amount" in self.columns:
                found["paid_amount"] = "Use either the open amount or the paid amount, not both."
            if "currency" not in self.columns and not self.fixed_currency:
                found["fixed_currency"] = "Choose the currency column or enter the currency of the invoices (EUR, SEK...)."
        elif any(name in self.columns for name in INVOICE_FIELDS):
            found["invoice_id"] = "Choose the column with the source's invoice id (or clear the invoice columns)."
        try:
            normalize_date_format(self.date_format)
        except ValueError as error:
            found["date_format"] = str(error)
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            found["decimal_separator"] = "The decimal separator is a comma or a point."
        if self.thousands_separator not in THOUSANDS_SEPARATORS:
            found["thousands_separator"] = "The thousands separator is none, a point, a comma, a space or an apostrophe."
        elif self.thousands_separator and self.thousands_separator == self.decimal_separator:
            found["thousands_separator"] = "The thousands separator can't be the decimal separator."
        if self.fixed_currency and not is_currency(self.fixed_currency):
            found["fixed_currency"] = f"{self.fixed_currency!r} is not a currency code; use three letters such as EUR."
        return found

    def validate(self) -> LedgerMapping:
        problems = self.problems()
        if problems:
            raise ValidationError(problems)
        return self

    # --- storing ----------------------------------------------------------------------------
    def to_json(self) -> str:
        data: dict[str, Any] = {"version": JSON_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            data[f.name] = {k: c.to_dict() for k, c in sorted(value.items())} if f.name == "columns" else value
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LedgerMapping:
        """A mapping from ``to_json()``; a damaged text raises ``ValidationError``."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            if int(data.get("version", JSON_VERSION)) > JSON_VERSION:
                raise ValueError("saved by a newer Paydesk")
            values: dict[str, Any] = {}
            for f in fields(cls):
                if f.name not in data:
                    continue
                value = data[f.name]
                if f.name == "columns":
                    value = {str(k): Column.from_dict(v) for k, v in dict(value).items()}
                elif f.name == "header_row":
                    value = None if value is None else int(value)
                else:
                    value = str(value)
                values[f.name] = value
            return cls(**values)
        except (ValueError, TypeError, KeyError) as error:
            raise ValidationError({"profile": f"This saved import profile is damaged ({error}); set it up again."}) from None
