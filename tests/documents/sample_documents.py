"""Sample InvoiceDocuments for the PDF tests and the PDF benchmark."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.company import Company
from desktop.domain.document import InvoiceDocument
from desktop.domain.invoice import InvoiceLine, compute_totals
from desktop.domain.reference import creditor_reference
from desktop.domain.states import InvoiceKind

SELLER = Company(
    name="Soluciones Norte S.L.",
    street="Calle de Alcalá 48",
    postal_code="28014",
    city="Madrid",
    country="ES",
    vat_id="ESB12345674",
    iban="ES9121000418450200051332",
    bic="CAIXESBBXXX",
    email="facturas@solucionesnorte.example",
    phone="+34 910 000 000",
)

LINES = (
    InvoiceLine("Consultoría de software (marzo)", Decimal("12.5"), Decimal("80.00"), Decimal("21"), unit="h"),
    InvoiceLine("Licencia anual Paydesk Pro", Decimal("1"), Decimal("1200.00"), Decimal("21"), Decimal("10")),
    InvoiceLine("Formación presencial en las oficinas del cliente, incluidos materiales", Decimal("2"),
                Decimal("350.00"), Decimal("21"), unit="día"),
    InvoiceLine("Libros técnicos", Decimal("3"), Decimal("39.90"), Decimal("4")),
    InvoiceLine("Gastos de desplazamiento", Decimal("1"), Decimal("86.40"), Decimal("0")),
)

RUSSIAN_LINES = (
    InvoiceLine("Консультация по внедрению системы учёта", Decimal("10"), Decimal("95.00"), Decimal("21"), unit="ч"),
    InvoiceLine("Годовая лицензия Paydesk Pro", Decimal("1"), Decimal("1200.00"), Decimal("21")),
    InvoiceLine("Обучение сотрудников", Decimal("2"), Decimal("350.00"), Decimal("21"), unit="дн."),
)


def make_document(**changes: Any) -> InvoiceDocument:
    """A finished Spanish invoice in EUR; keyword arguments replace fields (totals follow ``lines``)."""
    number = changes.get("number", "2026-00042")
    lines = tuple(changes.pop("lines", LINES))
    currency = changes.get("currency", "EUR")
    totals = compute_totals(lines, currency)
    values: dict[str, Any] = {
        "kind": InvoiceKind.INVOICE,
        "number": number,
        "issue_date": date(2026, 3, 31),
        "due_date": date(2026, 4, 30),
        "currency": currency,
        "language": "es",
        "locale": "es_ES",
        "seller": SELLER,
        "customer_number": "1001",
        "bill_name": "García y Asociados S.L.",
        "bill_address_lines": ("Calle Mayor 12", "28013 Madrid", "España"),
        "bill_vat_id": "ESB58378431",
        "lines": lines,
        "totals": totals,
        "reference": creditor_reference(number),
        "notes": "Gracias por su confianza.",
        "amount_due": totals.total,
    }
    values.update(changes)
    return InvoiceDocument(**values)


def russian_document(**changes: Any) -> InvoiceDocument:
    values: dict[str, Any] = {
        "language": "ru",
        "locale": "ru_RU",
        "bill_name": "ООО «Северный ветер»",
        "bill_address_lines": ("ул. Тверская, д. 7", "101000 Москва", "Россия"),
        "bill_vat_id": "",
        "customer_number": "2001",
        "lines": RUSSIAN_LINES,
        "notes": "Спасибо за сотрудничество!",
    }
    values.update(changes)
    return make_document(**values)


def long_document(count: int = 80, **changes: Any) -> InvoiceDocument:
    lines = tuple(
        InvoiceLine(f"Line {n + 1}: support ticket #{4000 + n}" + (" with a longer description that wraps" if n % 7 == 0
                    else ""), Decimal(n % 4 + 1), Decimal("19.50"), Decimal("21"))
        for n in range(count)
    )
    values: dict[str, Any] = {"language": "en", "locale": "en_GB", "lines": lines, "notes": ""}
    values.update(changes)
    return make_document(**values)


def credit_note(**changes: Any) -> InvoiceDocument:
    values: dict[str, Any] = {
        "kind": InvoiceKind.CREDIT_NOTE,
        "number": "CN2026-00003",
        "credited_number": "2026-00042",
        "lines": LINES[:1],
        "reference": None,
        "notes": "",
    }
    values.update(changes)
    doc = make_document(**values)
    return replace(doc, amount_due=Decimal(0)) if "amount_due" not in changes else doc
