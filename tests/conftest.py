"""Shared fixtures: real SQLite files in a temporary folder, a fixed 'today'."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from tests.memory_keyring import MemoryKeyring

TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; none touches the real one."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "paydesk.sqlite"


@pytest.fixture
def empty_paydesk(db_path: Path) -> Iterator[Paydesk]:
    """A new database with no company yet (the first start)."""
    paydesk = Paydesk.open(db_path, today=lambda: TODAY)
    yield paydesk
    paydesk.close()


@pytest.fixture
def paydesk(empty_paydesk: Paydesk) -> Paydesk:
    """A new database with the demo company set up, and no customers."""
    empty_paydesk.company.save(DEMO_COMPANY)
    return empty_paydesk


@pytest.fixture
def customer(paydesk: Paydesk) -> CustomerId:
    return paydesk.customers.save(Customer(
        number="1001", name="García y Asociados S.L.", emails=["cuentas@garcia.example"], street="Calle Mayor 12",
        postal_code="28013", city="Madrid", country="ES", language="es", vat_id="ESB58378431",
        ibans=["ES9121000418450200051332"], payment_term_days=30,
    ))


@pytest.fixture
def russian_customer(paydesk: Paydesk) -> CustomerId:
    return paydesk.customers.save(Customer(
        number="2001", name="ООО «Северный ветер»", emails=["buh@veter.example"], street="ул. Тверская, д. 7",
        postal_code="101000", city="Москва", country="RU", language="ru",
    ))


def lines(*amounts: str, vat: str = "21") -> list[InvoiceLine]:
    return [InvoiceLine(f"Item {n + 1}", Decimal(1), Decimal(a), Decimal(vat)) for n, a in enumerate(amounts)]


MakeInvoice = Callable[..., InvoiceId]


@pytest.fixture
def make_invoice(paydesk: Paydesk, customer: CustomerId) -> MakeInvoice:
    """make_invoice("100.00", "50.00", finalize=True, issue=date, customer_id=..., currency="EUR")."""

    def make(*amounts: str, finalize: bool = True, issue: date = TODAY - timedelta(days=40),
             customer_id: CustomerId | None = None, currency: str = "EUR", vat: str = "21") -> InvoiceId:
        draft = InvoiceDraft(customer_id=customer_id or customer, currency=currency, issue_date=issue,
                             due_date=issue + timedelta(days=30), lines=lines(*(amounts or ("100.00",)), vat=vat))
        invoice_id = paydesk.invoices.save_draft(draft)
        if finalize:
            paydesk.invoices.finalize_many([invoice_id])
        return invoice_id

    return make
