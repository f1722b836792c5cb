"""What the emails that carry an invoice can show (``invoice``: a new invoice, ``renewal``: an
in-advance subscription invoice sent before its period), formatted in the customer's locale, and
sample data for the template editor's preview.

Placeholders (amounts and dates are ready-formatted text; the names shared with the reminder
templates mean the same there):

- ``customer.name``, ``customer.number``
- ``invoice.number``, ``invoice.issue_date``, ``invoice.due_date``, ``invoice.net``, ``invoice.vat``,
  ``invoice.total``, ``invoice.open`` and ``invoice.paid`` (true when nothing is left to pay)
- ``invoices``: the same invoice as a one-item list (as in reminders); ``invoice_numbers``
- ``amount``: what the customer is asked to pay (the amount open); ``currency``
- ``today``; ``pay_by``: the due date
- ``pay_link``: the link to pay online, empty when there is none
- ``reference``: what to write on a bank transfer (the invoice's creditor reference, else its number)
- ``subscription.name``, ``subscription.period_start``, ``subscription.period_end``,
  ``subscription.renews_on`` (the first day of the period), ``subscription.in_advance``;
  ``subscription`` is empty for an invoice that belongs to no subscription (``{% if subscription %}``)
- ``company.name``, ``company.email``, ``company.phone``, ``company.iban``, ``company.bic``, ``company.address``
- ``sender_name``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from desktop.documents.formatting import DocumentFormats, document_formats, print_iban
from desktop.documents.reminder_context import SAMPLE_COUNTRIES, SAMPLE_NAMES
from desktop.domain.company import Company
from desktop.domain.languages import locale_for
from desktop.domain.reference import creditor_reference

INVOICE_TEMPLATE = "invoice"
RENEWAL_TEMPLATE = "renewal"
INVOICE_TEMPLATES = (RENEWAL_TEMPLATE, INVOICE_TEMPLATE)


@dataclass(frozen=True, slots=True)
class SubscriptionPeriod:
    name: str
    period_start: date
    period_end: date
    in_advance: bool


@dataclass(frozen=True, slots=True)
class InvoiceMail:
    """One issued invoice as its email shows it (gathered by the service, rendered here)."""

    customer_number: str
    customer_name: str
    language: str
    country: str
    emails: list[str]
    currency: str
    number: str
    issue_date: date
    due_date: date
    net: Decimal
    vat: Decimal
    total: Decimal
    open_amount: Decimal
    reference: str
    subscription: SubscriptionPeriod | None = None
    customer_id: int = 0
    invoice_id: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        """``renewal`` for an in-advance subscription invoice, else ``invoice``."""
        return RENEWAL_TEMPLATE if self.subscription is not None and self.subscription.in_advance else INVOICE_TEMPLATE


@lru_cache(maxsize=256)
def _formats(language: str, country: str, currency: str) -> DocumentFormats:
    return document_formats(locale_for(language, country), currency, language)


def invoice_email_context(mail: InvoiceMail, company: Company, today: date, pay_link_url: str | None = None, *,
                          sender_name: str = "") -> dict[str, Any]:
    """The placeholders of ``mail``'s templates (see the module docstring)."""
    formats = _formats(mail.language, mail.country, mail.currency)
    invoice = {
        "number": mail.number, "issue_date": formats.date(mail.issue_date), "due_date": formats.date(mail.due_date),
        "net": formats.money(mail.net), "vat": formats.money(mail.vat), "total": formats.money(mail.total),
        "open": formats.money(mail.open_amount), "paid": mail.open_amount <= 0,
    }
    sub = mail.subscription
    subscription: dict[str, Any] | None = None
    if sub is not None:
        subscription = {
            "name": sub.name, "period_start": formats.date(sub.period_start), "period_end": formats.date(sub.period_end),
            "renews_on": formats.date(sub.period_start), "in_advance": sub.in_advance,
        }
    return {
        "customer": {"name": mail.customer_name, "number": mail.customer_number},
        "invoice": invoice,
        "invoices": [invoice],
        "invoice_numbers": mail.number,
        "amount": formats.money(mail.open_amount),
        "currency": mail.currency,
        "today": formats.date(today),
        "pay_by": formats.date(mail.due_date),
        "pay_link": pay_link_url or "",
        "reference": mail.reference or mail.number,
        "subscription": subscription,
        "company": {
            "name": company.name, "email": company.email, "phone": company.phone,
            "iban": print_iban(company.iban) if company.iban else "", "bic": company.bic,
            "address": ", ".join(company.address_lines()),
        },
        "sender_name": sender_name,
    }


def sample_invoice_mail(template: str, language: str, today: date, currency: str = "EUR") -> InvoiceMail:
    """A plausible invoice for the template editor's preview: a yearly subscription renewing in a week
    (``renewal``), or a monthly one billed in arrears (``invoice``)."""
    if template == RENEWAL_TEMPLATE:
        start = today + timedelta(days=7)
        period = SubscriptionPeriod("Cloud Backup Pro", start, start + timedelta(days=364), True)
        net, due = Decimal("1200.00"), start + timedelta(days=7)
    else:
        end = today - timedelta(days=1)
        period = SubscriptionPeriod("Support Plus", end.replace(day=1), end, False)
        net, due = Decimal("300.00"), today + timedelta(days=14)
    vat = (net * Decimal("0.21")).quantize(Decimal("0.01"))
    number = f"{today.year}-00123"
    return InvoiceMail(
        customer_number="10042", customer_name=SAMPLE_NAMES.get(language, SAMPLE_NAMES["en"]), language=language,
        country=SAMPLE_COUNTRIES.get(language, "GB"), emails=["accounts@example.com"], currency=currency,
        number=number, issue_date=today, due_date=due, net=net, vat=vat, total=net + vat, open_amount=net + vat,
        reference=creditor_reference(number), subscription=period,
    )
