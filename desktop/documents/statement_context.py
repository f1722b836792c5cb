"""What the ``statement`` email (the statement of account attached) can show, in the customer's
locale, and a sample statement for the template editor's preview.

Placeholders (amounts and dates are ready-formatted text):

- ``customer.name``, ``customer.number``; ``as_of``: the statement's date; ``today``
- ``balances``: per currency ``{currency, amount, overdue, reference}``; ``amount``: the balances
  joined with " + "; ``overdue``: what of it is past due, joined the same way
- ``nothing_open``: true when nothing is open; ``items``: the number of open items
- ``reference``: what to quote on a transfer (the first currency's RF reference)
- ``company.name``, ``company.email``, ``company.phone``, ``company.iban``, ``company.bic``, ``company.address``
- ``sender_name``
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from desktop.documents.formatting import print_iban
from desktop.documents.reminder_context import SAMPLE_COUNTRIES, SAMPLE_NAMES
from desktop.documents.statement_model import Statement, StatementItem, StatementSection
from desktop.domain.company import Company
from desktop.domain.reference import creditor_reference

STATEMENT_TEMPLATE = "statement"


def statement_email_context(statement: Statement, today: date, sender_name: str = "") -> dict[str, Any]:
    sections = [s for s in statement.sections if s.items]
    balances = []
    for section in sections:
        formats = statement.formats(section.currency)
        balances.append({"currency": section.currency, "amount": formats.money(section.balance),
                         "overdue": formats.money(sum(section.buckets[1:], Decimal(0))), "reference": section.reference})
    company = statement.company
    formats = statement.formats(sections[0].currency if sections else (company.currency or "EUR"))
    return {
        "customer": {"name": statement.customer_name, "number": statement.customer_number},
        "as_of": formats.date(statement.as_of),
        "today": formats.date(today),
        "balances": balances,
        "amount": " + ".join(b["amount"] for b in balances),
        "overdue": " + ".join(b["overdue"] for b in balances),
        "nothing_open": not sections,
        "items": sum(len(s.items) for s in sections),
        "reference": balances[0]["reference"] if balances else "",
        "company": {
            "name": company.name, "email": company.email, "phone": company.phone,
            "iban": print_iban(company.iban) if company.iban else "", "bic": company.bic,
            "address": ", ".join(company.address_lines()),
        },
        "sender_name": sender_name,
    }


def sample_statement(language: str, today: date, company: Company, currency: str = "EUR") -> Statement:
    """Two invoices (one 45 days overdue) and a payment not yet allocated, for the preview."""
    old, new = today - timedelta(days=75), today - timedelta(days=10)
    items = [
        StatementItem("invoice", f"{today.year}-00098", old, old + timedelta(days=30), 45, Decimal("1210.00"), Decimal("610.00")),
        StatementItem("invoice", f"{today.year}-00123", new, new + timedelta(days=30), 0, Decimal("363.00"), Decimal("363.00")),
        StatementItem("payment", "", today - timedelta(days=3), None, 0, None, Decimal("-100.00")),
    ]
    buckets = (Decimal("363.00"), Decimal(0), Decimal("610.00"), Decimal(0), Decimal(0))
    section = StatementSection(currency, items, buckets, creditor_reference("C10042"))
    return Statement(company, "10042", SAMPLE_NAMES.get(language, SAMPLE_NAMES["en"]), ["1 Sample Street"], language,
                     SAMPLE_COUNTRIES.get(language, "GB"), today, [section])
