"""Invoice number patterns such as ``{year}-{seq:05}``; numbers are gapless per series and period."""

from __future__ import annotations

import string
from datetime import date

ALLOWED_FIELDS = frozenset({"year", "yy", "month", "seq"})
DEFAULT_INVOICE_PATTERN = "{year}-{seq:05}"
DEFAULT_CREDIT_NOTE_PATTERN = "CN{year}-{seq:05}"


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a pattern, or ``None`` if it can be used."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as error:
        return f"not a valid pattern ({error})"
    unknown = sorted(set(fields) - ALLOWED_FIELDS)
    if unknown:
        return f"unknown field {{{unknown[0]}}}; use {{year}}, {{yy}}, {{month}} and {{seq}}"
    if "seq" not in fields:
        return "the pattern needs {seq}, the running number"
    try:
        sample = format_number(pattern, date(2026, 1, 1), 1)
    except (ValueError, TypeError) as error:
        return f"not a valid pattern ({error})"
    if len(sample) > 30:
        return "numbers from this pattern would be longer than 30 characters"
    return None


def period_key(pattern: str, issue_date: date) -> str:
    """Counters restart when the period in the pattern changes: per month, per year, or never."""
    if "{month" in pattern:
        return f"{issue_date.year:04d}-{issue_date.month:02d}"
    if "{year" in pattern or "{yy" in pattern:
        return f"{issue_date.year:04d}"
    return ""


def period_bounds(pattern: str, issue_date: date) -> tuple[date | None, date | None]:
    """First and last day of the counter's period (``None`` where the counter never restarts)."""
    key = period_key(pattern, issue_date)
    if len(key) == 7:
        first = issue_date.replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    if len(key) == 4:
        return date(issue_date.year, 1, 1), date(issue_date.year, 12, 31)
    return None, None


def format_number(pattern: str, issue_date: date, seq: int) -> str:
    return pattern.format(
        year=issue_date.year,
        yy=f"{issue_date.year % 100:02d}",
        month=f"{issue_date.month:02d}",
        seq=seq,
    )
