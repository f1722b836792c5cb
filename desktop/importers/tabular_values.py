"""Cells of a CSV or XLSX statement as amounts, dates and text, with messages that say what is wrong.

A CSV cell is always text; an XLSX cell may already be a number (``Decimal``) or a date. Text
amounts follow the mapping's separators strictly, so a wrong guess (``1.234`` read with a
decimal point) fails loudly instead of turning 1,234.00 into 1.23.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from desktop.domain.column_mapping import date_format_label

Cell = str | Decimal | date | bool | None
"""A table cell: text (CSV and XLSX text), a number or a date (XLSX), a boolean, or empty."""

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "’": "'", "−": "-"})
_AFFIX = re.compile(
    r"^(?:[A-Za-z]{3}(?![A-Za-z])|[€$£¥₽]|kr\.?|руб\.?)\s*|\s*(?:(?<![A-Za-z])[A-Za-z]{3}|[€$£¥₽]|kr\.?|:-|руб\.?|р\.)$"
)
_LEADING_SIGN = re.compile(r"^([-+])\s*")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = (20_000, 80_000)  # 1954 to 2119: a number in a date column in this range is an Excel date


@lru_cache(maxsize=64)
def _amount_pattern(decimal_mark: str, thousands: str) -> re.Pattern[str]:
    whole = r"\d+"
    if thousands:
        group = re.escape(thousands)
        whole = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)"
    fraction = rf"(?:{re.escape(decimal_mark)}(?P<fraction>\d+))?"
    return re.compile(rf"^(?P<sign>[-+]?)\s*(?P<whole>{whole}){fraction}\s*(?P<trail>[-+]?)$")


def parse_amount_text(text: str, decimal_mark: str, thousands: str) -> Decimal:
    """``"-1.234,56"`` with ``","`` and ``"."`` -> ``Decimal("-1234.56")``. Also ``(12.00)``, ``12.00-``, ``€ 12``.

    Raises ``ValueError`` with a message such as ``'12,3,4' is not an amount``.
    """
    amount = _read_amount(text, decimal_mark, thousands)
    if amount is None:
        raise ValueError(_not_an_amount(text, decimal_mark))
    return amount


def _read_amount(text: str, decimal_mark: str, thousands: str) -> Decimal | None:
    value = text.translate(_SPACES).strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    lead = ""
    pattern = _amount_pattern(decimal_mark, thousands)
    found = pattern.match(value)
    if found is None:
        sign = _LEADING_SIGN.match(value)
        if sign is not None:
            lead, value = sign.group(1), value[sign.end():]
        for _ in range(2):
            value = _AFFIX.sub("", value).strip()
        found = pattern.match(value)
    if found is None or len([s for s in (lead, found["sign"], found["trail"]) if s]) > 1:
        return None
    digits = found["whole"].replace(thousands, "") if thousands else found["whole"]
    if found["fraction"]:
        digits = f"{digits}.{found['fraction']}"
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        return None
    return -amount if negative or "-" in (lead, found["sign"], found["trail"]) else amount


def _not_an_amount(text: str, decimal_mark: str) -> str:
    if not text.strip():
        return "empty; expected an amount"
    other = "." if decimal_mark == "," else ","
    if any(_read_amount(text, other, group) is not None for group in ("", decimal_mark, " ", "'")):
        return f"{text.strip()!r} is not an amount with {decimal_mark!r} as the decimal separator (is it {other!r}?)"
    return f"{text.strip()!r} is not an amount"


def to_amount(cell: Cell, decimal_mark: str, thousands: str) -> Decimal:
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, bool | date):
        raise ValueError(f"{cell_text(cell)!r} is not an amount")
    return parse_amount_text(cell or "", decimal_mark, thousands)


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@lru_cache(maxsize=8192)
def _parse_date_text(text: str, fmt: str) -> date:
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        head = text.split(" ", 1)[0].split("T", 1)[0]
        if head != text:
            return datetime.strptime(head, fmt).date()
        raise


def to_date(cell: Cell, fmt: str) -> date:
    """A date cell, or text in ``fmt``; ``ValueError`` with a message naming the expected format."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, Decimal) and _EXCEL_SERIALS[0] <= cell <= _EXCEL_SERIALS[1] and cell == cell.to_integral_value():
        return _EXCEL_EPOCH + timedelta(days=int(cell))
    text = cell_text(cell)
    if not text:
        raise ValueError(f"empty; expected a date ({date_format_label(fmt)})")
    try:
        return _parse_date_text(text, fmt)
    except ValueError:
        raise ValueError(f"{text!r} is not a date in the format {date_format_label(fmt)}") from None


def cell_text(cell: Cell) -> str:
    """The cell as text: numbers without a trailing ``.0``, dates in ISO form."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if cell == cell.to_integral_value():
        return str(cell.quantize(Decimal(1)))
    return str(cell)
