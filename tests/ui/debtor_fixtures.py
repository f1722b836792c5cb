"""Hand-made debtors for the Debtors, cockpit and Today tests: three customers with known figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.paydesk import Paydesk

T = date(2026, 11, 21)
D = Decimal


def days(n: int) -> date:
    return T - timedelta(days=n)


@dataclass
class Book:
    garcia: CustomerId  # EUR: 242.00 over 90 days + 121.00 1-30 days (60.50 paid) ; USD 50.00 not yet due
    berg: CustomerId  # EUR: 1,000.00 not yet due
    zorro: CustomerId  # EUR: 300.00 in 31-60 days


def make_book(paydesk: Paydesk, make_invoice, garcia: CustomerId) -> Book:
    """``garcia``: the ``customer`` fixture (1001, García y Asociados S.L.)."""
    berg = paydesk.customers.save(Customer(number="1002", name="Berg Handel GmbH", emails=["b@berg.example"],
                                           country="NL", language="nl", payment_term_days=30))
    zorro = paydesk.customers.save(Customer(number="1003", name="Zorro Trading", emails=["z@zorro.example"],
                                            country="NL", language="en", payment_term_days=30))
    make_invoice("242.00", issue=days(200), customer_id=garcia, vat="0")  # due T-170
    make_invoice("300.00", issue=days(75), customer_id=zorro, vat="0")  # due T-45
    partly = make_invoice("121.00", issue=days(40), customer_id=garcia, vat="0")  # due T-10
    make_invoice("50.00", issue=days(5), customer_id=garcia, currency="USD", vat="0")  # due T+25
    make_invoice("1000.00", issue=days(3), customer_id=berg, vat="0")  # due T+27
    paydesk.payments.record(PaymentInput(garcia, days(2), D("60.50"), "EUR", allocations=[Allocation(partly, D("60.50"))]))
    return Book(garcia, berg, zorro)
