"""One small book with hand-computed report figures (today 2026-11-21), shared by the report tests.

Customer 1001 (EUR), invoices with 21 % VAT, each due 30 days after issue:
- A 121.00 issued 2026-09-01 (due 10-01), 21.00 paid on 11-01: 100.00 open, 51 days overdue (31-60)
- B 242.00 issued 2026-11-10 (due 12-10), credited 42.00 on 11-15: 200.00 open, not yet due
- C 60.50 issued 2026-06-01: void (never counted)
- D 1210.00 issued 2026-07-15: written off as uncollectible (not a receivable; still revenue)
- E 121.00 issued 2026-10-01 (due 10-31), paid in full on 11-20: open until then
Customer 3001 (USD, no VAT): F 100.00 issued 2026-08-01 (due 08-31): 82 days overdue (61-90).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.paydesk import Paydesk

D = Decimal


@dataclass
class Book:
    eur: CustomerId
    usd: CustomerId
    a: InvoiceId
    b: InvoiceId
    e: InvoiceId
    f: InvoiceId


def build(paydesk: Paydesk, customer: CustomerId, make_invoice) -> Book:
    usd = paydesk.customers.save(Customer(number="3001", name="=HYPERLINK(\"http://x\") Corp", emails=["ap@corp.example"],
                                          country="US", language="en"))
    c = make_invoice("50.00", issue=date(2026, 6, 1))
    d = make_invoice("1000.00", issue=date(2026, 7, 15))
    f = make_invoice("100.00", issue=date(2026, 8, 1), customer_id=usd, currency="USD", vat="0")
    a = make_invoice("100.00", issue=date(2026, 9, 1))
    e = make_invoice("100.00", issue=date(2026, 10, 1))
    b = make_invoice("200.00", issue=date(2026, 11, 10))
    paydesk.payments.record(PaymentInput(customer, date(2026, 11, 1), D("21.00"), "EUR", allocations=[Allocation(a, D("21.00"))]))
    paydesk.credit_notes.credit_amount(b, D("42.00"), D("21"), "discount", on=date(2026, 11, 15))
    paydesk.invoices.void(c, "typo")
    paydesk.invoices.write_off(d, "insolvent")
    paydesk.payments.record(PaymentInput(customer, date(2026, 11, 20), D("121.00"), "EUR",
                                         allocations=[Allocation(e, D("121.00"))]))
    return Book(customer, usd, a, b, e, f)
