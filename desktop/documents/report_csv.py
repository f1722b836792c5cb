"""A report table as CSV: UTF-8 with a byte-order mark (so Excel reads the accents), comma separated,
amounts as plain numbers with a point (``1234.50``), dates ISO. Text cells a spreadsheet could take
for a formula get a leading apostrophe; numbers are never touched (``-12.50`` stays a number)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from desktop.domain.report_table import Cell, Column, ColumnType, ReportTable, escaped


def _cell(column: Column, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        places = Decimal("0.01") if column.type is ColumnType.MONEY else None
        return str(value.quantize(places) if places is not None else value)
    if isinstance(value, int):
        return str(value)
    return escaped(str(value))


def write_csv(table: ReportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escaped(c.label) for c in table.columns])
    for row in [*table.rows, *table.totals]:
        writer.writerow([_cell(c, v) for c, v in zip(table.columns, row, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")
