from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.errors import StateError
from desktop.domain.states import TRANSITIONS, Action, InvoiceStatus, allowed, is_overdue, require, status_after_settlement

S = InvoiceStatus


def test_every_action_is_declared_once() -> None:
    assert set(TRANSITIONS) == set(Action)


@pytest.mark.parametrize(("action", "status", "ok"), [
    (Action.FINALIZE, S.DRAFT, True), (Action.FINALIZE, S.OPEN, False),
    (Action.EDIT, S.DRAFT, True), (Action.EDIT, S.OPEN, False), (Action.EDIT, S.PAID, False),
    (Action.DELETE, S.OPEN, False),
    (Action.VOID, S.OPEN, True), (Action.VOID, S.PARTIALLY_PAID, False), (Action.VOID, S.PAID, False),
    (Action.WRITE_OFF, S.PARTIALLY_PAID, True), (Action.WRITE_OFF, S.VOID, False), (Action.WRITE_OFF, S.PAID, False),
    (Action.SETTLE, S.VOID, False), (Action.SETTLE, S.UNCOLLECTIBLE, False),
])
def test_transitions(action: Action, status: InvoiceStatus, ok: bool) -> None:
    assert allowed(action, status) is ok


def test_require_explains() -> None:
    with pytest.raises(StateError, match="Cannot void invoice 2026-00001: it is partially paid"):
        require(Action.VOID, S.PARTIALLY_PAID, "2026-00001")


def test_settlement_state() -> None:
    total = Decimal("100")
    assert status_after_settlement(total, Decimal(0)) is S.OPEN
    assert status_after_settlement(total, Decimal("0.01")) is S.PARTIALLY_PAID
    assert status_after_settlement(total, total) is S.PAID


def test_overdue_is_derived() -> None:
    assert is_overdue(S.OPEN, date(2026, 1, 1), date(2026, 1, 2))
    assert not is_overdue(S.OPEN, date(2026, 1, 2), date(2026, 1, 2))
    assert not is_overdue(S.PAID, date(2026, 1, 1), date(2026, 2, 1))
