"""Writing imported files, statements and their transactions.

Bulk paths use plain SQL with ids assigned here: an import of 20,000 entries must store them in
a fraction of a second, inside the one write transaction (``BEGIN IMMEDIATE``) that owns the file.
New transactions are stored with their outcomes by a ``BulkWriter`` (``queue_transactions``) while
matching goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select, update

from desktop.domain.bank import BalanceCheck, BankTransaction, ParsedFile, Statement, TransactionState
from desktop.domain.money import from_minor, to_minor
from desktop.store.bank_schema import bank_imports, bank_statements, bank_transactions
from desktop.store.bank_writer import BulkWriter
from desktop.store.types import instant_text, utcnow


@dataclass(frozen=True, slots=True)
class NewTransaction:
    """A transaction about to be stored, with the key that recognizes it when it comes again."""

    id: int
    statement_row: int
    account: str
    tx: BankTransaction
    dedupe_key: str


def insert_import(
    conn: Connection, file_name: str, sha256: str, parsed: ParsedFile, imported: int, duplicates: int,
) -> int:
    return conn.execute(insert(bank_imports).values(
        file_name=file_name[:300], file_sha256=sha256, format=parsed.format, dialect=parsed.dialect,
        encoding=parsed.encoding, imported_at=utcnow(), transactions=parsed.transaction_count, imported=imported,
        duplicates=duplicates, warnings=json.dumps(parsed.warnings, ensure_ascii=False),
    ).returning(bank_imports.c.id)).scalar_one()


def insert_statement(conn: Connection, import_id: int, statement: Statement, check: BalanceCheck) -> int:
    currency = statement.currency
    problems = check.problems()
    return conn.execute(insert(bank_statements).values(
        import_id=import_id, account=statement.account[:40], currency=currency, kind=statement.kind.value,
        statement_id=statement.statement_id[:80], sequence=statement.sequence[:40],
        opening_minor=_minor(statement.opening.amount, currency) if statement.opening else None,
        opening_date=statement.opening.date if statement.opening else None,
        closing_minor=_minor(statement.closing.amount, currency) if statement.closing else None,
        closing_date=statement.closing.date if statement.closing else None,
        declared_count=statement.declared_count, actual_count=check.actual_count,
        difference_minor=_minor(check.difference, currency) if check.difference is not None else None,
        problem="; ".join(problems), accepted_at=None,
    ).returning(bank_statements.c.id)).scalar_one()


def existing_keys(conn: Connection, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 900):
        chunk = keys[i:i + 900]
        marks = ",".join("?" * len(chunk))
        cursor = conn.exec_driver_sql(f"SELECT dedupe_key FROM bank_transactions WHERE dedupe_key IN ({marks})", tuple(chunk))
        found.update(row[0] for row in cursor.fetchall())
    return found


def next_id(conn: Connection, table: str) -> int:
    return int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").scalar_one())


TRANSACTION_INSERT = (
    "INSERT INTO bank_transactions (id, statement_id, account, booking_date, value_date, amount_minor, currency,"
    " counterparty_name, counterparty_iban, counterparty_bic, remittance, structured_reference, bank_reference,"
    " end_to_end_id, bank_code, instructed_minor, instructed_currency, raw, dedupe_key, state, category, rule_id,"
    " customer_id, payment_id, matched_by, score, suggestions, rejected, note, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)"
)


def queue_transactions(writer: BulkWriter, rows: list[NewTransaction], outcomes: list[Outcome], now: str) -> None:
    """Store new transactions with what matching made of them (``outcomes``, one per row, same order), on the
    writer's thread, stamped ``now``."""
    writer.insert(TRANSACTION_INSERT, transaction_rows(rows, outcomes, now))


def transaction_rows(rows: list[NewTransaction], outcomes: list[Outcome], now: str) -> list[tuple[object, ...]]:
    """The parameters of ``TRANSACTION_INSERT`` for each new transaction with its outcome."""
    if len(rows) != len(outcomes):
        raise ValueError("one outcome per transaction")
    params = []
    for r, o in zip(rows, outcomes, strict=True):
        if o.transaction_id != r.id:
            raise ValueError("outcomes must follow the transactions' order")
        t = r.tx
        instructed = None
        if t.instructed_amount is not None and t.instructed_currency:
            instructed = _minor(t.instructed_amount, t.instructed_currency)
        value_date = t.value_date
        params.append((
            r.id, r.statement_row, r.account[:40], t.booking_date.isoformat(),
            value_date.isoformat() if value_date else None, _minor(t.amount, t.currency), t.currency,
            t.counterparty_name[:300], t.counterparty_iban[:40], t.counterparty_bic[:11], t.remittance,
            t.structured_reference[:40], t.bank_reference[:120], t.end_to_end_id[:120], t.bank_code[:40], instructed,
            t.instructed_currency[:3], t.raw, r.dedupe_key, o.state.value, o.category, o.rule_id, o.customer_id,
            o.payment_id, o.matched_by, o.score, o.suggestions, o.note, now,
        ))
    return params


@dataclass(frozen=True, slots=True)
class Outcome:
    """What matching made of a stored transaction."""

    transaction_id: int
    state: TransactionState
    category: str | None = None
    rule_id: int | None = None
    customer_id: int | None = None
    payment_id: int | None = None
    matched_by: str = ""
    score: int = 0
    suggestions: str = "[]"
    note: str = ""


_OUTCOME = (
    "UPDATE bank_transactions SET state = ?, category = ?, rule_id = ?, customer_id = ?, payment_id = ?,"
    " matched_by = ?, score = ?, suggestions = ?, note = ?, updated_at = ? WHERE id = ?"
)


def store_outcomes(conn: Connection, outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    now = instant_text(utcnow())
    conn.exec_driver_sql(_OUTCOME, [
        (o.state.value, o.category, o.rule_id, o.customer_id, o.payment_id, o.matched_by, o.score, o.suggestions, o.note,
         now, o.transaction_id)
        for o in outcomes
    ])


def last_import_date(conn: Connection) -> date | None:
    value = conn.execute(select(bank_imports.c.imported_at).order_by(bank_imports.c.id.desc()).limit(1)).scalar()
    return value.date() if value else None


def _minor(amount: Decimal, currency: str) -> int:
    return to_minor(amount, currency)


def known_statement(conn: Connection, statement: Statement) -> int | None:
    """The stored statement that is the same as this one (re-imported or overlapping file)."""
    if not statement.statement_id:
        return None
    s = bank_statements
    query = select(s.c.id).where(s.c.account == statement.account[:40], s.c.statement_id == statement.statement_id[:80],
                                 s.c.sequence == statement.sequence[:40], s.c.kind == statement.kind.value)
    if statement.closing is not None:
        query = query.where(s.c.closing_date == statement.closing.date)
    return conn.execute(query.order_by(s.c.id).limit(1)).scalar()


@dataclass(frozen=True, slots=True)
class StatementSummary:
    id: int
    file_name: str
    account: str
    currency: str
    statement_id: str
    closing_date: date | None
    closing: Decimal | None
    transactions: int
    problem: str
    accepted: bool


def statement_summaries(conn: Connection, only_unaccepted_problems: bool = False) -> list[StatementSummary]:
    s = bank_statements
    count = select(func.count()).where(bank_transactions.c.statement_id == s.c.id).scalar_subquery()
    query = (select(s, bank_imports.c.file_name, count.label("n"))
             .join(bank_imports, bank_imports.c.id == s.c.import_id).order_by(s.c.id.desc()))
    if only_unaccepted_problems:
        query = query.where(s.c.problem != "", s.c.accepted_at.is_(None))
    return [
        StatementSummary(r.id, r.file_name, r.account, r.currency, r.statement_id, r.closing_date,
                         from_minor(r.closing_minor, r.currency) if r.closing_minor is not None else None, r.n, r.problem,
                         r.accepted_at is not None)
        for r in conn.execute(query)
    ]


def accept_statement(conn: Connection, statement_id: int) -> StatementSummary | None:
    conn.execute(update(bank_statements).where(bank_statements.c.id == statement_id).values(accepted_at=utcnow()))
    return next((s for s in statement_summaries(conn) if s.id == statement_id), None)
