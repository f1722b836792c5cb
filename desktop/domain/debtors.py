"""The debtor overview's vocabulary: aging buckets, one row per customer and currency, the filter and
sort the user asks for, a page of rows with totals per currency, and the next and last actions.

Pure Python: the store computes the rows in SQL; the bucket bounds used there come from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from desktop.domain.ids import CustomerId


class Bucket(StrEnum):
    """How long an open amount is past its due date on the day looked at (due that day: not yet due)."""

    NOT_DUE = "not_due"
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    DAYS_61_90 = "days_61_90"
    DAYS_OVER_90 = "days_over_90"


BUCKET_LABELS = {Bucket.NOT_DUE: "Not yet due", Bucket.DAYS_1_30: "1-30 days", Bucket.DAYS_31_60: "31-60 days",
                 Bucket.DAYS_61_90: "61-90 days", Bucket.DAYS_OVER_90: "Over 90 days"}


def bucket_of(due_date: date, as_of: date) -> Bucket:
    days = (as_of - due_date).days
    if days <= 0:
        return Bucket.NOT_DUE
    if days <= 30:
        return Bucket.DAYS_1_30
    if days <= 60:
        return Bucket.DAYS_31_60
    if days <= 90:
        return Bucket.DAYS_61_90
    return Bucket.DAYS_OVER_90


def bucket_bounds(as_of: date) -> dict[str, date]:
    """Due dates on or after ``d`` are not yet due; before ``d`` and on or after ``b30``: 1-30 days; and so on."""
    return {"d": as_of, "b30": as_of - timedelta(days=30), "b60": as_of - timedelta(days=60),
            "b90": as_of - timedelta(days=90), "y": as_of - timedelta(days=365), "next_day": as_of + timedelta(days=1)}


class NextAction(StrEnum):
    PROMISE = "promise"  # the day the customer promised to pay by
    FOLLOW_UP = "follow_up"  # a note's or call's follow-up day
    REMINDER = "reminder"  # the next reminder level falls due


class LastAction(StrEnum):
    REMINDER = "reminder"
    NOTE = "note"
    CALL = "call"
    PAYMENT = "payment"


class NoteKind(StrEnum):
    NOTE = "note"
    CALL = "call"


@dataclass(frozen=True, slots=True)
class DebtorRow:
    """Where one customer stands in one currency. Money in the row's currency; ``level`` 0: no reminder yet."""

    customer_id: CustomerId
    customer_number: str
    customer_name: str
    currency: str
    open_balance: Decimal
    overdue: Decimal
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    credit: Decimal  # payments not allocated and credit notes not applied
    level: int
    level_name: str
    on_hold: bool
    disputed: bool
    promised_on: date | None
    last_action: LastAction | None
    last_action_on: date | None
    next_action: NextAction | None
    next_action_on: date | None
    avg_days_late_12m: Decimal | None  # paid invoices of the last 12 months; paid on time counts 0
    credit_limit: Decimal | None  # only on the row in the limit's currency
    credit_used_pct: Decimal | None  # open balance / limit * 100, one decimal

    @property
    def over_limit(self) -> bool:
        return self.credit_limit is not None and self.open_balance > self.credit_limit


class DebtorColumn(StrEnum):
    """The columns the overview sorts by (each one of ``DebtorRow``)."""

    CUSTOMER_NUMBER = "customer_number"
    CUSTOMER_NAME = "customer_name"
    CURRENCY = "currency"
    OPEN_BALANCE = "open_balance"
    OVERDUE = "overdue"
    NOT_DUE = "not_due"
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    DAYS_61_90 = "days_61_90"
    DAYS_OVER_90 = "days_over_90"
    CREDIT = "credit"
    LEVEL = "level"
    ON_HOLD = "on_hold"
    DISPUTED = "disputed"
    PROMISED_ON = "promised_on"
    LAST_ACTION_ON = "last_action_on"
    NEXT_ACTION_ON = "next_action_on"
    AVG_DAYS_LATE = "avg_days_late_12m"
    CREDIT_LIMIT = "credit_limit"
    CREDIT_USED = "credit_used_pct"


@dataclass(frozen=True, slots=True)
class DebtorSort:
    column: DebtorColumn = DebtorColumn.OVERDUE
    descending: bool = True


@dataclass(frozen=True, slots=True)
class DebtorFilter:
    """All conditions must hold; defaults filter nothing."""

    text: str = ""  # part of the customer's number or name
    currency: str | None = None
    only_overdue: bool = False
    on_hold: bool = False
    disputed: bool = False
    over_limit: bool = False
    min_level: int | None = None  # reminder level reached at least
    action_due_by: date | None = None  # next action on or before this day


@dataclass(frozen=True, slots=True)
class DebtorTotals:
    """The sums of the filtered rows in one currency."""

    currency: str
    customers: int
    open_balance: Decimal
    overdue: Decimal
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    credit: Decimal


@dataclass(frozen=True, slots=True)
class DebtorPage:
    rows: list[DebtorRow]
    total_count: int  # rows matching the filter, all pages
    totals: list[DebtorTotals] = field(default_factory=list)  # per currency, in currency order
    as_of: date | None = None


def credit_used_pct(open_balance: Decimal, limit: Decimal | None) -> Decimal | None:
    if limit is None:
        return None
    if limit == 0:
        return Decimal(0) if open_balance <= 0 else Decimal("999.9")
    return (open_balance * 100 / limit).quantize(Decimal("0.1"))
