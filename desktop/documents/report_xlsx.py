"""A report table as an XLSX workbook (openpyxl): a title, the header, the rows and bold total rows.

Amounts stay numbers with a number format (``#,##0.00``), dates are dates, percentages numbers
formatted as percent. Every text cell is written as a string, never a formula; one a spreadsheet
could take for a formula (``= + - @``, tab, CR first) also gets Excel's quote prefix (the leading
apostrophe, not shown), so editing it in Excel does not turn it into one either.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from desktop.domain.report_table import Cell, Column, ColumnType, ReportTable, needs_escape

NUMBER_FORMATS = {
    ColumnType.MONEY: "#,##0.00",
    ColumnType.INTEGER: "0",
    ColumnType.DECIMAL: "0.0",
    ColumnType.PERCENT: "0.0%",
    ColumnType.DATE: "yyyy-mm-dd",
}
HEADER_FILL = PatternFill("solid", fgColor="E8EDF3")


def _put(cell: SheetCell, column: Column, value: Cell) -> None:
    if value is None:
        return
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if needs_escape(value):
            cell.quotePrefix = True
        return
    if isinstance(value, Decimal):
        cell.value = float(value) if column.type is ColumnType.PERCENT else value
    elif isinstance(value, date | int):
        cell.value = value
    number_format = NUMBER_FORMATS.get(column.type)
    if number_format:
        cell.number_format = number_format


def _text(cell: SheetCell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"
    if needs_escape(value):
        cell.quotePrefix = True


def write_xlsx(table: ReportTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title[:31] or "Report"
    _text(sheet.cell(1, 1), table.title)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    if table.subtitle:
        _text(sheet.cell(2, 1), table.subtitle)
    header_row = 4
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(header_row, index)
        _text(cell, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    row_number = header_row
    for row in table.rows:
        row_number += 1
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            _put(sheet.cell(row_number, index), column, value)
    for row in table.totals:
        row_number += 1
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row_number, index)
            _put(cell, column, value)
            cell.font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(column.label), *(len(str(r[index - 1] or "")) for r in table.rows[:500])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 48)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
