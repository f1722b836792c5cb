"""Reminder emails: every shipped template renders in every language with amounts in the
customer's locale; edits are sandboxed and checked; the composed MIME message and the letter PDF."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from io import BytesIO

import pytest
from pypdf import PdfReader

from desktop.documents.email_compose import compose_reminder
from desktop.documents.email_message import Sender
from desktop.documents.email_render import SHIPPED_TEMPLATES, TemplateProblem, TemplateSources, render, shipped_sources
from desktop.documents.reminder_context import reminder_context, sample_plan
from desktop.documents.reminder_letter import render_reminder_letter
from desktop.domain.languages import LANGUAGES
from desktop.services.templates import INVOICE_TEMPLATES, TemplateService
from tests.documents.sample_documents import SELLER

TODAY = date(2026, 11, 21)
SENDER = Sender("billing@example.com", "Ana García", "accounts@example.com")


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("template", SHIPPED_TEMPLATES)
def test_every_shipped_template_renders(template, language):
    plan = sample_plan(template, language, TODAY)
    context = reminder_context(plan, SELLER, TODAY, "https://pay.example/x?a=1&b=2", qr="cid:qr@x")
    email = render(shipped_sources(template, language), context)
    assert "2026-00042" in email.subject or template == "friendly"
    assert context["amount"] in email.text and context["amount"] in email.html
    assert "https://pay.example/x?a=1&amp;b=2" in email.html and "https://pay.example/x?a=1&b=2" in email.text
    assert "ES91 2100 0418 4502 0005 1332" in email.text and "{{" not in email.text + email.html


def test_amounts_follow_the_customers_locale():
    plan = sample_plan("reminder_1", "ru", TODAY)
    context = reminder_context(plan, SELLER, TODAY)
    assert context["amount"].replace("\u00a0", " ") == "1 423,00 €"
    assert "нояб." in context["today"]


def test_html_escapes_and_sandbox_refuses_internals():
    plan = sample_plan("reminder_1", "en", TODAY)
    plan.customer_name = "<script>alert(1)</script>"
    html = render(shipped_sources("reminder_1", "en"), reminder_context(plan, SELLER, TODAY)).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    evil = TemplateSources("reminder_1", "en", "Hi", "{{ customer.__class__.__mro__ }}", "")
    with pytest.raises(TemplateProblem, match="line 1 of the plain text"):
        render(evil, reminder_context(plan, SELLER, TODAY))


def test_misspelt_placeholder_names_the_line():
    sources = TemplateSources("reminder_1", "en", "Hi", "Hello\n\n{{ customer.nmae }}\n", "")
    with pytest.raises(TemplateProblem, match="line 3") as error:
        render(sources, reminder_context(sample_plan("reminder_1", "en", TODAY), SELLER, TODAY))
    assert error.value.line == 3 and "nmae" in str(error.value)


def test_template_service_save_reset_preview(paydesk):
    service = TemplateService(paydesk.db, lambda: TODAY)
    shipped = service.source("reminder_1", "nl")
    edited = TemplateSources("reminder_1", "nl", "Herinnering {{ invoice_numbers }}", "Beste klant,\n{{ amount }}\n",
                             "<p>{{ amount }}</p>")
    service.save(edited)
    assert service.source("reminder_1", "nl") == edited
    assert any(i.template == "reminder_1" and i.language == "nl" and i.edited for i in service.list())
    assert service.preview(edited).subject.startswith("Herinnering ")
    with pytest.raises(TemplateProblem, match="line 1"):
        service.save(TemplateSources("reminder_1", "nl", "x", "{% if %}", ""))
    assert service.reset("reminder_1", "nl")
    assert service.source("reminder_1", "nl") == shipped
    shipped = [i for i in service.list() if i.shipped]
    assert len(shipped) == len(SHIPPED_TEMPLATES + INVOICE_TEMPLATES + ("statement",)) * len(LANGUAGES)


def test_composed_message_has_text_html_qr_and_attachments():
    plan = sample_plan("final", "it", TODAY)
    templates = shipped_sources("final", "it")
    email = compose_reminder(plan, SELLER, "https://pay.example/x", sender=SENDER, templates=templates, today=TODAY,
                             invoice_pdfs=[("2026-00042.pdf", b"%PDF-1.4 invoice")])
    message = message_from_bytes(email.raw, policy=policy.default)
    assert message["Message-ID"] == email.message_id and message["To"] == "accounts@example.com"
    assert message["Reply-To"] == "accounts@example.com" and "Ana García" in message["From"]
    parts = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "image/png"} <= set(parts) and parts.count("application/pdf") == 2
    html = message.get_body(("html",)).get_content()
    qr = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert f"cid:{qr['Content-ID'].strip('<>')}" in html
    names = [p.get_filename() for p in message.iter_attachments()]
    assert names[0] == "2026-00042.pdf" and names[1].startswith("sollecito-10042-")


def test_no_qr_outside_eur():
    plan = sample_plan("reminder_1", "sv", TODAY, currency="SEK")
    email = compose_reminder(plan, SELLER, None, sender=SENDER, templates=shipped_sources("reminder_1", "sv"), today=TODAY)
    assert "image/png" not in [p.get_content_type() for p in message_from_bytes(email.raw).walk()]
    assert "kr" in email.text


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_letter_pdf_in_every_language(language):
    plan = sample_plan("final", language, TODAY)
    pdf = render_reminder_letter(plan, SELLER, TODAY, "https://pay.example/x", ("Calle Mayor 1", "28001 Madrid"))
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text().replace("\u00a0", " ").replace("\u202f", " ")
    context = reminder_context(plan, SELLER, TODAY)
    assert plan.customer_name in text and "2026-00057" in text and "https://pay.example/x" in text
    assert context["amount"].replace("\u00a0", " ").replace("\u202f", " ") in text
