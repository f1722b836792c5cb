"""CSV and XLSX statements: read with a ``ColumnMapping`` into a ``ParsedFile``, or find the saved mapping that fits.

``parse_with_mapping`` reads the whole file or nothing: the first row that does not fit raises
``UnreadableStatement`` naming the row and the column ("row 14, column 'Bedrag': '12,3,4' is not
an amount"). Rows become statements per account and currency, in file order.
``guess_mapping`` (from ``tabular_guess``) pre-fills the mapping dialog; ``matching_profile``
recognizes a bank's next file by its header row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from desktop.domain.bank import BankTransaction, ParsedFile, Statement, StatementKind, UnreadableStatement
from desktop.domain.column_mapping import (
    ColumnMapping,
    SignConvention,
    is_currency,
    normalize_account,
    normalize_date_format,
)
from desktop.domain.errors import ValidationError
from desktop.domain.money import round_money
from desktop.importers.tabular_guess import guess_mapping
from desktop.importers.tabular_read import SavedLayout, Table, read_for
from desktop.importers.tabular_values import Cell, cell_text, is_blank, to_amount, to_date
from desktop.importers.tabular_words import CURRENCY_SYMBOLS
from desktop.importers.xml_safety import gc_paused

__all__ = ["TableInfo", "describe", "guess_mapping", "matching_profile", "parse_with_mapping"]

PROFILE_HEADER_SEARCH = 40
_TOLERANCE = Decimal("0.000001")  # XLSX numbers arrive as binary floats: 12.340000000000002
_RF = re.compile(r"^RF[0-9]{2}[0-9A-Z]{1,21}$")


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What the mapping dialog shows of a file besides the preview."""

    kind: str  # "csv" or "xlsx"
    encoding: str
    delimiter: str
    sheet: str
    sheets: tuple[str, ...]
    columns: tuple[str, ...]  # the header's names ("" where a header cell is empty), or "" per column without header
    row_count: int  # rows below the header, without blank rows
    signature: str


def describe(file_name: str, data: bytes, mapping: ColumnMapping) -> TableInfo:
    """The file as ``mapping`` splits it: sheets, columns by name, data rows, and the header's signature."""
    table = read_for(file_name, data, mapping)
    header = table.header(mapping.header_row)
    width = max(table.column_count(), len(header or ()))
    columns = tuple(header) + ("",) * (width - len(header)) if header is not None else ("",) * width
    return TableInfo(table.kind, table.encoding, table.delimiter, table.sheet, table.sheets, columns,
                     len(table.data_rows(mapping.header_row, mapping.skip_footer_rows)), table.signature(mapping.header_row))


Layout = TypeVar("Layout", bound=SavedLayout)


def matching_profile(file_name: str, data: bytes, profiles: Sequence[Layout]) -> Layout | None:
    """The first saved mapping whose header signature this file has (at its header row, or a few rows off)."""
    for profile in profiles:
        try:
            table = read_for(file_name, data, profile)
        except UnreadableStatement:
            continue
        if (table.kind == "xlsx") != (not profile.delimiter):
            continue
        if table.signature(profile.header_row) == profile.signature:
            return profile
        if profile.header_row is None:
            continue
        for row in range(min(len(table.rows), PROFILE_HEADER_SEARCH)):
            if row != profile.header_row and table.signature(row) == profile.signature:
                return replace(profile, header_row=row)
    return None


def parse_with_mapping(file_name: str, data: bytes, mapping: ColumnMapping, limit: int | None = None) -> ParsedFile:
    """Every row below the header as a transaction, or ``UnreadableStatement`` naming the first bad row and column.

    A mapping with problems raises ``ValidationError`` (by field) before the file is read.
    ``limit``: read only that many rows (a preview); the result is then not the whole file.
    """
    problems = mapping.problems()
    if problems:
        raise ValidationError(problems)
    table = read_for(file_name, data, mapping)
    reader = _RowReader(file_name, table, mapping)
    statements: dict[tuple[str, str], Statement] = {}
    with gc_paused():
        for number, row in table.data_rows(mapping.header_row, mapping.skip_footer_rows)[:limit]:
            account, transaction = reader.read(number, row)
            key = (account, transaction.currency)
            statement = statements.get(key)
            if statement is None:
                statement = statements[key] = Statement(account=account, currency=transaction.currency,
                                                        kind=StatementKind.STATEMENT)
            statement.transactions.append(transaction)
    warnings = [] if statements else ["the file holds no transactions below its header"]
    return ParsedFile(format=table.kind, statements=list(statements.values()), dialect=mapping.name,
                      encoding=table.encoding, warnings=warnings)


class _RowReader:
    """Turns one row into ``(account, BankTransaction)``; column positions and conversions are settled once."""

    def __init__(self, file_name: str, table: Table, mapping: ColumnMapping) -> None:
        self.file_name = file_name
        self.mapping = mapping
        self.delimiter = table.delimiter or ";"
        header = table.header(mapping.header_row)
        positions: dict[str, int] = {}
        for name, column in mapping.columns().items():
            position = column.resolve(header)
            if position is None:
                shown = ", ".join(repr(cell) for cell in (header or ()) if cell) or "no names"
                raise UnreadableStatement(f"there is no column {column.label!r} (the header has {shown}); "
                                          "the bank may have changed its export: set up the columns again",
                                          f"row {(mapping.header_row or 0) + 1}", file_name)
            positions[name] = position
        self.positions = positions
        self.width = max(positions.values(), default=-1) + 1
        self.labels = {name: column.label for name, column in mapping.columns().items()}
        self.text_positions = [positions[f"text[{n}]"] for n in range(len(mapping.text))]
        self.fixed_account = normalize_account(mapping.fixed_account) if mapping.fixed_account else ""
        self.debit_marker = mapping.debit_marker.strip().casefold()
        self.date_format = normalize_date_format(mapping.date_format)
        self.currencies: dict[str, str] = {}

    def _fail(self, number: int, row_length: int, field: str, error: ValueError) -> UnreadableStatement:
        message = str(error)
        if self.positions[field] >= row_length:
            message = f"the row has only {row_length} cells, so there is nothing in this column"
        return UnreadableStatement(message, f"row {number}, column {self.labels[field]!r}", self.file_name)

    def read(self, number: int, row: tuple[Cell, ...]) -> tuple[str, BankTransaction]:
        m, p, length = self.mapping, self.positions, len(row)
        if length < self.width:
            row = row + (None,) * (self.width - length)
        field = "date"
        try:
            booking = to_date(row[p["date"]], self.date_format)
            value_date = None
            if "value_date" in p and not is_blank(row[p["value_date"]]):
                field = "value_date"
                value_date = to_date(row[p["value_date"]], self.date_format)
            currency = m.fixed_currency
            if "currency" in p:
                field = "currency"
                currency = self._currency(row[p["currency"]])
            account = self.fixed_account
            if "account" in p:
                field = "account"
                account = self._account(row[p["account"]])
        except ValueError as error:
            raise self._fail(number, length, field, error) from None
        amount = self._amount(number, row, length, currency)
        text = [cell_text(row[i]) for i in self.text_positions]
        reference = ""
        if "reference" in p:
            written = cell_text(row[p["reference"]])
            reference = "".join(written.split()).upper()
            if reference and not _RF.match(reference):
                text.append(written)
                reference = ""
        remittance = " ".join(" ".join(t for t in text if t).split())
        transaction = BankTransaction(
            booking_date=booking, amount=amount, currency=currency, value_date=value_date,
            counterparty_name=" ".join(cell_text(row[p["counterparty_name"]]).split()) if "counterparty_name" in p else "",
            counterparty_iban="".join(cell_text(row[p["counterparty_iban"]]).split()).upper() if "counterparty_iban" in p else "",
            remittance=remittance, structured_reference=reference,
            bank_reference=cell_text(row[p["bank_reference"]]) if "bank_reference" in p else "",
            raw=_raw(row[:length], self.delimiter),
        )
        return account, transaction

    def _money(self, number: int, row: tuple[Cell, ...], length: int, field: str, currency: str) -> Decimal:
        m = self.mapping
        cell = row[self.positions[field]]
        try:
            value = to_amount(cell, m.decimal_separator, m.thousands_separator)
        except ValueError as error:
            raise self._fail(number, length, field, error) from None
        rounded = round_money(value, currency)
        if rounded != value and abs(rounded - value) > _TOLERANCE:
            raise UnreadableStatement(f"{cell_text(cell)!r} has more decimals than {currency} has "
                                      "(is the decimal separator right?)", f"row {number}, column {self.labels[field]!r}",
                                      self.file_name)
        return rounded

    def _amount(self, number: int, row: tuple[Cell, ...], length: int, currency: str) -> Decimal:
        m = self.mapping
        if m.split_amount:
            debit_blank, credit_blank = is_blank(row[self.positions["debit"]]), is_blank(row[self.positions["credit"]])
            if debit_blank and credit_blank:
                raise UnreadableStatement("both the debit and the credit cell are empty",
                                          f"row {number}, columns {self.labels['debit']!r} and {self.labels['credit']!r}",
                                          self.file_name)
            out = Decimal(0) if debit_blank else self._money(number, row, length, "debit", currency)
            came_in = Decimal(0) if credit_blank else self._money(number, row, length, "credit", currency)
            return came_in - out if out > 0 else came_in + out
        amount = self._money(number, row, length, "amount", currency)
        if m.sign is SignConvention.INVERTED:
            return -amount
        if m.sign is SignConvention.INDICATOR:
            mark = cell_text(row[self.positions["indicator"]]).casefold()
            if not mark:
                raise self._fail(number, length, "indicator", ValueError("empty; expected the mark that says debit or credit"))
            return -abs(amount) if mark == self.debit_marker else abs(amount)
        return amount

    def _currency(self, cell: Cell) -> str:
        text = cell_text(cell)
        known = self.currencies.get(text)
        if known is not None:
            return known
        if not text:
            if self.mapping.fixed_currency:
                return self.mapping.fixed_currency
            raise ValueError("empty; expected a currency code such as EUR")
        code = CURRENCY_SYMBOLS.get(text, CURRENCY_SYMBOLS.get(text.upper(), text.upper()))
        if not is_currency(code):
            raise ValueError(f"{text!r} is not a currency code such as EUR")
        self.currencies[text] = code
        return code

    def _account(self, cell: Cell) -> str:
        text = "".join(cell_text(cell).split()).upper()
        if not text:
            if self.fixed_account:
                return self.fixed_account
            raise ValueError("empty; expected the account's IBAN or number")
        return text


def _raw(row: tuple[Cell, ...], delimiter: str) -> str:
    """The row as a CSV line, the way the bank wrote it (as near as the cells allow)."""
    if all(type(cell) is str for cell in row):
        joined = delimiter.join(row)  # type: ignore[arg-type]
        if joined.count(delimiter) == len(row) - 1 and '"' not in joined and "\n" not in joined and "\r" not in joined:
            return joined
    cells = []
    for cell in row:
        text = cell if isinstance(cell, str) else cell_text(cell)
        if delimiter in text or '"' in text or "\n" in text or "\r" in text:
            text = '"' + text.replace('"', '""') + '"'
        cells.append(text)
    return delimiter.join(cells)
