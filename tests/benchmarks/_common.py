"""Shared by the benchmark scripts: a database with many drafts, and how to print figures."""

from __future__ import annotations

import resource
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk

TODAY = date(2026, 11, 21)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_with_customers(path: Path, customers: int) -> tuple[Paydesk, list[CustomerId]]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    paydesk = Paydesk.open(path, today=lambda: TODAY)
    paydesk.company.save(DEMO_COMPANY)
    ids = [paydesk.customers.save(Customer(number=str(1000 + n), name=f"Customer {n:05d} B.V.", country="NL",
                                           language="nl", emails=[f"c{n}@example.com"])) for n in range(customers)]
    return paydesk, ids


def drafts(customers: list[CustomerId], count: int, lines: int = 5, start: date = date(2026, 1, 1)) -> list[InvoiceDraft]:
    result = []
    for n in range(count):
        issue = start + timedelta(days=n * 300 // max(count, 1))
        result.append(InvoiceDraft(
            customer_id=customers[n % len(customers)], currency="EUR", issue_date=issue, due_date=issue + timedelta(days=30),
            lines=[InvoiceLine(f"Service {k} for order {n}", Decimal(k + 1), Decimal("19.95"), Decimal(21))
                   for k in range(lines)],
        ))
    return result
