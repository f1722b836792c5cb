"""How to read one bank's CSV or XLSX export: which column holds what, and how dates and amounts are written.

A ``ColumnMapping`` is what the user confirms in the mapping dialog and what Paydesk keeps as a
profile ("Bankinter CSV"), so the next file with the same header row is read without asking.
Columns are found by their header name, so a bank that reorders its columns still matches; a
file without a header row is read by position.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from babel.numbers import list_currencies

from desktop.domain.errors import ValidationError
from desktop.domain.validation import normalize_iban

JSON_VERSION = 1
DELIMITERS = (";", ",", "\t", "|")
QUOTE_CHARS = ('"', "'", "")
DECIMAL_SEPARATORS = (",", ".")
THOUSANDS_SEPARATORS = ("", ".", ",", " ", "'")
DATE_FORMATS = (
    "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%Y/%m/%d", "%d.%m.%y", "%d/%m/%y",
    "%m/%d/%y", "%d-%m-%y",
)
"""Date formats the dialog offers and the guess tries, most common first."""

MAX_HEADER_ROW = 1000
_SAMPLE_DAY = date(2026, 12, 31)
_READABLE_TOKENS = (("%Y", "yyyy"), ("%y", "yy"), ("%m", "mm"), ("%d", "dd"))
_TOKEN = re.compile(r"yyyy|yy|mm|dd", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_IBAN_LIKE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")


class SignConvention(StrEnum):
    """How the amount column says whether money came in or went out."""

    SIGNED = "signed"  # as written: -12.50 is money out
    INVERTED = "inverted"  # the other way round: 12.50 is money out (card and some savings exports)
    INDICATOR = "indicator"  # unsigned amounts and a column such as "Af Bij" / "D/C" / "S/H"


@dataclass(frozen=True, slots=True)
class Column:
    """A column by its header name, or by its position (0-based) when the file has no header row."""

    name: str = ""
    index: int = -1

    @property
    def label(self) -> str:
        """How messages name the column: its header, or "column 3"."""
        return self.name or f"column {self.index + 1}"

    def resolve(self, header: Sequence[str] | None) -> int | None:
        """The column's position in a row: by name in ``header`` (None: the file has no header), else by index."""
        if header is not None and self.name:
            wanted = normalize_header(self.name)
            found = [n for n, cell in enumerate(header) if normalize_header(cell) == wanted]
            if not found:
                return None
            return self.index if self.index in found else found[0]
        return self.index if self.index >= 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "index": self.index}

    @classmethod
    def from_dict(cls, value: Any) -> Column:
        if not isinstance(value, dict):
            raise TypeError("a column must be an object")
        return cls(name=str(value.get("name", "")), index=int(value.get("index", -1)))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """One bank's table layout. Column fields hold ``None`` where the file has no such column."""

    name: str = ""
    signature: str = ""  # header_signature() of the file the profile was made from
    sheet: str = ""  # XLSX: the sheet to read ("" = the first)
    delimiter: str = ";"  # CSV only; "" for XLSX
    quote_char: str = '"'
    header_row: int | None = 0  # 0-based row index of the header; None: no header, data from the first row
    skip_footer_rows: int = 0  # rows at the end that are totals or notes, not transactions
    date: Column | None = None
    date_format: str = "%d.%m.%Y"
    value_date: Column | None = None
    amount: Column | None = None
    sign: SignConvention = SignConvention.SIGNED
    indicator: Column | None = None  # with SignConvention.INDICATOR
    debit_marker: str = "D"  # the indicator value meaning money out: "D", "Af", "S", "Debit"...
    debit: Column | None = None  # instead of ``amount``: money out
    credit: Column | None = None  # instead of ``amount``: money in
    decimal_separator: str = ","
    thousands_separator: str = ""
    currency: Column | None = None
    fixed_currency: str = ""  # where there is no currency column (or a row leaves it empty)
    counterparty_name: Column | None = None
    counterparty_iban: Column | None = None
    text: tuple[Column, ...] = ()  # remittance text, several columns joined with spaces
    reference: Column | None = None  # the payer's reference (RF..., an invoice number)
    bank_reference: Column | None = None
    account: Column | None = None  # the statement's own account, where each row names it
    fixed_account: str = ""  # otherwise: the IBAN (or account number) the whole file belongs to

    def __post_init__(self) -> None:
        if not isinstance(self.sign, SignConvention):  # from JSON or a Qt combo's data: plain text
            object.__setattr__(self, "sign", SignConvention(self.sign))
        if not isinstance(self.text, tuple):
            object.__setattr__(self, "text", tuple(self.text))

    @property
    def split_amount(self) -> bool:
        """Money out and money in are in two columns (debit + credit) instead of one amount."""
        return self.debit is not None or self.credit is not None

    def columns(self) -> dict[str, Column]:
        """Every column the mapping uses, by field name (text columns as ``text[0]``, ``text[1]``...)."""
        found: dict[str, Column] = {}
        for name in _COLUMN_FIELDS:
            column = getattr(self, name)
            if column is not None:
                found[name] = column
        for n, column in enumerate(self.text):
            found[f"text[{n}]"] = column
        return found

    # --- checking ---------------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """What is wrong, by field name, with a message for the user; empty when the mapping is usable."""
        found: dict[str, str] = {}
        if not self.name.strip():
            found["name"] = "Give this layout a name, such as the bank's name, to recognize its next file."
        if self.delimiter and (len(self.delimiter) != 1 or self.delimiter.isalnum() or self.delimiter in "\"'"):
            found["delimiter"] = "The delimiter is one character: ; , | or a tab."
        if self.quote_char not in QUOTE_CHARS:
            found["quote_char"] = "The quote character is \" or ' (or none)."
        elif self.quote_char and self.quote_char == self.delimiter:
            found["quote_char"] = "The quote character can't be the delimiter."
        if self.header_row is not None and not 0 <= self.header_row <= MAX_HEADER_ROW:
            found["header_row"] = f"The header row is one of the first {MAX_HEADER_ROW} rows."
        if self.skip_footer_rows < 0:
            found["skip_footer_rows"] = "The number of rows to skip at the end can't be negative."
        for name, column in self.columns().items():
            if not column.name and column.index < 0:
                found[name] = "Choose a column."
            elif self.header_row is None and column.index < 0:
                found[name] = f"Without a header row, columns are taken by position; {column.name!r} has none."
        if self.date is None:
            found["date"] = "Choose the column with the booking date."
        try:
            normalize_date_format(self.date_format)
        except ValueError as error:
            found["date_format"] = str(error)
        found.update(self._amount_problems())
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            found["decimal_separator"] = "The decimal separator is a comma or a point."
        if self.thousands_separator not in THOUSANDS_SEPARATORS:
            found["thousands_separator"] = "The thousands separator is none, a point, a comma, a space or an apostrophe."
        elif self.thousands_separator and self.thousands_separator == self.decimal_separator:
            found["thousands_separator"] = "The thousands separator can't be the decimal separator."
        if self.fixed_currency and not is_currency(self.fixed_currency):
            found["fixed_currency"] = f"{self.fixed_currency!r} is not a currency code; use three letters such as EUR."
        elif self.currency is None and not self.fixed_currency:
            found["fixed_currency"] = "Choose the currency column or enter the currency of the account (EUR, SEK...)."
        if self.fixed_account:
            try:
                normalize_account(self.fixed_account)
            except ValueError as error:
                found["fixed_account"] = str(error)
        elif self.account is None:
            found["fixed_account"] = "Enter the IBAN of the account this file belongs to, or choose the column that holds it."
        return found

    def _amount_problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.split_amount:
            if self.amount is not None:
                found["amount"] = "Use either one amount column or separate debit and credit columns, not both."
            if self.debit is None:
                found["debit"] = "Choose the column with money out (debit)."
            if self.credit is None:
                found["credit"] = "Choose the column with money in (credit)."
            return found
        if self.amount is None:
            found["amount"] = "Choose the column with the amount (or separate debit and credit columns)."
        if self.sign is SignConvention.INDICATOR:
            if self.indicator is None:
                found["indicator"] = "Choose the column that says debit or credit."
            if not self.debit_marker.strip():
                found["debit_marker"] = "Enter the value that marks money out, such as D, Af or S."
        return found

    def validate(self) -> ColumnMapping:
        """The mapping itself, or ``ValidationError`` naming every bad field."""
        problems = self.problems()
        if problems:
            raise ValidationError(problems)
        return self

    # --- storing ----------------------------------------------------------------------------
    def to_json(self) -> str:
        data: dict[str, Any] = {"version": JSON_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Column):
                value = value.to_dict()
            elif f.name == "text":
                value = [column.to_dict() for column in value]
            elif isinstance(value, SignConvention):
                value = value.value
            data[f.name] = value
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        """A mapping from ``to_json()``. Unknown keys are ignored; a damaged text raises ``ValidationError``."""
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
                if f.name in _COLUMN_FIELDS:
                    value = None if value is None else Column.from_dict(value)
                elif f.name == "text":
                    value = tuple(Column.from_dict(item) for item in value)
                elif f.name == "sign":
                    value = SignConvention(value)
                elif f.name in ("header_row",):
                    value = None if value is None else int(value)
                elif f.name == "skip_footer_rows":
                    value = int(value)
                else:
                    value = str(value)
                values[f.name] = value
            return cls(**values)
        except (ValueError, TypeError, KeyError) as error:
            raise ValidationError({"profile": f"This saved column layout is damaged ({error}); set it up again."}) from None


_COLUMN_FIELDS = tuple(
    f.name for f in fields(ColumnMapping)
    if f.name in ("date", "value_date", "amount", "indicator", "debit", "credit", "currency", "counterparty_name",
                  "counterparty_iban", "reference", "bank_reference", "account")
)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in _currencies()


def normalize_account(text: str) -> str:
    """An IBAN (checked, compact) or another bank account number (letters, digits, - / . and spaces)."""
    compact = re.sub(r"\s", "", text).upper()
    if _IBAN_LIKE.match(compact):
        return normalize_iban(compact)
    if not compact or not re.fullmatch(r"[A-Z0-9./-]{4,40}", compact):
        raise ValueError(f"{text.strip()!r} is neither an IBAN nor an account number.")
    return compact


def normalize_date_format(text: str) -> str:
    """A strftime format from ``"%d.%m.%Y"`` or a readable ``"dd.mm.yyyy"``; ``ValueError`` if it can't hold a date."""
    value = text.strip()
    if "%" not in value:
        value = _TOKEN.sub(lambda m: dict((b, a) for a, b in _READABLE_TOKENS)[m.group(0).lower()], value)
    tokens = set(re.findall(r"%.", value))
    if not value or not {"%d"} <= tokens or not tokens & {"%m", "%b", "%B"} or not tokens & {"%Y", "%y"}:
        raise ValueError(f"{text.strip() or 'An empty format'!r} is not a date format: it needs day, month and year, "
                         "such as dd.mm.yyyy or %d.%m.%Y.")
    try:
        back = datetime.strptime(_SAMPLE_DAY.strftime(value), value).date()
    except (ValueError, re.error):  # re.error: strptime's pattern has a field twice ("%d%d")
        back = None
    if back != _SAMPLE_DAY:
        raise ValueError(f"{text.strip()!r} is not a date format Paydesk can read; use one such as dd.mm.yyyy or %d.%m.%Y.")
    return value


def date_format_label(fmt: str) -> str:
    """``"%d.%m.%Y"`` -> ``"dd.mm.yyyy"`` (what the dialog shows)."""
    label = fmt
    for token, readable in _READABLE_TOKENS:
        label = label.replace(token, readable)
    return label


def normalize_header(text: str) -> str:
    """A header cell as signatures and name lookups compare it: case, accents and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped).strip().casefold()


def header_signature(cells: Iterable[object] | None, delimiter: str, column_count: int = 0) -> str:
    """A fingerprint of a header row and the delimiter, blind to column order (columns are found by name anyway).

    Without a header row, the column count stands in for the names.
    """
    if cells is None:
        basis = f"no header|{delimiter}|{column_count}"
    else:
        normalized = [normalize_header("" if cell is None else str(cell)) for cell in cells]
        while normalized and not normalized[-1]:
            normalized.pop()
        basis = f"header|{delimiter}|" + "\x1f".join(sorted(normalized))
    return "v1:" + hashlib.sha256(basis.encode()).hexdigest()[:24]


__all__ = [
    "DATE_FORMATS",
    "DECIMAL_SEPARATORS",
    "DELIMITERS",
    "QUOTE_CHARS",
    "THOUSANDS_SEPARATORS",
    "Column",
    "ColumnMapping",
    "SignConvention",
    "date_format_label",
    "header_signature",
    "is_currency",
    "normalize_account",
    "normalize_date_format",
    "normalize_header",
]
