"""Invoice and renewal emails after a billing run, against a real SMTP server on 127.0.0.1: queued
once in the transaction that marks the notice, delivered with the invoice PDF in the customer's
language; never twice (re-run, overlapping calls), never for drafts or subscriptions left for
review; a customer without an email address is skipped with the reason."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, timedelta
from decimal import Decimal as D
from email import message_from_bytes, policy

import pytest
from sqlalchemy import text

from desktop.domain.customer import Customer
from desktop.domain.errors import PaydeskError, StateError
from desktop.domain.languages import LANGUAGES
from desktop.domain.subscriptions import PlanLine, Subscription, Timing
from desktop.gateways.smtp import Security
from desktop.services.invoice_mail import InvoiceMailService
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.outbox import OutboxService
from desktop.services.paydesk import Paydesk
from desktop.services.secrets import SecretStore
from desktop.services.subscriptions import SubscriptionService
from desktop.services.templates import INVOICE_TEMPLATES, TemplateService
from desktop.store import audit
from tests.mail_server import MailServer

TODAY = date(2026, 11, 21)
SEAT = [PlanLine("Seat", D(10), D("10.00"), D(21))]  # 121.00 a month


def service(paydesk: Paydesk) -> InvoiceMailService:
    return InvoiceMailService(paydesk.db, TemplateService(paydesk.db, paydesk.today), paydesk.mail_settings,
                              paydesk.documents, paydesk.pay_links, paydesk.today)


def set_up_mail(paydesk: Paydesk, port: int) -> None:
    MailSettingsService(paydesk.db, SecretStore()).save(MailSettings(
        host="127.0.0.1", port=port, security=Security.NONE, from_name="Billing", from_address="billing@example.com"))


def notices(paydesk: Paydesk) -> list[str]:
    with paydesk.db.reading() as conn:
        return [r[0] for r in conn.execute(text("SELECT notice FROM subscription_periods ORDER BY id"))]


def outbox_rows(paydesk: Paydesk) -> list[tuple[str, int | None]]:
    with paydesk.db.reading() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT kind, customer_id FROM outbox ORDER BY id"))]


def customer(paydesk: Paydesk, number: str, language: str, country: str, emails: list[str]) -> int:
    return paydesk.customers.save(Customer(number=number, name=f"Customer {number}", emails=emails, country=country,
                                           language=language))


@pytest.fixture
def subs(paydesk: Paydesk) -> SubscriptionService:
    return SubscriptionService(paydesk.db, paydesk.today)


def test_run_then_notices_go_out_with_the_pdf_in_the_customers_language(paydesk, subs, tmp_path) -> None:
    dutch = customer(paydesk, "5001", "nl", "NL", ["billing@acme.example"])
    russian = customer(paydesk, "5002", "ru", "RU", ["buh@veter.example"])
    paydesk.webhooks.save("http://127.0.0.1:9/hook", ["invoice.sent"])  # events are recorded while one listens
    # In advance, starting in 4 days: billed today (7 days ahead), a renewal notice.
    subs.save(Subscription.new(dutch, "Cloud Backup", "EUR", TODAY + timedelta(days=4), SEAT))
    # In arrears from October: October billed on November 1, an invoice email.
    subs.save(Subscription.new(russian, "Поддержка", "EUR", date(2026, 10, 1), SEAT, timing=Timing.ARREARS))
    made = paydesk.billing.run(TODAY)
    assert made.count == 2 and all(i.number for i in made.invoices)
    assert notices(paydesk) == ["pending", "pending"]
    with MailServer("none", tmp_path, login=False) as server:
        set_up_mail(paydesk, server.port)
        report = service(paydesk).queue_subscription_notices()
        assert (report.queued, report.skipped, report.errors) == (2, [], [])
        assert notices(paydesk) == ["queued", "queued"]
        assert sorted(outbox_rows(paydesk)) == sorted([("renewal", dutch), ("invoice", russian)])
        delivery = OutboxService(paydesk.db, paydesk.mail_settings).deliver()
        assert delivery.sent == 2
    by_to = {r.rcpt_tos[0]: message_from_bytes(r.data, policy=policy.default) for r in server.received}
    numbers = {i.customer_number: i.number for i in made.invoices}
    renewal, invoice = by_to["billing@acme.example"], by_to["buh@veter.example"]
    assert renewal["Subject"].strip().startswith("Uw abonnement Cloud Backup wordt verlengd op")
    assert numbers["5001"] in renewal["Subject"] and "Billing" in renewal["From"]
    body = renewal.get_body(("plain",)).get_content().replace("\u00a0", " ")
    assert "€ 121,00" in body and "Met vriendelijke groet" in body
    assert invoice["Subject"].strip() == f"Счёт {numbers['5002']} от {paydesk.company.get().name}"
    russian_text = invoice.get_body(("plain",)).get_content().replace("\u202f", " ").replace("\u00a0", " ")
    assert "за период с 1 окт. 2026 г. по 31 окт. 2026 г." in russian_text
    for message, number in ((renewal, numbers["5001"]), (invoice, numbers["5002"])):
        [pdf] = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and pdf.get_filename() == f"{number.replace('/', '_')}.pdf"
        assert pdf.get_content().startswith(b"%PDF")
    # The delivery recorded invoice.sent for both (the outbox message carries its invoice).
    with paydesk.db.reading() as conn:
        sent = conn.execute(text("SELECT count(*) FROM events WHERE type = 'invoice.sent'")).scalar_one()
    assert sent == 2


def test_never_queued_twice_on_a_rerun_or_an_overlapping_call(paydesk, subs, tmp_path) -> None:
    for n in range(6):
        who = customer(paydesk, f"60{n:02}", "en", "GB", [f"c{n}@example.org"])
        subs.save(Subscription.new(who, f"Plan {n}", "EUR", TODAY + timedelta(days=2), SEAT))
    assert paydesk.billing.run(TODAY).count == 6
    set_up_mail(paydesk, 2525)  # queueing needs the sender, not the server
    first, second = service(paydesk), service(paydesk)
    taken: list[int] = []

    def overlap(done: int, total: int) -> None:
        if done == 2 and not taken:  # the first call has read its page; another one takes the rest meanwhile
            taken.append(second.queue_subscription_notices().queued)

    report = first.queue_subscription_notices(progress=overlap)
    assert taken == [4] and report.queued == 2 and report.taken == 4
    assert first.queue_subscription_notices().queued == 0  # a re-run finds nothing pending
    assert paydesk.billing.run(TODAY).count == 0 and service(paydesk).pending_count() == 0
    assert len(outbox_rows(paydesk)) == 6 and set(notices(paydesk)) == {"queued"}


def test_two_threads_at_once_queue_each_notice_once(paydesk, subs, db_path) -> None:
    for n in range(8):
        who = customer(paydesk, f"70{n:02}", "sv", "SE", [f"c{n}@example.se"])
        subs.save(Subscription.new(who, f"Plan {n}", "SEK", TODAY + timedelta(days=1), SEAT))
    paydesk.billing.run(TODAY)
    set_up_mail(paydesk, 2525)
    other = Paydesk.open(db_path, today=paydesk.today)  # a second connection, as a second window or process would have
    counts: list[int] = []
    barrier = threading.Barrier(2)

    def work(desk: Paydesk) -> None:
        barrier.wait()
        counts.append(service(desk).queue_subscription_notices().queued)

    try:
        threads = [threading.Thread(target=work, args=(desk,)) for desk in (paydesk, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        other.close()
    assert sum(counts) == 8 and len(outbox_rows(paydesk)) == 8


def test_drafts_and_review_subscriptions_get_no_email(paydesk, subs) -> None:
    who = customer(paydesk, "8001", "en", "GB", ["a@example.org"])
    review = subs.save(Subscription.new(who, "Review me", "EUR", TODAY + timedelta(days=3), SEAT, auto_send=False))
    auto = subs.save(Subscription.new(who, "Automatic", "EUR", TODAY + timedelta(days=3), SEAT))
    made = {i.subscription_id: i for i in paydesk.billing.run(TODAY).invoices}
    assert made[review].number is None and made[auto].number is not None
    set_up_mail(paydesk, 2525)
    mail = service(paydesk)
    with pytest.raises(StateError, match="draft"):
        mail.email_invoice(made[review].invoice_id)
    # Automatic emailing switched off after the run: the pending notice is skipped, not sent.
    with paydesk.db.transaction() as conn:
        conn.execute(text("UPDATE subscriptions SET auto_send = 0 WHERE id = :id"), {"id": auto})
    report = mail.queue_subscription_notices()
    assert report.queued == 0 and len(report.skipped) == 1 and "switched off" in report.skipped[0].reason
    assert outbox_rows(paydesk) == [] and notices(paydesk) == ["none", "skipped"]


def test_a_customer_without_email_is_skipped_with_the_reason(paydesk, subs) -> None:
    silent = customer(paydesk, "9001", "it", "IT", [])
    subs.save(Subscription.new(silent, "Hosting", "EUR", TODAY + timedelta(days=5), SEAT))
    [made] = paydesk.billing.run(TODAY).invoices
    set_up_mail(paydesk, 2525)
    report = service(paydesk).queue_subscription_notices()
    assert report.queued == 0
    [skipped] = report.skipped
    assert skipped.invoice_number == made.number and skipped.customer_number == "9001"
    assert "has no email address" in skipped.reason
    assert notices(paydesk) == ["skipped"] and outbox_rows(paydesk) == []
    with paydesk.db.reading() as conn:
        trail = [e.summary for e in audit.entries(conn, "invoice", made.invoice_id)]
    assert any("has no email address" in s for s in trail)
    assert service(paydesk).queue_subscription_notices().skipped == []  # reported once
    with pytest.raises(PaydeskError, match="no email address"):
        service(paydesk).email_invoice(made.invoice_id)


def test_email_not_set_up_leaves_the_notices_pending(paydesk, subs) -> None:
    who = customer(paydesk, "9101", "en", "GB", ["a@example.org"])
    subs.save(Subscription.new(who, "Plan", "EUR", TODAY + timedelta(days=5), SEAT))
    paydesk.billing.run(TODAY)
    with pytest.raises(PaydeskError, match="Email is not set up"):
        service(paydesk).queue_subscription_notices()
    assert notices(paydesk) == ["pending"]


def test_emailing_one_invoice_by_hand(paydesk, subs, make_invoice, customer: int) -> None:
    set_up_mail(paydesk, 2525)
    mail = service(paydesk)
    plain = make_invoice("100.00")
    outbox_id = mail.email_invoice(plain)
    entry = paydesk.outbox.get(outbox_id)
    assert entry.kind == "invoice" and entry.to == ["cuentas@garcia.example"] and entry.subject.startswith("Factura ")
    raw = message_from_bytes(paydesk.outbox.raw(outbox_id), policy=policy.default)
    text_part = raw.get_body(("plain",)).get_content()
    assert "Le adjuntamos nuestra factura" in text_part and "121,00" in text_part
    with pytest.raises(StateError, match="draft"):
        mail.email_invoice(make_invoice("5.00", finalize=False))
    # A subscription invoice emailed by hand before the notices are queued is not sent again.
    subs.save(Subscription.new(customer, "Licencias", "EUR", TODAY + timedelta(days=6), SEAT))
    [made] = paydesk.billing.run(TODAY).invoices
    assert paydesk.outbox.get(mail.email_invoice(made.invoice_id)).kind == "renewal"
    assert mail.queue_subscription_notices().queued == 0 and notices(paydesk) == ["queued"]


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("template", INVOICE_TEMPLATES)
def test_template_preview_of_the_new_keys(paydesk, template, language) -> None:
    templates = TemplateService(paydesk.db, paydesk.today)
    shown = templates.preview(templates.source(template, language))
    assert "2026-00123" in shown.subject and "{{" not in shown.text + shown.html
    assert "https://pay.example.com/c/pay_a1B2c3D4" in shown.text and "pay_a1B2c3D4" in shown.html
    assert paydesk.company.get().name in shown.text


def test_the_new_keys_are_listed_but_not_offered_to_reminder_levels(paydesk) -> None:
    templates = TemplateService(paydesk.db, paydesk.today)
    listed = {(i.template, i.language) for i in templates.list()}
    assert {(t, lang) for t in INVOICE_TEMPLATES for lang in LANGUAGES} <= listed
    assert templates.reminder_templates() == ["friendly", "reminder_1", "reminder_2", "final"]
    amount_only = "{% if invoice.paid %}Paid{% else %}{{ amount }}{% endif %}"
    paid = dataclasses.replace(templates.source("invoice", "en"), text=amount_only)
    assert templates.preview(paid).text.strip() == "€363.00"
