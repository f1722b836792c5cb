"""What the user asks of a long list: a filter and a sort, answered by the store in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desktop.domain.ids import CustomerId
from desktop.domain.states import InvoiceKind, InvoiceStatus


class InvoiceSort(StrEnum):
    NUMBER = "number"
    CUSTOMER = "customer"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    TOTAL = "total"
    OPEN = "open"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    statuses: frozenset[InvoiceStatus] = frozenset()  # empty: all
    customer_id: CustomerId | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    overdue_on: date | None = None  # only invoices overdue on that day
    text: str = ""  # number, reference, customer number or name
    kind: InvoiceKind | None = None


class CustomerSort(StrEnum):
    NUMBER = "number"
    NAME = "name"
    CITY = "city"
    COUNTRY = "country"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Page:
    sort: str
    descending: bool = False


class TransactionSort(StrEnum):
    BOOKING_DATE = "booking_date"
    AMOUNT = "amount"
    COUNTERPARTY = "counterparty"
    STATE = "state"
    SCORE = "score"


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    states: frozenset[str] = frozenset()  # TransactionState values; empty: all
    text: str = ""  # counterparty, IBAN, remittance, reference
    booked_from: date | None = None
    booked_to: date | None = None
    statement_id: int | None = None
