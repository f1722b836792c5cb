"""Holding back a reminder when an incoming payment not yet booked may already pay it.

A payment (unmatched, or waiting for review) is plausible for a message when it came in on or
after the oldest invoice's issue date and: matching suggested one of the message's invoices; or it
came from one of the customer's IBANs; or an invoice's number or RF reference is in its text; or its
amount equals an invoice's open amount or the message's total; or the payer's name resembles the
customer's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from desktop.domain.dunning.inputs import DunningCustomer, IncomingPayment
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.ids import InvoiceId
from desktop.domain.matching.names import index_keys, name_words, similarity
from desktop.domain.money import as_text

NAME_LIKENESS = 0.8
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def squeezed(text: str) -> str:
    """Upper case letters and digits only: ``RF18 5390-0754`` -> ``RF1853900754``."""
    return _NOT_ALNUM.sub("", text.upper())


class PaymentPool:
    """The incoming payments not yet booked, indexed so that 10,000 messages are checked quickly."""

    def __init__(self, payments: Iterable[IncomingPayment]) -> None:
        self.payments = [p for p in payments if p.amount > 0]
        self._texts = [(p, squeezed(p.text)) for p in self.payments]
        self._by_invoice: dict[InvoiceId, list[IncomingPayment]] = defaultdict(list)
        self._by_iban: dict[str, list[IncomingPayment]] = defaultdict(list)
        self._by_amount: dict[tuple[str, Decimal], list[IncomingPayment]] = defaultdict(list)
        self._by_name: dict[str, list[IncomingPayment]] = defaultdict(list)
        for p in self.payments:
            for invoice_id in p.suggested_invoices:
                self._by_invoice[invoice_id].append(p)
            if p.counterparty_iban:
                self._by_iban[squeezed(p.counterparty_iban)].append(p)
            self._by_amount[(p.currency, p.amount)].append(p)
            for key in index_keys(name_words(p.counterparty_name)):
                self._by_name[key].append(p)

    def __bool__(self) -> bool:
        return bool(self.payments)

    def hold_back_reason(self, plan: ReminderPlan, customer: DunningCustomer, references: dict[str, str]) -> str | None:
        """A sentence for the credit manager when an unbooked payment may pay this message, else None."""
        if not self.payments or not plan.invoices:
            return None
        since = min(i.issue_date for i in plan.invoices)
        for payment, why in self._reasons(plan, customer, references):
            if payment.booking_date >= since:
                return (f"an incoming payment of {as_text(payment.amount, payment.currency)} {payment.currency} on "
                        f"{payment.booking_date.isoformat()} is not booked yet and may pay it ({why}); "
                        "book or reject it on the Bank page, then run again")
        return None

    def _reasons(self, plan: ReminderPlan, customer: DunningCustomer,
                 references: dict[str, str]) -> Iterable[tuple[IncomingPayment, str]]:
        for invoice in plan.invoices:
            for p in self._by_invoice.get(invoice.invoice_id, ()):
                yield p, f"matching suggested it for {invoice.number}"
        for iban in customer.ibans:
            for p in self._by_iban.get(squeezed(iban), ()):
                yield p, f"it came from the customer's IBAN {p.counterparty_iban}"
        keys = [(invoice.number, squeezed(key)) for invoice in plan.invoices
                for key in (invoice.number, references.get(invoice.number, ""))]
        keys = [(number, key) for number, key in keys if len(key) >= 4]
        for p, text in self._texts:
            for number, key in keys:
                if key in text:
                    yield p, f"its text names {number}"
        amounts = {i.open_amount for i in plan.invoices} | {plan.open_amount - plan.credits}
        for amount in amounts:
            for p in self._by_amount.get((plan.currency, amount), ()):
                yield p, "its amount equals what is open"
        words = name_words(customer.name)
        seen: set[int] = set()
        for key in index_keys(words):
            for p in self._by_name.get(key, ()):
                if p.transaction_id not in seen:
                    seen.add(p.transaction_id)
                    if similarity(name_words(p.counterparty_name), words) >= NAME_LIKENESS:
                        yield p, f"the payer's name '{p.counterparty_name}' resembles the customer's"
