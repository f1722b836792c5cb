"""What a reminder's templates (email and letter) can show: the placeholders, formatted in the
customer's locale, and sample data for the template editor's preview.

Placeholders (all amounts and dates are ready-formatted text):

- ``customer.name``, ``customer.number``
- ``invoices``: a list; each has ``number``, ``issue_date``, ``due_date``, ``total``, ``open``,
  ``interest`` and ``days_overdue`` (a whole number, negative before the due date)
- ``invoice_numbers``: the numbers joined with commas
- ``amount``: what the customer is asked to pay (open amounts less credits, plus fee and interest)
- ``open_total``; ``credits``, ``fee``, ``interest``: empty when there are none (``{% if fee %}``)
- ``currency``: the ISO code; ``today`` and ``pay_by`` (the date to pay by): dates
- ``pay_link``: the link to pay online, empty when there is none
- ``reference``: what to write on a bank transfer
- ``qr``: the inline image of the EPC payment QR code (EUR only), empty when there is none
- ``company.name``, ``company.email``, ``company.phone``, ``company.iban``, ``company.bic``, ``company.address``
- ``level.name``, ``level.position``, ``level.final``; ``sender_name``
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from desktop.documents.formatting import DocumentFormats, document_formats, print_iban
from desktop.domain.company import Company
from desktop.domain.dunning.model import DueInvoice, Level, ReminderPlan
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.languages import locale_for

PAY_WITHIN_DAYS = 7  # reminders ask for payment within a week
FINAL_PAY_WITHIN_DAYS = 10  # the final notice gives a little longer
MAX_REFERENCE = 140


def formats_for(plan: ReminderPlan) -> DocumentFormats:
    return _formats(plan.language, plan.country, plan.currency)


@lru_cache(maxsize=256)
def _formats(language: str, country: str, currency: str) -> DocumentFormats:
    """Cached per process: finding the babel locale is slow, and a letter asks four times."""
    return document_formats(locale_for(language, country), currency, language)


def pay_by(plan: ReminderPlan, today: date) -> date:
    """The date the message asks payment by: the due date before it, a week (or ten days) after."""
    if plan.level.day_offset < 0 and plan.invoices:
        return max(today, min(i.due_date for i in plan.invoices))
    return today + timedelta(days=FINAL_PAY_WITHIN_DAYS if plan.level.final else PAY_WITHIN_DAYS)


def payment_reference(plan: ReminderPlan) -> str:
    """What the customer writes on the transfer: the invoice numbers."""
    return ", ".join(plan.invoice_numbers)[:MAX_REFERENCE]


def _optional(formats: DocumentFormats, amount: Decimal) -> str:
    return formats.money(amount) if amount else ""


def reminder_context(
    plan: ReminderPlan, company: Company, today: date, pay_link_url: str | None = None, *, sender_name: str = "",
    qr: str = "",
) -> dict[str, Any]:
    """The placeholders of ``plan``'s templates (see the module docstring)."""
    formats = formats_for(plan)
    invoices = [
        {
            "number": i.number, "issue_date": formats.date(i.issue_date), "due_date": formats.date(i.due_date),
            "total": formats.money(i.total), "open": formats.money(i.open_amount), "interest": _optional(formats, i.interest),
            "days_overdue": i.days_overdue,
        }
        for i in plan.invoices
    ]
    return {
        "customer": {"name": plan.customer_name, "number": plan.customer_number},
        "invoices": invoices,
        "invoice_numbers": ", ".join(plan.invoice_numbers),
        "amount": formats.money(plan.amount),
        "open_total": formats.money(plan.open_amount),
        "credits": _optional(formats, plan.credits),
        "fee": _optional(formats, plan.fee),
        "interest": _optional(formats, plan.interest),
        "currency": plan.currency,
        "today": formats.date(today),
        "pay_by": formats.date(pay_by(plan, today)),
        "pay_link": pay_link_url or "",
        "reference": payment_reference(plan),
        "qr": qr,
        "company": {
            "name": company.name, "email": company.email, "phone": company.phone,
            "iban": print_iban(company.iban) if company.iban else "", "bic": company.bic,
            "address": ", ".join(company.address_lines()),
        },
        "level": {"name": plan.level.name, "position": plan.level.position, "final": plan.level.final},
        "sender_name": sender_name,
    }


SAMPLE_LEVELS = {
    "friendly": Level(1, "Friendly notice", -7, "friendly", attach_letter=False),
    "reminder_1": Level(2, "First reminder", 2, "reminder_1"),
    "reminder_2": Level(3, "Second reminder", 18, "reminder_2", fee=Decimal("5.00"), attach_letter=True),
    "final": Level(4, "Final notice", 34, "final", fee=Decimal("10.00"), interest_rate=Decimal(8), attach_letter=True,
                   final=True),
}
SAMPLE_NAMES = {
    "en": "Harbour Lights Ltd", "es": "Talleres Ebro S.L.", "it": "Ferramenta Colombo S.r.l.", "nl": "Bakkerij de Molen B.V.",
    "sv": "Norrsken Bygg AB", "ru": "ООО «Северный ветер»",
}
SAMPLE_COUNTRIES = {"en": "GB", "es": "ES", "it": "IT", "nl": "NL", "sv": "SE", "ru": "RU"}


def sample_plan(template: str, language: str, today: date, currency: str = "EUR") -> ReminderPlan:
    """A plausible plan for the template editor's preview: two invoices, a credit, fee and interest as the level has them."""
    level = SAMPLE_LEVELS.get(template, Level(2, template, 14, template))
    offset = level.day_offset
    first_due = today - timedelta(days=offset)
    invoices = [
        DueInvoice(InvoiceId(1), f"{today.year}-00042", first_due - timedelta(days=30), first_due, Decimal("1210.00"),
                   Decimal("1210.00"), offset),
        DueInvoice(InvoiceId(2), f"{today.year}-00057", first_due - timedelta(days=16), first_due + timedelta(days=2),
                   Decimal("363.00"), Decimal("263.00"), offset - 2),
    ]
    if level.interest_rate:
        for invoice in invoices:
            days = max(0, invoice.days_overdue)
            invoice.interest = (invoice.open_amount * level.interest_rate / 100 * days / 365).quantize(Decimal("0.01"))
    return ReminderPlan(
        customer_id=CustomerId(1), customer_number="10042", customer_name=SAMPLE_NAMES.get(language, SAMPLE_NAMES["en"]),
        language=language, country=SAMPLE_COUNTRIES.get(language, "GB"), emails=["accounts@example.com"],
        currency=currency, level=level, procedure_id=1, invoices=invoices, credits=Decimal("50.00"), fee=level.fee,
    )
