"""Check pay links: polls the provider in the background and reports what was booked."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from desktop.domain.states import InvoiceStatus
from desktop.ui.pay_link_check import check_pay_links, check_pay_links_action
from desktop.ui.tasks import TaskRunner
from tests.fakes.payment_provider_server import running
from tests.services.test_pay_links import configure, plan_for
from tests.ui.message_recorder import record_messages


@pytest.fixture
def host(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def tasks(host):
    reports: list[BaseException] = []
    runner = TaskRunner(host, reports.append)
    yield runner
    runner.wait()
    assert reports == []


def test_a_paid_link_is_booked_and_reported(qtbot, paydesk, make_invoice, host, tasks, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    booked: list[bool] = []
    with running() as fake:
        configure(paydesk, paydesk.secrets, fake)
        invoice_id = make_invoice("100.00")
        link = paydesk.pay_links.link_for(plan_for(paydesk, invoice_id))
        paydesk.pay_links.link_for(plan_for(paydesk, make_invoice("30.00")))
        fake.pay(link.provider_id)

        action = check_pay_links_action(lambda: paydesk, tasks, host, lambda: booked.append(True))
        action.trigger()
        qtbot.waitUntil(lambda: bool(shown.infos), timeout=10_000)

    [text] = shown.infos
    number = paydesk.invoices.summaries([invoice_id])[invoice_id].number
    assert text.startswith("2 open pay links checked.") and "1 paid; the payments were booked:" in text
    assert f"121.00 EUR ({number})" in text and "García y Asociados S.L." in text
    assert booked == [True] and shown.errors == []
    assert paydesk.invoices.summaries([invoice_id])[invoice_id].status is InvoiceStatus.PAID


def test_nothing_paid_and_provider_problems_are_reported(qtbot, paydesk, make_invoice, host, tasks, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    booked: list[bool] = []
    with running() as fake:
        configure(paydesk, paydesk.secrets, fake)
        paydesk.pay_links.link_for(plan_for(paydesk, make_invoice("100.00")))
        fake.fail_next(500, "Stripe is down")
        check_pay_links(paydesk, tasks, host, lambda: booked.append(True))
        qtbot.waitUntil(lambda: bool(shown.infos), timeout=10_000)

    [text] = shown.infos
    assert "No new payments." in text and "Stripe is down" in text and booked == []
