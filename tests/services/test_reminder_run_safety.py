"""Between the preview and the send: a payment booked meanwhile (by hand, a bank import, or a pay link
paid online and found by the poll before sending) keeps its reminder from being recorded; a provider
problem during that poll is a warning, not a failure. And the run's spooled messages."""

from __future__ import annotations

import email
import email.policy
import gc
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.domain.dunning.model import PlanStatus
from desktop.domain.ids import CustomerId
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.dunning import CHANGED
from desktop.services.paydesk import Paydesk
from desktop.services.provider_settings import ProviderKind, ProviderSettings
from tests.fakes.payment_provider_server import STRIPE_KEY, running

TODAY = date(2026, 11, 21)


def rows(paydesk: Paydesk, table: str) -> int:
    with paydesk.db.reading() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def pay(paydesk: Paydesk, customer: CustomerId, invoice_id: int, amount: str) -> None:
    paydesk.payments.record(PaymentInput(customer, TODAY, Decimal(amount), "EUR", allocations=[
        Allocation(invoice_id, Decimal(amount))]))


@pytest.fixture
def fake():
    with running() as state:
        yield state


def use_stripe(paydesk: Paydesk, fake) -> None:
    paydesk.provider_settings.save(ProviderSettings(ProviderKind.STRIPE, stripe_base_url=fake.base_url))
    paydesk.provider_settings.put_api_key(ProviderKind.STRIPE, STRIPE_KEY)


def test_a_payment_booked_after_the_preview_keeps_its_reminder_from_being_recorded(
        paydesk: Paydesk, make_invoice, customer: CustomerId, russian_customer: CustomerId) -> None:
    paid_id = make_invoice("100.00")
    make_invoice("70.00", customer_id=russian_customer)
    run = paydesk.reminder_run
    prepared = run.prepare(TODAY)
    assert [m.plan.status for m in prepared.messages] == [PlanStatus.PLANNED, PlanStatus.PLANNED]

    pay(paydesk, customer, paid_id, "121.00")  # a bank import booked it while the preview was open
    report = run.send(prepared, deliver=False)

    by_customer = {m.plan.customer_id: m.plan for m in prepared.messages}
    assert by_customer[customer].status is PlanStatus.HELD_BACK and by_customer[customer].reason == CHANGED
    assert by_customer[russian_customer].status is PlanStatus.QUEUED
    assert report.recorded.skipped == [by_customer[customer]] and len(report.recorded.reminder_ids) == 1
    with paydesk.db.reading() as conn:
        reminded = conn.execute(text("SELECT invoice_id FROM reminder_invoices")).scalars().all()
    assert paid_id not in reminded and (rows(paydesk, "reminders"), rows(paydesk, "outbox")) == (1, 1)


def test_a_part_payment_after_the_preview_changes_the_amount_so_nothing_is_recorded(
        paydesk: Paydesk, make_invoice, customer: CustomerId) -> None:
    invoice_id = make_invoice("100.00")
    prepared = paydesk.reminder_run.prepare(TODAY)
    pay(paydesk, customer, invoice_id, "21.00")  # still open, but not the amount the email asks for

    paydesk.reminder_run.send(prepared, deliver=False)

    [message] = prepared.messages
    assert message.plan.status is PlanStatus.HELD_BACK and message.plan.reason == CHANGED
    assert rows(paydesk, "reminders") == 0 and rows(paydesk, "outbox") == 0
    again = paydesk.reminder_run.prepare(TODAY)  # a new preview asks for what is open now
    [fresh] = again.messages
    assert fresh.plan.amount == Decimal("100.00")
    paydesk.reminder_run.send(again, deliver=False)
    assert fresh.plan.status is PlanStatus.QUEUED and rows(paydesk, "reminders") == 1


def test_a_pause_after_the_preview_holds_the_reminder_back(paydesk: Paydesk, make_invoice, customer: CustomerId) -> None:
    from desktop.domain.dunning.model import PauseKind

    make_invoice("100.00")
    prepared = paydesk.reminder_run.prepare(TODAY)
    paydesk.pauses.add(customer, PauseKind.DISPUTE, "Says the goods never came")

    paydesk.reminder_run.send(prepared, deliver=False)

    assert prepared.messages[0].plan.status is PlanStatus.HELD_BACK and rows(paydesk, "reminders") == 0


def test_send_polls_the_pay_links_first_so_a_link_paid_online_gets_no_reminder(
        paydesk: Paydesk, make_invoice, customer: CustomerId, fake) -> None:
    use_stripe(paydesk, fake)
    invoice_id = make_invoice("100.00")
    prepared = paydesk.reminder_run.prepare(TODAY)
    [message] = prepared.messages
    assert message.pay_link_url and message.email is not None
    parsed = email.message_from_bytes(message.email.raw, policy=email.policy.default)
    assert message.pay_link_url in parsed.get_body(("plain",)).get_content()
    [provider_id] = fake.stripe_links
    fake.pay(provider_id)  # the customer pays online while the preview is open

    report = paydesk.reminder_run.send(prepared, deliver=False)

    assert report.warnings == [] and len(report.polled.paid) == 1
    assert message.plan.status is PlanStatus.HELD_BACK and message.plan.reason == CHANGED
    assert paydesk.invoices.summaries([invoice_id])[invoice_id].open_amount == 0
    assert (rows(paydesk, "reminders"), rows(paydesk, "outbox"), rows(paydesk, "payments")) == (0, 0, 1)


def test_a_provider_problem_while_polling_is_a_warning_and_the_run_is_still_sent(
        paydesk: Paydesk, make_invoice, fake) -> None:
    use_stripe(paydesk, fake)
    make_invoice("100.00")
    prepared = paydesk.reminder_run.prepare(TODAY)
    fake.fail_next(500, "Stripe is down")

    report = paydesk.reminder_run.send(prepared, deliver=False)

    [warning] = report.warnings
    assert "could not be checked" in warning and "Stripe is down" in warning
    assert prepared.messages[0].plan.status is PlanStatus.QUEUED and rows(paydesk, "reminders") == 1


def test_the_cli_style_run_polls_before_computing(paydesk: Paydesk, make_invoice, fake) -> None:
    use_stripe(paydesk, fake)
    make_invoice("100.00")
    first = paydesk.reminder_run.prepare(TODAY)  # makes the link
    [provider_id] = fake.stripe_links
    fake.pay(provider_id)
    del first

    prepared = paydesk.reminder_run.prepare(TODAY, poll_pay_links=True)

    assert prepared.pay_links_polled and prepared.messages == []  # booked before the run was computed
    assert rows(paydesk, "payments") == 1
    make_invoice("50.00")
    paydesk.reminder_run.prepare(TODAY)  # an open link to poll
    fake.fail_next(500, "Stripe is down")
    failing = paydesk.reminder_run.prepare(TODAY, poll_pay_links=True)
    assert any("could not be checked" in w for w in failing.warnings) and len(failing.messages) == 1


def test_messages_are_spooled_to_files_that_go_with_the_run(paydesk: Paydesk, make_invoice) -> None:
    make_invoice("100.00", "20.00")
    prepared = paydesk.reminder_run.prepare(TODAY)
    [message] = prepared.messages
    spooled = message.email
    assert spooled is not None and spooled.path.is_file() and spooled.size == spooled.path.stat().st_size
    parsed = email.message_from_bytes(spooled.raw)
    assert parsed["Message-ID"] == spooled.message_id and parsed["Subject"] == spooled.subject
    [pdf] = [p for p in parsed.walk() if p.get_filename()]
    assert [(a.filename, a.size) for a in spooled.attachments] == [(pdf.get_filename(), len(pdf.get_payload(decode=True)))]
    folder = spooled.path.parent
    del prepared, message, spooled
    gc.collect()
    assert not folder.exists()
