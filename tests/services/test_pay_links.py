"""Pay links through the service, against the local fake Stripe/Mollie server on 127.0.0.1: the key
stored before the call, reuse, refusals, retries after a 500 / timeout / restart, polling that books a
paid link once, and the provider's later payout in the bank statement not counted again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.domain.bank import BankTransaction, IgnoreCategory, TransactionState
from desktop.domain.dunning.model import DueInvoice, Level, ReminderPlan
from desktop.domain.listing import TransactionFilter
from desktop.domain.states import InvoiceStatus
from desktop.gateways.http_client import ProviderError, ProviderUnavailable
from desktop.services.pay_links import PayLinkService
from desktop.services.paydesk import Paydesk
from desktop.services.provider_settings import NotConfigured, ProviderKind, ProviderSettings, ProviderSettingsService
from desktop.services.secrets import SecretStore
from desktop.store.paylink_schema import pay_links
from tests.fakes.payment_provider_server import MOLLIE_KEY, STRIPE_KEY, running
from tests.fixtures.bank.camt_writer import write_camt053

LEVEL = Level(2, "First reminder", 2, "reminder_1")


@pytest.fixture
def fake():
    with running() as state:
        yield state


@pytest.fixture
def secrets() -> SecretStore:
    return SecretStore()


def configure(paydesk: Paydesk, secrets: SecretStore, fake, provider: ProviderKind = ProviderKind.STRIPE,
              **extra) -> ProviderSettingsService:
    service = ProviderSettingsService(paydesk.db, secrets)
    service.save(ProviderSettings(provider, stripe_base_url=fake.base_url, mollie_base_url=fake.base_url, **extra))
    if provider is ProviderKind.STRIPE:
        service.put_api_key(provider, STRIPE_KEY)
    elif provider is ProviderKind.MOLLIE:
        service.put_api_key(provider, MOLLIE_KEY)
    return service


def links_service(paydesk: Paydesk, settings: ProviderSettingsService) -> PayLinkService:
    return PayLinkService(paydesk.db, settings, paydesk.today, timeout=(1.0, 0.5))


def plan_for(paydesk: Paydesk, *invoice_ids: int, fee: str = "0", country: str = "ES") -> ReminderPlan:
    found = paydesk.invoices.summaries(list(invoice_ids))
    first = found[invoice_ids[0]]
    due = [DueInvoice(s.id, s.number or "", s.issue_date, s.due_date, s.total, s.open_amount,
                      (date(2026, 11, 21) - s.due_date).days) for s in (found[i] for i in invoice_ids)]
    return ReminderPlan(first.customer_id, first.customer_number, first.customer_name, "es", country,
                        ["cuentas@garcia.example"], first.currency, LEVEL, 1, due, fee=Decimal(fee))


def state_of(paydesk: Paydesk, link_id: int) -> str:
    with paydesk.db.reading() as conn:
        return conn.execute(select(pay_links.c.state).where(pay_links.c.id == link_id)).scalar_one()


def test_no_provider_means_no_link(paydesk, secrets, make_invoice) -> None:
    service = PayLinkService(paydesk.db, ProviderSettingsService(paydesk.db, secrets), paydesk.today)
    assert not service.enabled()
    assert service.link_for(plan_for(paydesk, make_invoice("100.00"))) is None


def test_url_template_fills_the_placeholders(paydesk, secrets, make_invoice) -> None:
    settings = ProviderSettingsService(paydesk.db, secrets)
    settings.save(ProviderSettings(ProviderKind.URL_TEMPLATE,
                                   url_template="https://pay.example.com/?n={number}&a={amount}&c={currency}&r={reference}"))
    invoice = paydesk.invoices.summaries([make_invoice("100.00")])
    [summary] = invoice.values()

    link = PayLinkService(paydesk.db, settings, paydesk.today).link_for(plan_for(paydesk, summary.id, fee="5.00"))

    assert link is not None and link.provider == "url_template" and link.id is None
    assert link.url == f"https://pay.example.com/?n={summary.number}&a=126.00&c=EUR&r={summary.reference}"


def test_stripe_link_is_created_once_and_reused_for_the_same_invoices_and_amount(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    plan = plan_for(paydesk, make_invoice("100.00"), make_invoice("50.00"))

    first = service.link_for(plan)
    again = service.link_for(plan)

    assert first is not None and first == again and first.provider == "stripe"
    assert first.url in {link["url"] for link in fake.stripe_links.values()} and fake.created("stripe") == 1
    assert state_of(paydesk, first.id) == "open"
    [info] = service.links(plan.customer_id)
    assert info.amount == Decimal("181.50") and info.invoice_numbers == tuple(sorted(plan.invoice_numbers))

    with_fee = service.link_for(plan_for(paydesk, *[i.invoice_id for i in plan.invoices], fee="10.00"))
    assert with_fee is not None and with_fee.id != first.id and fake.created("stripe") == 2


def test_the_key_is_stored_before_the_call_and_sent_as_idempotency_key(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    link = service.link_for(plan_for(paydesk, make_invoice("100.00")))

    with paydesk.db.reading() as conn:
        key = conn.execute(select(pay_links.c.idempotency_key).where(pay_links.c.id == link.id)).scalar_one()
    [post] = [s for s in fake.seen if s.method == "POST"]
    assert post.headers["idempotency-key"] == key and len(key) == 36


def test_methods_follow_the_customer_country(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake,
                                               methods={"NL": ["ideal", "card"], "*": ["card"]}))
    nl = service.link_for(plan_for(paydesk, make_invoice("100.00"), country="NL"))
    es = service.link_for(plan_for(paydesk, make_invoice("70.00"), country="ES"))

    assert fake.stripe_links[nl.provider_id]["payment_method_types"] == ["ideal", "card"]
    assert fake.stripe_links[es.provider_id]["payment_method_types"] == ["card"]


def test_a_refusal_shows_the_providers_message_and_the_next_try_starts_afresh(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    plan = plan_for(paydesk, make_invoice("100.00"))
    fake.fail_next(400, "This account cannot accept payments in EUR.")

    with pytest.raises(ProviderError, match="cannot accept payments in EUR"):
        service.link_for(plan)
    [failed] = service.links(plan.customer_id)
    assert failed.state == "failed" and "cannot accept payments" in failed.last_error

    link = service.link_for(plan)
    keys = [s.headers["idempotency-key"] for s in fake.seen if s.method == "POST"]
    assert link is not None and keys[0] != keys[1] and fake.created("stripe") == 1


def test_after_a_500_the_retry_reuses_the_key(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    plan = plan_for(paydesk, make_invoice("100.00"))
    fake.fail_next(500, "An unknown error occurred")

    with pytest.raises(ProviderUnavailable) as caught:
        service.link_for(plan)
    assert caught.value.retriable
    [pending] = service.links(plan.customer_id)
    assert pending.state == "creating" and "HTTP 500" in pending.last_error

    link = service.link_for(plan)
    keys = {s.headers["idempotency-key"] for s in fake.seen if s.method == "POST"}
    assert link is not None and link.id == pending.id and len(keys) == 1 and fake.created("stripe") == 1


def test_after_a_timeout_and_a_restart_the_same_link_comes_back(db_path, paydesk, secrets, fake, make_invoice) -> None:
    settings = configure(paydesk, secrets, fake)
    plan = plan_for(paydesk, make_invoice("100.00"))
    fake.slow_next(1.5)
    with pytest.raises(ProviderUnavailable, match="no answer"):
        links_service(paydesk, settings).link_for(plan)
    assert fake.created("stripe") == 1  # made at the provider; Paydesk never heard the answer
    paydesk.close()

    reopened = Paydesk.open(db_path, today=lambda: date(2026, 11, 21))
    try:
        link = links_service(reopened, ProviderSettingsService(reopened.db, secrets)).link_for(plan)
    finally:
        reopened.close()

    assert link is not None and link.provider_id in fake.stripe_links and fake.created("stripe") == 1


def test_missing_api_key_is_explained(paydesk, secrets, fake, make_invoice) -> None:
    settings = ProviderSettingsService(paydesk.db, secrets)
    settings.save(ProviderSettings(ProviderKind.MOLLIE, mollie_base_url=fake.base_url))
    with pytest.raises(NotConfigured, match="no API key"):
        links_service(paydesk, settings).link_for(plan_for(paydesk, make_invoice("100.00")))


def test_poll_books_a_paid_link_once(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    invoice_id = make_invoice("100.00")
    unpaid_id = make_invoice("30.00")
    link = service.link_for(plan_for(paydesk, invoice_id))
    other = service.link_for(plan_for(paydesk, unpaid_id))
    assert service.poll().paid == []
    assert [i.id for i in service.open_links_for_invoice(invoice_id)] == [link.id]

    fake.pay(link.provider_id)
    report = service.poll()
    again = service.poll()

    assert len(report.paid) == 1 and report.errors == [] and again.paid == [] and again.checked == 1
    assert paydesk.invoices.summaries([invoice_id])[invoice_id].status is InvoiceStatus.PAID
    [payment] = paydesk.payments.list()
    assert payment.amount == Decimal("121.00")
    assert payment.invoices == (paydesk.invoices.summaries([invoice_id])[invoice_id].number,)
    assert "Stripe pay link" in payment.note
    assert service.link(link.id).state == "paid" and service.link(other.id).state == "open"
    assert service.open_links_for_invoice(invoice_id) == []
    actions = [e.action for e in paydesk.audit.entries("pay_link", link.id)]
    assert "pay_link.paid" in actions


def test_mollie_link_and_poll(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake, ProviderKind.MOLLIE,
                                               methods={"ES": ["creditcard"]}))
    invoice_id = make_invoice("100.00")
    link = service.link_for(plan_for(paydesk, invoice_id))
    assert link.provider == "mollie" and fake.mollie_links[link.provider_id]["allowedMethods"] == ["creditcard"]

    fake.pay(link.provider_id)
    assert len(service.poll().paid) == 1

    summary = paydesk.invoices.summaries([invoice_id])[invoice_id]
    assert summary.status is InvoiceStatus.PAID
    [payment] = paydesk.payments.list()
    assert payment.date == date(2026, 11, 22)


def test_fee_paid_through_the_link_stays_as_credit(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    invoice_id = make_invoice("100.00")
    link = service.link_for(plan_for(paydesk, invoice_id, fee="5.00"))
    fake.pay(link.provider_id)

    service.poll()

    [payment] = paydesk.payments.list()
    assert payment.amount == Decimal("126.00") and payment.unallocated == Decimal("5.00")
    assert paydesk.payments.credit(payment.customer_id) == {"EUR": Decimal("5.00")}


def test_provider_payout_after_a_paid_link_is_not_booked_again(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    invoice_id = make_invoice("100.00")
    link = service.link_for(plan_for(paydesk, invoice_id))
    fake.pay(link.provider_id)
    service.poll()

    payout = BankTransaction(date(2026, 11, 24), Decimal("121.00"), "EUR", counterparty_name="Stripe Payments Europe Ltd",
                             counterparty_iban="IE98STRP00000000000000", remittance="STRIPE PAYOUT po_1QxYz",
                             bank_reference="BR-PAYOUT")
    data = write_camt053(None, "NL91ABNA0417164300", "EUR", [payout], Decimal("1000.00"), statement_id="S-9")
    [imported] = paydesk.statements.import_file("payout.xml", data)

    assert imported.imported == 1 and imported.matched == 0
    [tx_id] = paydesk.bank.search(TransactionFilter())
    detail = paydesk.bank.detail(tx_id)
    assert detail.row.state is TransactionState.IGNORED
    assert detail.row.category == IgnoreCategory.PROVIDER_PAYOUT.value
    assert len(paydesk.payments.list()) == 1
    summary = paydesk.invoices.summaries([invoice_id])[invoice_id]
    assert summary.status is InvoiceStatus.PAID and summary.open_amount == 0


def test_poll_reports_provider_problems_without_raising(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    link = service.link_for(plan_for(paydesk, make_invoice("100.00")))
    fake.fail_next(500, "Stripe is down")

    report = service.poll()

    assert report.checked == 1 and report.paid == [] and "Stripe is down" in report.errors[0]
    assert service.link(link.id).state == "open"


def test_poll_can_be_cancelled(paydesk, secrets, fake, make_invoice) -> None:
    service = links_service(paydesk, configure(paydesk, secrets, fake))
    service.link_for(plan_for(paydesk, make_invoice("100.00")))
    seen: list[tuple[int, int]] = []

    report = service.poll(progress=lambda done, total: seen.append((done, total)), cancel=lambda: True)

    assert report.cancelled and report.checked == 0 and seen == []
