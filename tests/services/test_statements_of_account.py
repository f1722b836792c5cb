"""Statements of account: the PDF in the customer's language, saving, and emailing through the outbox."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from pypdf import PdfReader

from desktop.domain.errors import PaydeskError
from desktop.domain.languages import LANGUAGES
from desktop.domain.payment import PaymentInput
from desktop.gateways.smtp import Security
from desktop.services.mail_settings import MailSettings
from desktop.services.outbox import OutboxService
from desktop.services.statements_of_account import StatementOfAccountService
from tests.mail_server import MailServer
from tests.services.report_scenario import build


def service(paydesk) -> StatementOfAccountService:
    return StatementOfAccountService(paydesk.db, paydesk.templates, paydesk.mail_settings, paydesk.today)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_statement_items_balance_and_aging(paydesk, customer, make_invoice) -> None:
    book = build(paydesk, customer, make_invoice)
    paydesk.payments.record(PaymentInput(customer, date(2026, 11, 21), Decimal("30.00"), "EUR"))  # not allocated
    statement = service(paydesk).statement(book.eur)
    [section] = statement.sections
    assert [(i.kind, i.open) for i in section.items] == [
        ("invoice", Decimal("100.00")), ("invoice", Decimal("200.00")), ("payment", Decimal("-30.00"))]
    assert section.balance == Decimal("270.00")
    assert section.buckets == (Decimal("200.00"), Decimal(0), Decimal("100.00"), Decimal(0), Decimal(0))
    assert section.reference.startswith("RF") and section.reference.endswith("C1001")
    text = pdf_text(service(paydesk).render(book.eur))
    assert "Extracto de cuenta" in text and "270,00" in text and "ES" in text  # the customer writes Spanish
    assert "RF" in text and "IBAN" in text


def test_statement_in_russian_has_cyrillic(paydesk, russian_customer, make_invoice) -> None:
    make_invoice("500.00", customer_id=russian_customer, issue=date(2026, 9, 1))
    text = pdf_text(service(paydesk).render(russian_customer))
    assert "Выписка по расчётам" in text and "ООО «Северный ветер»" in text and "Сроки задолженности" in text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_statement_renders_in_every_language(paydesk, customer, make_invoice, language) -> None:
    from desktop.domain.customer import Customer

    cid = paydesk.customers.save(Customer(number=f"9{language}", name="Kunde", language=language, country="",
                                          emails=["x@y.example"]))
    make_invoice("10.00", customer_id=cid)
    assert pdf_text(service(paydesk).render(cid)).strip()


def test_save_to_a_folder(paydesk, customer, make_invoice, tmp_path) -> None:
    make_invoice("100.00")
    path = service(paydesk).save(customer, tmp_path)
    assert path.name == "statement-1001-2026-11-21.pdf" and path.read_bytes().startswith(b"%PDF")


def test_email_through_a_real_smtp_server(paydesk, customer, make_invoice, tmp_path) -> None:
    make_invoice("100.00")
    with MailServer("none", tmp_path, login=False) as server:
        paydesk.mail_settings.save(MailSettings(host="127.0.0.1", port=server.port, security=Security.NONE,
                                                from_name="Billing", from_address="billing@example.com"))
        soa = service(paydesk)
        assert soa.email_ready()
        outbox_id = soa.email(customer)
        assert paydesk.outbox.get(outbox_id).kind == "statement"
        assert OutboxService(paydesk.db, paydesk.mail_settings).deliver().sent == 1
    [received] = server.handler.received
    message = message_from_bytes(received.data, policy=policy.default)
    assert received.rcpt_tos == ["cuentas@garcia.example"]
    assert message["Subject"].startswith("Extracto de cuenta 1001")
    body = message.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert "Saldo pendiente: 121,00 €" in body
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename() == "statement-1001-2026-11-21.pdf" and pdf.get_content().startswith(b"%PDF")


def test_email_without_settings_is_saved_for_later(paydesk, customer, make_invoice) -> None:
    make_invoice("100.00")
    soa = service(paydesk)
    assert not soa.email_ready()
    outbox_id = soa.email(customer)
    entry = paydesk.outbox.get(outbox_id)
    assert entry.state == "queued" and entry.to == ["cuentas@garcia.example"]
    with pytest.raises(PaydeskError, match="not set up"):  # the outbox keeps it until email is set up
        paydesk.outbox.deliver()
    assert paydesk.outbox.get(outbox_id).state == "queued"


def test_email_needs_an_address(paydesk, make_invoice) -> None:
    from desktop.domain.customer import Customer

    cid = paydesk.customers.save(Customer(number="4001", name="No Mail Ltd"))
    make_invoice("10.00", customer_id=cid)
    with pytest.raises(PaydeskError, match="no email address"):
        service(paydesk).email(cid)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_statement_template_is_listed_and_previews(paydesk, language) -> None:
    assert ("statement", language) in {(i.template, i.language) for i in paydesk.templates.list()}
    assert "statement" not in paydesk.templates.reminder_templates()
    shown = paydesk.templates.preview(paydesk.templates.source("statement", language))
    assert "10042" in shown.subject and "{{" not in shown.text + shown.html
    assert "RF" in shown.text and paydesk.company.get().name in shown.html
