"""Email templates per level and language: the shipped ones, the user's edits (kept in the
database until reset), rendering with a live preview, and composing a reminder with them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.documents.email_message import ComposedEmail, Sender
from desktop.documents.email_render import (
    SHIPPED_TEMPLATES,
    RenderedEmail,
    TemplateProblem,
    TemplateSources,
    check_syntax,
    render,
    shipped_sources,
    valid_template_key,
)
from desktop.documents.invoice_email_context import INVOICE_TEMPLATES, invoice_email_context, sample_invoice_mail
from desktop.documents.reminder_context import reminder_context, sample_plan
from desktop.documents.statement_context import STATEMENT_TEMPLATE, sample_statement, statement_email_context
from desktop.domain.company import Company
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.errors import NotFound, ValidationError
from desktop.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from desktop.store import company as company_store
from desktop.store import templates as store
from desktop.store.database import Database

__all__ = ["INVOICE_TEMPLATES", "RenderedEmail", "TemplateInfo", "TemplateProblem", "TemplateService", "TemplateSources"]

SAMPLE_COMPANY = Company(name="Your Company Ltd", street="1 High Street", postal_code="AB1 2CD", city="Bristol", country="GB",
                         iban="GB33BUKB20201555555555", bic="BUKBGB22", email="accounts@example.com", phone="+44 117 000 0000")
SAMPLE_PAY_LINK = "https://pay.example.com/c/pay_a1B2c3D4"


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    template: str
    language: str
    shipped: bool  # Paydesk ships this template in this language
    edited: bool  # the user's version replaces the shipped one (or is the only one)


class TemplateService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    def list(self) -> list[TemplateInfo]:
        """Every template and language, shipped or edited: the shipped reminder levels, the invoice and
        renewal emails, then the user's own."""
        with self._db.reading() as conn:
            edited = store.edited(conn)
        shipped_keys = (*SHIPPED_TEMPLATES, *INVOICE_TEMPLATES, STATEMENT_TEMPLATE)
        keys = list(shipped_keys) + sorted({t for t, _ in edited} - set(shipped_keys))
        infos: list[TemplateInfo] = []
        for key in keys:
            for language in LANGUAGES:
                shipped = shipped_sources(key, language) is not None
                if shipped or (key, language) in edited:
                    infos.append(TemplateInfo(key, language, shipped, (key, language) in edited))
        return infos

    def reminder_templates(self) -> list[str]:
        """The template keys a reminder level can use: all but the invoice and renewal emails (those
        have other placeholders, and a reminder would not render with them)."""
        return [key for key in dict.fromkeys(info.template for info in self.list())
                if key not in INVOICE_TEMPLATES and key != STATEMENT_TEMPLATE]

    def source(self, template: str, language: str) -> TemplateSources:
        """What is used for this template and language: the user's edit, else the shipped one."""
        with self._db.reading() as conn:
            stored = store.get(conn, template, language)
        if stored is not None:
            return TemplateSources(template, language, stored.subject, stored.text, stored.html)
        shipped = shipped_sources(template, language)
        if shipped is None:
            raise NotFound(f"There is no email template \u201c{template}\u201d in {LANGUAGES.get(language, language)}.")
        return shipped

    def shipped(self, template: str, language: str) -> TemplateSources | None:
        return shipped_sources(template, language)

    def sources_for(self, template: str, language: str) -> TemplateSources:
        """The template to send in ``language``; falls back to English when it has none in that language."""
        for candidate in dict.fromkeys((language, DEFAULT_LANGUAGE)):
            try:
                return self.source(template, candidate)
            except NotFound:
                continue
        raise NotFound(f"There is no email template \u201c{template}\u201d: create it in Settings › Email templates, or "
                       "choose another template for this level.")

    def save(self, sources: TemplateSources) -> None:
        """Keep the user's version; refused (``TemplateProblem``) if it does not render with sample data."""
        if not valid_template_key(sources.template):
            raise ValidationError({"template": "Use lower-case letters, digits and _ (such as my_reminder)."})
        if sources.language not in LANGUAGES:
            raise ValidationError({"language": "Choose one of the languages Paydesk ships."})
        check_syntax(sources)
        self.preview(sources)
        with self._db.transaction() as conn:
            store.put(conn, sources.template, sources.language, sources.subject.strip(), sources.text, sources.html)

    def reset(self, template: str, language: str) -> bool:
        """Back to the shipped version (a template of the user's own is deleted); True if there was an edit."""
        with self._db.transaction() as conn:
            return store.remove(conn, template, language)

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> RenderedEmail:
        return render(self.sources_for(template, language), context)

    def preview(self, sources: TemplateSources, company: Company | None = None, currency: str = "EUR") -> RenderedEmail:
        """``sources`` (e.g. unsaved edits) rendered with sample data and the real company; raises ``TemplateProblem``."""
        if company is None:
            with self._db.reading() as conn:
                company = company_store.load(conn) or SAMPLE_COMPANY
        today = self._today()
        if sources.template in INVOICE_TEMPLATES:
            mail = sample_invoice_mail(sources.template, sources.language, today, currency)
            return render(sources, invoice_email_context(mail, company, today, SAMPLE_PAY_LINK))
        if sources.template == STATEMENT_TEMPLATE:
            return render(sources, statement_email_context(sample_statement(sources.language, today, company, currency), today))
        plan = sample_plan(sources.template, sources.language, today, currency)
        context = reminder_context(plan, company, today, SAMPLE_PAY_LINK, sender_name="", qr="")
        return render(sources, context)

    def compose_reminder(
        self, plan: ReminderPlan, company: Company, pay_link_url: str | None, *, sender: Sender,
        invoice_pdfs: Sequence[tuple[str, bytes]] = (), address: Sequence[str] = (), today: date | None = None,
    ) -> ComposedEmail:
        """The email for ``plan`` with the template in use for its level and language."""
        # Composing draws PDFs and QR codes: ReportLab loads here, not when the window starts.
        from desktop.documents.email_compose import compose_reminder

        return compose_reminder(
            plan, company, pay_link_url, sender=sender, templates=self.sources_for(plan.level.template, plan.language),
            today=today or self._today(), invoice_pdfs=invoice_pdfs, address=address,
        )
