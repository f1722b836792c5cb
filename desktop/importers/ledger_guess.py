"""A first guess at an accounting export's layout, and recognizing a source's next file by its header.

The header row is the first with two or more known ledger words; columns are assigned by header
word (exact words first, then the longest known phrase inside a header); the date format and the
separators are read from the cells, as the bank import does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from desktop.domain.column_mapping import Column, ColumnMapping
from desktop.importers.ledger_mapping import LedgerMapping
from desktop.importers.ledger_words import best_field
from desktop.importers.tabular import TableInfo, describe, matching_profile
from desktop.importers.tabular_guess import HEADER_SEARCH_ROWS, find_header_row, guess_date_format, guess_separators
from desktop.importers.tabular_read import Table, read_table
from desktop.importers.tabular_values import cell_text, is_blank

__all__ = ["TableInfo", "guess_ledger_mapping", "ledger_table_info", "matching_ledger_profile"]

_AMOUNTS = ("total", "open_amount", "paid_amount")


def _header_row(table: Table) -> int | None:
    for n, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        taken: set[str] = set()
        for cell in row:
            score, name = best_field(cell_text(cell), taken) if isinstance(cell, str) else (0, None)
            if name is not None and score:
                taken.add(name)
        if len(taken) >= 2:
            return n
    return find_header_row(table)


def guess_ledger_mapping(file_name: str, data: bytes, name: str = "") -> LedgerMapping:
    """A pre-filled mapping for the dialog; raises ``UnreadableStatement`` only for a file that is no table at all."""
    table = read_table(file_name, data)
    header_row = _header_row(table)
    header = table.header(header_row) or ()
    columns: dict[str, Column] = {}
    scored = sorted(((best_field(text, set()), index, text) for index, text in enumerate(header)),
                    key=lambda item: -item[0][0])
    for (_score, _first), index, text in scored:
        score, found = best_field(text, set(columns))
        if found is not None and score:
            columns[found] = Column(text, index)
    rows = [row for _, row in table.data_rows(header_row)][:500]
    amount_cells = [row[c.index] for f in _AMOUNTS if (c := columns.get(f)) for row in rows if c.index < len(row)]
    decimal_mark, thousands = guess_separators(amount_cells, table.delimiter)
    date_cells = [row[c.index] for f in ("issue_date", "due_date") if (c := columns.get(f)) for row in rows if c.index < len(row)]
    if "invoice_id" not in columns and "number" in columns and any(f in columns for f in _AMOUNTS):
        columns["invoice_id"] = columns["number"]  # the invoice number is the source's id
    return LedgerMapping(
        name=name or PurePath(file_name).stem[:60], signature=table.signature(header_row), sheet=table.sheet,
        delimiter=table.delimiter, quote_char='"', header_row=header_row,
        date_format=guess_date_format([c for c in date_cells if not is_blank(c)]), decimal_separator=decimal_mark,
        thousands_separator=thousands, columns=columns,
    )


def matching_ledger_profile(file_name: str, data: bytes, profiles: Sequence[LedgerMapping]) -> LedgerMapping | None:
    """The first saved profile whose header signature this file has (at its header row, or a few rows off)."""
    return matching_profile(file_name, data, profiles)


def ledger_table_info(file_name: str, data: bytes, mapping: LedgerMapping) -> TableInfo:
    """The file as ``mapping`` splits it: sheets, columns, data rows, header signature (for the dialog)."""
    return describe(file_name, data, ColumnMapping(name=mapping.name, sheet=mapping.sheet, delimiter=mapping.delimiter,
                                                   quote_char=mapping.quote_char, header_row=mapping.header_row))
