"""A small hand-made book for the matching tests: five customers, nine open invoices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.bank import BankTransaction
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching import KnownCustomer, OpenBook, OpenInvoice
from desktop.domain.reference import creditor_reference

GARCIA, ROSSI, LINDQVIST, VETER, THOMPSON = (CustomerId(n) for n in (1, 2, 3, 4, 5))
GARCIA_IBAN = "ES9121000418450200051332"
ROSSI_IBAN = "IT60X0542811101000000123456"
UNKNOWN_IBAN = "NL91ABNA0417164300"

CUSTOMERS = (
    KnownCustomer(GARCIA, "1042", "García y Asociados S.L.", (GARCIA_IBAN,)),
    KnownCustomer(ROSSI, "1043", "Rossi & Figli S.r.l.", (ROSSI_IBAN,)),
    KnownCustomer(LINDQVIST, "1044", "Lindqvist Bygg AB", ("SE4550000000058398257466",)),
    KnownCustomer(VETER, "1045", "ООО «Северный ветер»", ()),
    KnownCustomer(THOMPSON, "1046", "Thompson & Clarke Ltd", ("GB29NWBK60161331926819",)),
)

# id, number, customer, currency, open amount, days before 2026-11-21 it fell due
ROWS = (
    (1, "2026-00042", GARCIA, "EUR", "1234.50", 40),
    (2, "2026-00043", GARCIA, "EUR", "100.00", 30),
    (3, "2026-00044", GARCIA, "EUR", "200.00", 20),
    (4, "2026-00050", ROSSI, "EUR", "100.00", 35),
    (5, "2026-00051", ROSSI, "EUR", "350.00", 25),
    (6, "2026-00052", ROSSI, "EUR", "350.00", 15),
    (7, "2026-00060", LINDQVIST, "SEK", "5000.00", 10),
    (8, "2026-00070", VETER, "EUR", "777.77", 5),
    (9, "2026-00080", THOMPSON, "GBP", "1000.00", 0),
)
TODAY = date(2026, 11, 21)


def invoice(invoice_id: int, number: str, customer: CustomerId, currency: str, amount: str, days: int = 0) -> OpenInvoice:
    due = TODAY - timedelta(days=days)
    return OpenInvoice(InvoiceId(invoice_id), number, creditor_reference(number), customer, currency, Decimal(amount),
                       due - timedelta(days=30), due)


def make_book(*extra: OpenInvoice, customers: tuple[KnownCustomer, ...] = CUSTOMERS) -> OpenBook:
    return OpenBook([*(invoice(*row) for row in ROWS), *extra], customers)


def tx(amount: str, currency: str = "EUR", **fields: object) -> BankTransaction:
    return BankTransaction(TODAY, Decimal(amount), currency, **fields)  # type: ignore[arg-type]


def allocations(suggestion: object) -> list[tuple[int, str]]:
    return [(a.invoice_id, str(a.amount)) for a in suggestion.allocations]  # type: ignore[attr-defined]


def texts(suggestion: object) -> list[str]:
    return [r.text for r in suggestion.reasons]  # type: ignore[attr-defined]
