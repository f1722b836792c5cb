"""Run the matcher over stored transactions and book what it is sure about, inside the caller's
transaction (an import, or "Match again").

The matcher is pure (``desktop.domain.matching``); this module gives it the open book read from
the database, keeps the book current while it books (so two payments are never both booked to
the same invoice), stores every outcome with its reasons, and writes the audit trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal

from desktop.domain.bank import TransactionState
from desktop.domain.ids import CustomerId
from desktop.domain.matching import MatchOutcome, MatchSettings, OpenBook, Rule, Suggestion, match_transaction
from desktop.domain.money import as_text, precision, to_minor
from desktop.importers.xml_safety import gc_paused
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.store import audit, bank_book, bank_rules, settings
from desktop.store import invoices as invoice_store
from desktop.store.bank_booking import Booking, insert_bookings
from desktop.store.bank_queries import StoredTransaction
from desktop.store.bank_records import Outcome, store_outcomes
from desktop.store.database import Connection

SETTINGS_KEY = "matching"


@dataclass(slots=True)
class MatchContext:
    book: OpenBook
    rules: list[Rule]
    settings: MatchSettings


def load_context(conn: Connection) -> MatchContext:
    return MatchContext(bank_book.load_open_book(conn), [r for r in bank_rules.load(conn) if r.enabled],
                        load_settings(conn))


def load_settings(conn: Connection) -> MatchSettings:
    stored = settings.get(conn, SETTINGS_KEY, {})
    defaults = MatchSettings()
    return MatchSettings(
        auto_threshold=int(stored.get("auto_threshold", defaults.auto_threshold)),
        margin=int(stored.get("margin", defaults.margin)),
        write_off_tolerance=Decimal(str(stored.get("write_off_tolerance", defaults.write_off_tolerance))),
    )


def save_settings(conn: Connection, value: MatchSettings) -> None:
    settings.put(conn, SETTINGS_KEY, {"auto_threshold": value.auto_threshold, "margin": value.margin,
                                      "write_off_tolerance": str(value.write_off_tolerance)})


def invoice_ids(suggestion: Suggestion) -> frozenset[int]:
    return frozenset(a.invoice_id for a in suggestion.allocations)


def without_rejected(outcome: MatchOutcome, rejected: tuple[frozenset[int], ...]) -> tuple[Suggestion | None, list[Suggestion]]:
    """The automatic choice and the suggestions, minus what the user already said no to."""
    suggestions = [s for s in outcome.suggestions if invoice_ids(s) not in rejected]
    auto = outcome.auto if outcome.auto is not None and invoice_ids(outcome.auto) not in rejected else None
    return auto, suggestions


def booking_for(
    stored: StoredTransaction, suggestion: Suggestion, customer_id: CustomerId, write_off_reason: str = "",
) -> Booking:
    tx = stored.tx
    allocations = [(a.invoice_id, to_minor(a.amount, tx.currency)) for a in suggestion.allocations if a.amount > 0]
    write_offs = []
    if write_off_reason and suggestion.shortfall > 0 and len(suggestion.allocations) >= 1:
        last = suggestion.allocations[-1].invoice_id
        write_offs.append((last, to_minor(suggestion.shortfall, tx.currency), write_off_reason))
    note = " ".join(p for p in (tx.counterparty_name, tx.structured_reference or tx.remittance) if p)[:200]
    return Booking(stored.id, customer_id, tx.booking_date, to_minor(tx.amount, tx.currency), tx.currency, note,
                   allocations, write_offs)


def record_bookings(conn: Connection, bookings: list[tuple[Booking, str]]) -> None:
    """Store payments for the bookings, resettle their invoices, and audit each with ``how`` it was decided."""
    touched = insert_bookings(conn, [b for b, _ in bookings])
    invoice_store.resettle(conn, touched)
    rows: list[tuple[str, str, int, str]] = []
    for b, how in bookings:
        assert b.payment_id is not None
        amount = as_text(Decimal(b.amount_minor).scaleb(-_places(b.currency)), b.currency)
        rows.append(("payment.recorded", "payment", b.payment_id,
                     f"Bank transaction {b.transaction_id}: {amount} {b.currency} booked {how}"))
        for invoice_id, minor in b.allocations:
            share = as_text(Decimal(minor).scaleb(-_places(b.currency)), b.currency)
            rows.append(("invoice.payment", "invoice", invoice_id,
                         f"{share} {b.currency} of payment {b.payment_id} (bank transaction {b.transaction_id}) allocated"))
        for invoice_id, minor, reason in b.write_offs:
            share = as_text(Decimal(minor).scaleb(-_places(b.currency)), b.currency)
            rows.append(("invoice.difference_written_off", "invoice", invoice_id,
                         f"{share} {b.currency} difference written off: {reason}"))
    audit.record_many(conn, rows)


def match_stored(
    conn: Connection, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
) -> dict[int, TransactionState]:
    """Match transactions already stored, book the sure ones, store every outcome; returns each
    transaction's new state."""
    outcomes = decide(conn, stored, context, progress, cancel)
    store_outcomes(conn, outcomes)
    return {o.transaction_id: o.state for o in outcomes}


def decide(
    conn: Connection, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
) -> list[Outcome]:
    """Match ``stored`` transactions in order and book the sure ones (payments, allocations,
    audit); returns every outcome, for the caller to store with the transaction (a new import
    inserts transactions and outcomes in one statement).

    Python's cycle collector is paused for the loop: it would otherwise re-scan the whole book
    (100,000 invoices) again and again, about a fifth of the time; the book holds no cycles.
    """
    with gc_paused():
        return _decide(conn, stored, context, progress, cancel)


def _decide(
    conn: Connection, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None, cancel: CancelToken | None,
) -> list[Outcome]:
    pending: list[tuple[Outcome, Booking | None]] = []
    learned: list[tuple[str, CustomerId]] = []
    why: dict[int, str] = {}
    for index, item in enumerate(stored):
        if index % 500 == 0:
            if cancel is not None:
                cancel.check()
            if progress is not None:
                progress(index, len(stored))
        outcome = match_transaction(item.tx, context.book, context.rules, context.settings)
        auto, suggestions = without_rejected(outcome, item.rejected)
        state = outcome.state
        if state is TransactionState.MATCHED and auto is None:
            state = TransactionState.REVIEW if suggestions else TransactionState.UNMATCHED
        if state is TransactionState.REVIEW and not suggestions:
            state = TransactionState.UNMATCHED
        booking = None
        customer_id = suggestions[0].customer_id if suggestions else None
        if state is TransactionState.MATCHED and auto is not None:
            booking = booking_for(item, auto, auto.customer_id)
            customer_id = auto.customer_id
            for allocation in auto.allocations:
                context.book.settle(allocation.invoice_id, allocation.amount)
            why[item.id] = "automatically: " + "; ".join(r.text for r in auto.reasons)
            if item.tx.counterparty_iban:
                context.book.learn_iban(item.tx.counterparty_iban, auto.customer_id)
                learned.append((item.tx.counterparty_iban, auto.customer_id))
        pending.append((Outcome(
            item.id, state, outcome.category.value if outcome.category else None, outcome.rule_id, customer_id, None,
            "auto" if booking else "", (auto or suggestions[0]).score if (auto or suggestions) else 0,
            json.dumps([x.to_json() for x in ([auto] if auto and not suggestions else suggestions)], ensure_ascii=False),
            outcome.note,
        ), booking))
    bookings = [(b, why[o.transaction_id]) for o, b in pending if b is not None]
    record_bookings(conn, bookings)
    bank_book.learn_ibans(conn, learned)
    if progress is not None:
        progress(len(stored), len(stored))
    return [replace(o, payment_id=b.payment_id) if b else o for o, b in pending]


def _places(currency: str) -> int:
    return precision(currency)
