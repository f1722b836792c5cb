"""Reading bank transactions: for matching, for the review screen's lazy list, and for exports."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from desktop.domain.bank import BankTransaction, TransactionState
from desktop.domain.listing import TransactionFilter, TransactionSort
from desktop.domain.money import from_minor
from desktop.store.bank_schema import bank_imports, bank_statements, bank_transactions
from desktop.store.invoice_queries import fetch_ids
from desktop.store.schema import allocations, customers, invoices

T = bank_transactions


@dataclass(frozen=True, slots=True)
class StoredTransaction:
    id: int
    tx: BankTransaction
    state: TransactionState
    rejected: tuple[frozenset[int], ...]  # invoice-id sets the user said no to


@dataclass(frozen=True, slots=True)
class TransactionRow:
    """One line of the review list."""

    id: int
    booking_date: date
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_iban: str
    remittance: str
    structured_reference: str
    state: TransactionState
    category: str | None
    score: int
    customer_number: str
    customer_name: str
    invoices: tuple[str, ...]  # numbers it is booked to
    note: str
    suggested: tuple[str, ...] = ()  # numbers of the best suggestion's invoices, while not booked


@dataclass(frozen=True, slots=True)
class TransactionDetail:
    row: TransactionRow
    tx: BankTransaction
    suggestions: list[dict[str, Any]]  # Suggestion.to_json() items, best first
    rejected: tuple[frozenset[int], ...]
    customer_id: int | None
    payment_id: int | None
    matched_by: str
    rule_id: int | None
    statement_id: int
    file_name: str
    format: str
    updated_at: datetime


_SORT: dict[TransactionSort, ColumnElement[Any]] = {
    TransactionSort.BOOKING_DATE: T.c.booking_date,
    TransactionSort.AMOUNT: T.c.amount_minor,
    TransactionSort.COUNTERPARTY: func.lower(T.c.counterparty_name),
    TransactionSort.STATE: T.c.state,
    TransactionSort.SCORE: T.c.score,
}


def _where(f: TransactionFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.states:
        clauses.append(T.c.state.in_(sorted(f.states)))
    if f.booked_from is not None:
        clauses.append(T.c.booking_date >= f.booked_from)
    if f.booked_to is not None:
        clauses.append(T.c.booking_date <= f.booked_to)
    if f.statement_id is not None:
        clauses.append(T.c.statement_id == f.statement_id)
    text = f.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        compact = text.replace(" ", "").upper()
        clauses.append(or_(
            T.c.counterparty_name.like(pattern, escape="\\"), T.c.remittance.like(pattern, escape="\\"),
            T.c.counterparty_iban.like(f"%{compact}%"), T.c.structured_reference.like(f"%{compact}%"),
            T.c.bank_reference.like(pattern, escape="\\"),
        ))
    return clauses


def search_ids(conn: Connection, f: TransactionFilter, sort: TransactionSort, descending: bool) -> list[int]:
    key = _SORT[sort]
    order = [key.desc() if descending else key.asc(), T.c.id.desc() if descending else T.c.id.asc()]
    return fetch_ids(conn, select(T.c.id).where(*_where(f)).order_by(*order))


def counts(conn: Connection) -> dict[TransactionState, int]:
    found = dict(conn.execute(select(T.c.state, func.count()).group_by(T.c.state)).all())
    return {state: int(found.get(state.value, 0)) for state in TransactionState}


def _booked_numbers() -> Any:
    return (
        select(func.group_concat(invoices.c.number, ", "))
        .select_from(allocations.join(invoices, invoices.c.id == allocations.c.invoice_id))
        .where(allocations.c.payment_id == T.c.payment_id).scalar_subquery()
    )


def _row_query() -> Any:
    return (
        select(T, customers.c.number.label("cnum"), customers.c.name.label("cname"), _booked_numbers().label("numbers"))
        .join_from(T, customers, customers.c.id == T.c.customer_id, isouter=True)
    )


def _row(r: Any) -> TransactionRow:
    return TransactionRow(
        r.id, r.booking_date, from_minor(r.amount_minor, r.currency), r.currency, r.counterparty_name, r.counterparty_iban,
        r.remittance, r.structured_reference, TransactionState(r.state), r.category, r.score, r.cnum or "", r.cname or "",
        tuple(n for n in (r.numbers or "").split(", ") if n), r.note,
    )


def rows(conn: Connection, ids: list[int]) -> dict[int, TransactionRow]:
    found: dict[int, TransactionRow] = {}
    best: dict[int, list[int]] = {}
    for i in range(0, len(ids), 900):
        for r in conn.execute(_row_query().where(T.c.id.in_(ids[i:i + 900]))):
            found[r.id] = _row(r)
            if r.state != TransactionState.MATCHED.value and r.suggestions not in ("", "[]"):
                best[r.id] = [a["invoice_id"] for a in json.loads(r.suggestions)[0].get("allocations", [])]
    wanted = sorted({i for ids_ in best.values() for i in ids_})
    numbers: dict[int, str] = {}
    for i in range(0, len(wanted), 900):
        numbers.update(conn.execute(select(invoices.c.id, invoices.c.number).where(invoices.c.id.in_(wanted[i:i + 900]))).all())
    for transaction_id, invoice_ids in best.items():
        found[transaction_id] = replace(found[transaction_id],
                                        suggested=tuple(numbers[i] for i in invoice_ids if numbers.get(i)))
    return found


def customer_for_iban(conn: Connection, iban: str) -> int | None:
    """The customer an IBAN belongs to (on record, or learned), when exactly one has it."""
    found = {c for (c,) in conn.exec_driver_sql(
        "SELECT customer_id FROM customer_ibans WHERE iban = ? UNION SELECT customer_id FROM learned_ibans WHERE iban = ?",
        (iban, iban)).fetchall()}
    return found.pop() if len(found) == 1 else None


def _transaction(r: Any) -> BankTransaction:
    return BankTransaction(
        booking_date=r.booking_date, amount=from_minor(r.amount_minor, r.currency), currency=r.currency,
        value_date=r.value_date, counterparty_name=r.counterparty_name, counterparty_iban=r.counterparty_iban,
        counterparty_bic=r.counterparty_bic, remittance=r.remittance, structured_reference=r.structured_reference,
        bank_reference=r.bank_reference, end_to_end_id=r.end_to_end_id, bank_code=r.bank_code,
        instructed_amount=(from_minor(r.instructed_minor, r.instructed_currency)
                           if r.instructed_minor is not None and r.instructed_currency else None),
        instructed_currency=r.instructed_currency, raw=r.raw,
    )


def _rejected(text: str) -> tuple[frozenset[int], ...]:
    return tuple(frozenset(ids) for ids in json.loads(text or "[]"))


def _detail_query() -> Any:
    return (
        _row_query().add_columns(bank_imports.c.file_name, bank_imports.c.format, bank_statements.c.import_id)
        .join(bank_statements, bank_statements.c.id == T.c.statement_id)
        .join(bank_imports, bank_imports.c.id == bank_statements.c.import_id)
    )


def _detail(r: Any) -> TransactionDetail:
    return TransactionDetail(
        _row(r), _transaction(r), json.loads(r.suggestions or "[]"), _rejected(r.rejected), r.customer_id, r.payment_id,
        r.matched_by, r.rule_id, r.statement_id, r.file_name, r.format, r.updated_at,
    )


def detail(conn: Connection, transaction_id: int) -> TransactionDetail | None:
    r = conn.execute(_detail_query().where(T.c.id == transaction_id)).first()
    return None if r is None else _detail(r)


def load_for_matching(conn: Connection, ids: list[int]) -> list[StoredTransaction]:
    found: list[StoredTransaction] = []
    for i in range(0, len(ids), 900):
        for r in conn.execute(select(T).where(T.c.id.in_(ids[i:i + 900])).order_by(T.c.id)):
            found.append(StoredTransaction(r.id, _transaction(r), TransactionState(r.state), _rejected(r.rejected)))
    return found


def ids_in_states(conn: Connection, states: set[TransactionState]) -> list[int]:
    return fetch_ids(conn, select(T.c.id).where(T.c.state.in_(sorted(s.value for s in states))).order_by(T.c.id))


def all_details(conn: Connection) -> list[TransactionDetail]:
    """Every transaction, oldest import first, for ``paydesk statement list``."""
    return [_detail(r) for r in conn.execute(_detail_query().order_by(bank_statements.c.import_id, T.c.id))]


@dataclass(frozen=True, slots=True)
class OpenInvoiceHit:
    invoice_id: int
    number: str
    customer_id: int
    customer_number: str
    customer_name: str
    currency: str
    due_date: date
    total: Decimal
    open_amount: Decimal


def _amount_in(text: str) -> Decimal | None:
    """'1234.50', '1.234,50', '1 234,50' or '1,234.50' as an amount; None when it is not one."""
    compact = text.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not compact or not all(c.isdigit() or c in ".," for c in compact) or not any(c.isdigit() for c in compact):
        return None
    last = max(compact.rfind("."), compact.rfind(","))
    if last >= 0 and len(compact) - last - 1 in (1, 2):
        whole, fraction = compact[:last], compact[last + 1:]
    else:
        whole, fraction = compact, ""
    whole = whole.replace(".", "").replace(",", "")
    try:
        return Decimal(f"{whole or 0}.{fraction or 0}")
    except ArithmeticError:
        return None


def find_open_invoices(conn: Connection, text: str, currency: str | None, limit: int) -> list[OpenInvoiceHit]:
    inv, cus = invoices, customers
    open_minor = inv.c.total_minor - inv.c.settled_minor
    query = (
        select(inv.c.id, inv.c.number, inv.c.customer_id, cus.c.number.label("cnum"), cus.c.name.label("cname"),
               inv.c.currency, inv.c.due_date, inv.c.total_minor, open_minor.label("open_minor"))
        .join_from(inv, cus, cus.c.id == inv.c.customer_id)
        .where(inv.c.kind == "invoice", inv.c.status.in_(["open", "partially_paid"]))
        .order_by(inv.c.due_date, inv.c.number).limit(limit)
    )
    if currency:
        query = query.where(inv.c.currency == currency)
    text = text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        options = [inv.c.number.like(pattern, escape="\\"), inv.c.reference.like("%" + text.replace(" ", "").upper() + "%"),
                   cus.c.name.ilike(pattern, escape="\\"), cus.c.number == text]
        amount = _amount_in(text)
        if amount is not None:
            minor = int(amount * 100)
            options += [open_minor == minor, inv.c.total_minor == minor]
        query = query.where(or_(*options))
    return [
        OpenInvoiceHit(r.id, r.number, r.customer_id, r.cnum, r.cname, r.currency, r.due_date,
                       from_minor(r.total_minor, r.currency), from_minor(r.open_minor, r.currency))
        for r in conn.execute(query)
    ]
