"""Reading one sheet of an XLSX statement with openpyxl, treating the workbook as hostile input.

openpyxl parses the workbook's XML with defusedxml when that is installed (it is a dependency of
Paydesk); ``read_sheet`` refuses to read at all if openpyxl says it is not using it. Before
openpyxl sees the file, the zip is checked like any archive, and no sheet may unpack to more
than ``MAX_SHEET_BYTES``; while reading, rows and cells are counted against limits.

Cells come back as ``str``, ``Decimal`` (numbers, never float), ``datetime``/``date``, ``bool``
or ``None``; trailing empty cells are dropped.
"""

from __future__ import annotations

import io
import math
import warnings
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.bank import UnreadableStatement
from desktop.importers.tabular_values import Cell
from desktop.importers.xml_safety import gc_paused
from desktop.importers.zip_guard import check_members, is_xlsx, open_zip, refuse

__all__ = ["MAX_CELLS", "MAX_ROWS", "MAX_SHEET_BYTES", "is_xlsx", "read_sheet"]

MAX_SHEET_BYTES = 100 * 1024 * 1024
"""The most a single part of the workbook (a sheet's XML, the shared strings) may unpack to."""
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 5_000_000


def defused() -> bool:
    """Whether openpyxl parses XML through defusedxml (no entity expansion, no external entities).

    openpyxl is imported here and in ``read_sheet``, not at module level: it takes a third of a
    second to import, and the window should not pay that at start-up for a file it may never open.
    """
    import openpyxl

    return bool(getattr(openpyxl, "DEFUSEDXML", False))


def read_sheet(file_name: str, data: bytes, sheet: str = "") -> tuple[tuple[tuple[Cell, ...], ...], str, tuple[str, ...]]:
    """``(rows, the sheet's name, every sheet's name)``: ``sheet`` if the workbook has it, else the first."""
    if not defused():
        raise UnreadableStatement("Paydesk can't read Excel files safely here: the defusedxml package is missing "
                                  "or switched off (OPENPYXL_DEFUSEDXML); save the statement as CSV instead",
                                  file_name=file_name)
    with open_zip(file_name, data) as container:
        check_members(file_name, [i for i in container.infolist() if not i.is_dir()], max_member=MAX_SHEET_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged or hostile workbook
        raise UnreadableStatement(f"this Excel workbook can't be read ({_short(error)})", file_name=file_name) from None
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        if not sheets:
            raise UnreadableStatement("this Excel workbook has no sheet with cells", file_name=file_name)
        chosen = next((ws for ws in sheets if ws.title == sheet), sheets[0])
        rows = _rows(file_name, chosen)
        return rows, chosen.title, tuple(ws.title for ws in sheets)
    finally:
        workbook.close()


def _rows(file_name: str, worksheet: Any) -> tuple[tuple[Cell, ...], ...]:
    worksheet.reset_dimensions()  # never trust the size the sheet declares
    rows: list[tuple[Cell, ...]] = []
    cells = 0
    where = f"sheet {worksheet.title!r}"
    try:
        with warnings.catch_warnings(), gc_paused():
            warnings.simplefilter("ignore")
            for values in worksheet.iter_rows(values_only=True):
                cells += len(values)
                if len(rows) >= MAX_ROWS or cells > MAX_CELLS:
                    raise refuse(file_name, f"{where} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells")
                row = [_cell(value) for value in values]
                while row and row[-1] is None:
                    row.pop()
                rows.append(tuple(row))
    except UnreadableStatement:
        raise
    except Exception as error:  # a hostile sheet (entities, broken XML) fails inside openpyxl
        raise UnreadableStatement(f"this Excel sheet can't be read ({_short(error)})", where, file_name) from None
    return tuple(rows)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | bool | Decimal | date):
        return value  # type: ignore[return-value]  # datetime is a date
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else str(value)
    return str(value)  # times, durations


def _short(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"

