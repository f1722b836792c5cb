"""The table every report is exported as: a title, typed columns, rows and total rows.

Pure data, no database and no formatting: the CSV, XLSX and PDF writers (``report_csv``,
``report_xlsx``, ``report_pdf``) each present it their own way. Money cells hold ``Decimal``,
dates ``date``, counts ``int``; an empty cell is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

Cell = str | int | Decimal | date | None


class ColumnType(StrEnum):
    TEXT = "text"
    MONEY = "money"  # Decimal, two places in the export (the currency is a column of its own)
    INTEGER = "integer"
    DECIMAL = "decimal"  # Decimal with one place (days of DSO, median days)
    PERCENT = "percent"  # Decimal fraction: 0.25 is 25 %
    DATE = "date"


NUMERIC = frozenset({ColumnType.MONEY, ColumnType.INTEGER, ColumnType.DECIMAL, ColumnType.PERCENT})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # stable name, used as the JSON key
    label: str  # what the header shows
    type: ColumnType = ColumnType.TEXT

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC


@dataclass(frozen=True, slots=True)
class ReportTable:
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]
    totals: list[tuple[Cell, ...]] = field(default_factory=list)  # e.g. one row per currency
    subtitle: str = ""  # "As of 21 Nov 2026", the notes on what is counted

    def records(self, with_totals: bool = False) -> list[dict[str, object]]:
        """The rows as JSON-ready dicts: money and decimals as text, dates as ISO text."""
        rows = self.rows + (self.totals if with_totals else [])
        return [{c.key: json_value(v) for c, v in zip(self.columns, row, strict=True)} for row in rows]


def json_value(value: Cell) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def needs_escape(text: str) -> bool:
    """A text a spreadsheet could take for a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first)."""
    return text.startswith(FORMULA_STARTS)


def escaped(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could take it for a formula."""
    return "'" + text if needs_escape(text) else text
