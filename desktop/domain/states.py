"""Invoice states and the one declared table of transitions between them.

``overdue`` is not a state: it is derived from the due date and the open amount.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.domain.errors import StateError


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class Action(StrEnum):
    FINALIZE = "finalize"
    SETTLE = "settle"  # an allocation was added or removed
    VOID = "void"
    WRITE_OFF = "write_off"
    DELETE = "delete"
    EDIT = "edit"


S = InvoiceStatus
TRANSITIONS: dict[Action, frozenset[InvoiceStatus]] = {
    Action.EDIT: frozenset({S.DRAFT}),
    Action.DELETE: frozenset({S.DRAFT}),
    Action.FINALIZE: frozenset({S.DRAFT}),
    Action.SETTLE: frozenset({S.OPEN, S.PARTIALLY_PAID, S.PAID}),
    Action.VOID: frozenset({S.OPEN}),
    Action.WRITE_OFF: frozenset({S.OPEN, S.PARTIALLY_PAID}),
}
"""For each action, the states it may start from."""

FINAL_STATES = frozenset({S.VOID, S.UNCOLLECTIBLE})
ISSUED_STATES = frozenset(set(S) - {S.DRAFT})
COLLECTIBLE_STATES = frozenset({S.OPEN, S.PARTIALLY_PAID})


def allowed(action: Action, status: InvoiceStatus) -> bool:
    return status in TRANSITIONS[action]


def require(action: Action, status: InvoiceStatus, number: str | None = None) -> None:
    if not allowed(action, status):
        what = f"invoice {number}" if number else "this invoice"
        raise StateError(f"Cannot {action.value.replace('_', ' ')} {what}: it is {status.value.replace('_', ' ')}.")


def status_after_settlement(total: Decimal, settled: Decimal) -> InvoiceStatus:
    """The state of an issued invoice (open/partially paid/paid) given what has been settled."""
    if total > 0 and settled >= total:
        return S.PAID
    if total <= 0:
        return S.PAID
    if settled > 0:
        return S.PARTIALLY_PAID
    return S.OPEN


def is_overdue(status: InvoiceStatus, due_date: date | None, today: date) -> bool:
    return status in COLLECTIBLE_STATES and due_date is not None and due_date < today
