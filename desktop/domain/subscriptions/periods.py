"""Billing periods: each term's periods counted from its anchor in whole months (a period that
starts on the 31st starts on the last day of shorter months and on the 31st again after them),
cut where a term or the subscription ends ("pieces"), and the day each piece is billed.

In advance a piece is billed ``lead_days`` before it starts (the renewal notice goes out with
that invoice); in arrears the day after its period ends. Pieces of one period that a quantity or
price change split are billed together in arrears (on the day after the whole period)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.subscriptions.model import Subscription, Term, Timing

ONE_DAY = timedelta(days=1)


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by whole months, the day clamped to the month's length (Jan 31 + 1 = Feb 28/29)."""
    year, month = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    day = anchor.day
    if day > 28:
        length = 29 if month == 1 and calendar.isleap(year) else _DAYS[month]
        day = min(day, length)
    return date(year, month + 1, day)


@dataclass(frozen=True, slots=True)
class Piece:
    """The part ``start``..``end`` of the full period ``full_start``..``full_end`` billed on ``bill_on``."""

    start: date
    end: date
    full_start: date
    full_end: date
    bill_on: date
    term: Term

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def full_days(self) -> int:
        return (self.full_end - self.full_start).days + 1

    @property
    def partial(self) -> bool:
        return self.days != self.full_days


def full_period(term: Term, day: date) -> tuple[date, date]:
    """The period of ``term`` (by its anchor and interval) that contains ``day``."""
    n = term.interval_months
    months = (day.year - term.anchor.year) * 12 + day.month - term.anchor.month
    k = max(0, months // n)
    while k > 0 and add_months(term.anchor, k * n) > day:
        k -= 1
    while add_months(term.anchor, (k + 1) * n) <= day:
        k += 1
    return add_months(term.anchor, k * n), add_months(term.anchor, (k + 1) * n) - ONE_DAY


def period_containing(sub: Subscription, day: date) -> tuple[date, date]:
    return full_period(sub.term_on(day), day)


def pieces(sub: Subscription, lead_days: int, after: date | None = None) -> Iterator[Piece]:
    """Every piece that starts after ``after`` (all when None), in order; endless without an end date."""
    terms = sub.terms
    for index, term in enumerate(terms):
        following = terms[index + 1] if index + 1 < len(terms) else None
        term_end = following.effective_from - ONE_DAY if following is not None else None
        low = max(term.effective_from, sub.start)
        ends = [d for d in (term_end, sub.end) if d is not None]
        high = min(ends) if ends else None
        if term.paused or (high is not None and (high < low or (after is not None and high <= after))):
            continue
        continues = (following is not None and following.anchor == term.anchor
                     and following.interval_months == term.interval_months)
        day = low if after is None or after < low else after + ONE_DAY
        full_start, full_end = full_period(term, day)
        while high is None or full_start <= high:
            start = max(full_start, low)
            end = full_end if high is None else min(full_end, high)
            if sub.timing is Timing.ADVANCE:
                bill_on = start - timedelta(days=lead_days)
            elif end == full_end or (end == term_end and continues and end != sub.end):
                bill_on = full_end + ONE_DAY
            else:
                bill_on = end + ONE_DAY
            if after is None or start > after:
                yield Piece(start, end, full_start, full_end, bill_on, term)
            full_start = full_end + ONE_DAY
            full_end = add_months(term.anchor, _index(term, full_start) + term.interval_months) - ONE_DAY


def _index(term: Term, period_start: date) -> int:
    """How many months after the anchor the period starting on ``period_start`` starts."""
    return (period_start.year - term.anchor.year) * 12 + period_start.month - term.anchor.month


def due_pieces(sub: Subscription, lead_days: int, after: date | None, until: date) -> list[Piece]:
    """The pieces after ``after`` whose billing day is ``until`` or earlier. Billing days only grow
    along a subscription, so the first later one ends the search."""
    return due_and_next(sub, lead_days, after, until)[0]


def due_and_next(sub: Subscription, lead_days: int, after: date | None, until: date) -> tuple[list[Piece], date | None]:
    """``due_pieces`` and the billing day of the piece after them (None: nothing left to bill)."""
    due: list[Piece] = []
    for piece in pieces(sub, lead_days, after):
        if piece.bill_on > until:
            return due, piece.bill_on
        due.append(piece)
    return due, None


def next_bill_on(sub: Subscription, lead_days: int, after: date | None) -> date | None:
    """The billing day of the first piece after ``after``; None when nothing is left to bill."""
    for piece in pieces(sub, lead_days, after):
        return piece.bill_on
    return None
