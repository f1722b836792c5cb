"""Which level an invoice is due for on a run date.

The rules, in order:
- Levels are sent in their order, one level per invoice per run; a level is never sent twice.
- A level before the due date (negative day offset, e.g. the friendly notice) is only sent before
  the due date: once the invoice is due it is skipped, never sent late.
- A level is due when its own day has come (``run_date >= due_date + day_offset``) AND enough days
  have passed since the previous level was sent: the difference of their day offsets (an offset
  before the due date counts as 0), at least one day. So a first run on old overdue invoices sends
  the first reminder, and the next levels follow with the procedure's spacing rather than all at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.domain.dunning.inputs import OpenInvoice
from desktop.domain.dunning.model import Level


def next_level(levels: list[Level], invoice: OpenInvoice, run_date: date) -> Level | None:
    """The level to send for ``invoice`` on ``run_date``, or None. ``levels`` sorted by position."""
    previous = next((lv for lv in levels if lv.position == invoice.last_position), None)
    for level in levels:
        if level.position <= invoice.last_position:
            continue
        if level.day_offset < 0 and run_date >= invoice.due_date:
            continue  # a notice before the due date, too late now: skip it
        if run_date < invoice.due_date + timedelta(days=level.day_offset):
            return None
        if invoice.last_sent_on is not None:
            gap = max(1, level.day_offset - max(previous.day_offset if previous else 0, 0))
            if run_date < invoice.last_sent_on + timedelta(days=gap):
                return None
        return level
    return None


def final_level(levels: list[Level]) -> Level | None:
    """The procedure's final notice (the one marked final, else the last level)."""
    marked = [lv for lv in levels if lv.final]
    if marked:
        return marked[-1]
    return levels[-1] if levels else None
