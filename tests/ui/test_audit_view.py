"""The audit log view: newest first, filter by entity, old and new values of the selected entry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QWidget

from desktop.domain.ids import CustomerId
from desktop.domain.payment import PaymentInput
from desktop.services.paydesk import Paydesk
from desktop.ui.audit_view import AuditView, value_text
from desktop.ui.tasks import TaskRunner
from tests.conftest import TODAY


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner, lambda error: pytest.fail(str(error)))
    yield runner
    runner.wait()


def make_view(qtbot, paydesk: Paydesk, tasks: TaskRunner) -> AuditView:
    view = AuditView(paydesk, tasks)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    return view


def column(view: AuditView, col: int) -> list[str]:
    return [view.model.index(row, col).data() for row in range(view.model.rowCount())]


def test_empty_log_shows_a_hint(qtbot, empty_paydesk: Paydesk, tasks: TaskRunner) -> None:
    view = make_view(qtbot, empty_paydesk, tasks)
    assert view.stack.currentWidget() is view.hint
    assert "Nothing recorded yet" in view.hint.text()
    assert "Select an entry" in view.detail.toPlainText()


def test_entries_filter_and_details(qtbot, paydesk: Paydesk, customer: CustomerId, make_invoice, tasks: TaskRunner,
                                    qtmodeltester) -> None:
    changed = replace(paydesk.customers.get(customer), city="Barcelona", emails=["pagos@garcia.example"])
    paydesk.customers.save(changed)
    invoice = make_invoice("100.00")
    paydesk.payments.record(PaymentInput(customer, TODAY, Decimal("50.00"), "EUR"))
    view = make_view(qtbot, paydesk, tasks)
    qtmodeltester.check(view.model)

    actions = column(view, 1)
    assert actions[0] == "Payment recorded"  # newest first
    assert {"Customer created", "Customer changed", "Invoice finalized", "Company created"} <= set(actions)
    assert f"Invoice {paydesk.invoices.get(invoice).number}" in column(view, 2)
    assert "Customer 1001 García y Asociados S.L." in column(view, 2)

    view.set_entity("customer")
    assert column(view, 1) == ["Customer changed", "Customer created"]
    view.table.selectRow(0)
    detail = view.detail.toPlainText()
    assert "Customer 1001 García y Asociados S.L. changed" in detail
    assert "Madrid" in detail and "Barcelona" in detail
    assert "cuentas@garcia.example" in detail and "pagos@garcia.example" in detail

    view.set_entity("company")
    assert column(view, 2) == ["Company"]
    view.set_entity("payment")
    view.table.selectRow(0)
    assert "Payment of 50.00 EUR received" in view.detail.toPlainText()
    view.set_entity(None)
    assert view.model.rowCount() == len(actions)
    qtmodeltester.check(view.model)


def test_refresh_shows_new_entries(qtbot, paydesk: Paydesk, customer: CustomerId, tasks: TaskRunner) -> None:
    view = make_view(qtbot, paydesk, tasks)
    before = view.model.rowCount()
    paydesk.customers.delete(customer)
    view.refresh()
    assert view.model.rowCount() == before + 1
    assert view.model.index(0, 2).data() == f"Customer #{customer}"  # deleted: no name to show any more


def test_value_text() -> None:
    assert value_text(None) == "—" and value_text([]) == "—" and value_text(["a", "b"]) == "a, b" and value_text(30) == "30"
