"""The evaluation scenario: the demo company's open invoices and customers, and labelled transactions.

The demo is created on a fresh Paydesk in a temporary folder and read back through the services
(``invoices.all_summaries``, ``customers.choices``/``get``), the way the app sees its own data.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.domain.listing import InvoiceFilter
from desktop.domain.matching import KnownCustomer, OpenBook, OpenInvoice, Rule
from desktop.domain.states import InvoiceKind, InvoiceStatus
from tests.evaluation.transactions import Case, generate, scenario_rules

TODAY = date(2026, 11, 21)
DEMO_CUSTOMERS = 40
INVOICES_PER_CASE = 4  # the demo leaves about a quarter of its invoices open


@dataclass(slots=True)
class Scenario:
    invoices: list[OpenInvoice]
    customers: list[KnownCustomer]
    rules: list[Rule]
    cases: list[Case]
    seed: int

    def book(self) -> OpenBook:
        """A fresh book (the harness changes it while it books)."""
        return OpenBook(self.invoices, self.customers)


def demo_book(seed: int, invoices: int, customers: int = DEMO_CUSTOMERS) -> tuple[list[OpenInvoice], list[KnownCustomer]]:
    """Open invoices and customers of a demo company made with ``seed``."""
    from desktop.services.demo import create_demo
    from desktop.services.paydesk import Paydesk

    with tempfile.TemporaryDirectory(prefix="paydesk-evaluation-") as folder:
        paydesk = Paydesk.open(Path(folder) / "demo.sqlite", today=lambda: TODAY)
        try:
            create_demo(paydesk, customers=customers, invoices=invoices, seed=seed, today=TODAY)
            only_open = InvoiceFilter(statuses=frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID}),
                                      kind=InvoiceKind.INVOICE)
            open_invoices = [
                OpenInvoice(s.id, s.number, s.reference or "", s.customer_id, s.currency, s.open_amount, s.issue_date,
                            s.due_date)
                for s in paydesk.invoices.all_summaries(only_open) if s.number and s.open_amount > 0
            ]
            known = [KnownCustomer(customer_id, number, name, tuple(paydesk.customers.get(customer_id).ibans))
                     for customer_id, number, name in sorted(paydesk.customers.choices())]
        finally:
            paydesk.close()
    return open_invoices, known


def build_scenario(size: int = 300, seed: int = 1) -> Scenario:
    """About ``size`` labelled transactions against a demo company big enough to pay them."""
    invoices, customers = demo_book(seed, invoices=max(300, size * INVOICES_PER_CASE))
    cases = generate(invoices, customers, size, seed)
    return Scenario(invoices, customers, scenario_rules(customers), cases, seed)
