"""Run the matcher over stored transactions and book what it is sure about, inside the caller's
transaction (an import, or "Match again").

The matcher is pure (``desktop.domain.matching``); this module gives it the open book read from
the database, keeps the book current while it books (so two payments are never both booked to
the same invoice), stores every outcome with its reasons, and writes the audit trail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.bank import TransactionState
from desktop.domain.ids import CustomerId
from desktop.domain.matching import (
    MatchOutcome,
    MatchSettings,
    OpenBook,
    Rule,
    Suggestion,
    match_transaction,
    suggestions_json,
)
from desktop.domain.money import precision, to_minor
from desktop.importers.xml_safety import gc_paused
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.store import audit, bank_book, bank_rules, settings
from desktop.store import events as event_store
from desktop.store import invoices as invoice_store
from desktop.store.bank_booking import Booking, insert_bookings, queue_bookings, queue_resettle
from desktop.store.bank_queries import StoredTransaction
from desktop.store.bank_records import Outcome, next_id, store_outcomes
from desktop.store.bank_writer import BulkWriter, bulk_writer
from desktop.store.database import Connection
from desktop.store.types import instant_text, utcnow

SETTINGS_KEY = "matching"


@dataclass(slots=True)
class MatchContext:
    book: OpenBook
    rules: list[Rule]
    settings: MatchSettings


def load_context(conn: Connection) -> MatchContext:
    """The open book, the enabled rules and the settings. The cycle collector is paused meanwhile: the
    book's 100,000 invoices are ~400,000 new objects, none in a cycle, which it would scan again and
    again (a quarter of the time)."""
    with gc_paused():
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
    """Store payments for the bookings, resettle their invoices, and audit each with ``how`` it was decided.

    The audit has one entry per invoice a booking pays, in that invoice's trail (the invoice window
    shows it), naming the payment, the bank transaction, its amount and ``how``; a booking that pays
    no invoice (all customer credit) has one entry on the payment. An import that books 16,000
    payments thus writes 16,000 entries, not twice that. Written-off differences keep their own entry.
    """
    touched = insert_bookings(conn, [b for b, _ in bookings])
    invoice_store.resettle(conn, touched)
    audit.record_many(conn, audit_rows(bookings))
    event_store.record_payments(conn, [b.payment_id for b, _ in bookings if b.payment_id is not None])


def audit_rows(bookings: list[tuple[Booking, str]]) -> list[tuple[str, str, int, str]]:
    """The audit entries of ``record_bookings``: (action, entity, entity id, summary)."""
    rows: list[tuple[str, str, int, str]] = []
    for b, how in bookings:
        assert b.payment_id is not None
        places = precision(b.currency)
        paid = f"{_text(b.amount_minor, places)} {b.currency}"
        if not b.allocations:
            rows.append(("payment.recorded", "payment", b.payment_id,
                         f"Bank transaction {b.transaction_id}: {paid} booked {how}; kept as customer credit"))
        for invoice_id, minor in b.allocations:
            if minor == b.amount_minor:
                summary = f"{paid} of payment {b.payment_id} allocated: bank transaction {b.transaction_id} booked {how}"
            else:
                summary = (f"{_text(minor, places)} {b.currency} of payment {b.payment_id} allocated: bank transaction "
                           f"{b.transaction_id} of {paid} booked {how}")
            rows.append(("invoice.payment", "invoice", invoice_id, summary))
        for invoice_id, minor, reason in b.write_offs:
            rows.append(("invoice.difference_written_off", "invoice", invoice_id,
                         f"{_text(minor, places)} {b.currency} difference written off: {reason}"))
    return rows


def _text(minor: int, places: int) -> str:
    """Minor units as the plain decimal text ``as_text`` gives (``12345`` -> ``123.45``)."""
    return str(Decimal(minor).scaleb(-places))


def match_stored(
    conn: Connection, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
) -> dict[int, TransactionState]:
    """Match transactions already stored, book the sure ones, store every outcome; returns each
    transaction's new state."""
    outcomes = decide(conn, stored, context, progress, cancel)
    store_outcomes(conn, outcomes)
    return {o.transaction_id: o.state for o in outcomes}


CHUNK = 2_000
"""Transactions matched between handing their writes to the bulk writer, which stores one run while
the next is matched (see ``_runs`` for the first and the last runs)."""

OutcomeSink = Callable[[BulkWriter, list[Outcome], str], None]
"""Queues storing a run of outcomes on the writer, stamped with the given time (an import's new transactions)."""


def decide(
    conn: Connection, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None, store: OutcomeSink | None = None,
) -> list[Outcome]:
    """Match ``stored`` transactions in order and book the sure ones (payments, allocations,
    audit); returns every outcome. ``store``, if given, is handed each run of outcomes in order
    to queue storing them (a new import inserts transactions with their outcomes that way);
    otherwise the caller stores them.

    The work goes ``CHUNK`` transactions at a time: while one run is matched, a ``BulkWriter``
    stores what the previous run booked, so SQLite's work overlaps the matching. The open book is
    settled as payments are booked, so two payments are never booked to the same open amount;
    each run's invoices are resettled once its allocations are stored.

    Python's cycle collector is paused for the loop: it would otherwise re-scan the whole book
    (100,000 invoices) again and again, about a fifth of the time; the book holds no cycles.
    """
    with gc_paused(), bulk_writer(conn) as writer:
        return _decide(conn, writer, stored, context, progress, cancel, store)


def _decide(
    conn: Connection, writer: BulkWriter, stored: list[StoredTransaction], context: MatchContext,
    progress: ProgressCallback | None, cancel: CancelToken | None, store: OutcomeSink | None,
) -> list[Outcome]:
    now = instant_text(utcnow())
    next_payment = first_payment = next_id(conn, "payments")
    outcomes: list[Outcome] = []
    learned: list[tuple[str, CustomerId]] = []
    for start, end in _runs(len(stored)):
        pending, bookings = _match_run(stored, start, end, context, learned, progress, cancel)
        touched = queue_bookings(writer, [b for b, _ in bookings], next_payment, now)
        next_payment += len(bookings)
        queue_resettle(writer, touched, now)
        writer.insert(audit.INSERT_MANY, audit.many_rows(audit_rows(bookings), now))
        run = [Outcome(*head, booking.payment_id if booking else None, *tail) for head, booking, tail in pending]
        if store is not None:
            store(writer, run, now)
        outcomes.extend(run)
    writer.wait()
    event_store.record_payments(conn, range(first_payment, next_payment))  # the payments booked above, in bulk
    bank_book.learn_ibans(conn, learned)
    if progress is not None:
        progress(len(stored), len(stored))
    return outcomes


_Pending = tuple[tuple[int, TransactionState, str | None, int | None, int | None], Booking | None, tuple[str, int, str, str]]
"""An outcome before its booking has a payment: (the fields before ``payment_id``, the booking, the fields after)."""


def _runs(count: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of ``count`` transactions: ``CHUNK`` at a time, except that the first run
    is an eighth of that (the writer starts sooner) and the last ``CHUNK`` go in quarters (less is left to
    store once matching is done)."""
    head = min(count, max(1, CHUNK // 8))
    tail_from = max(head, count - CHUNK)
    step = max(1, CHUNK // 4)
    bounds = [0, *range(head, tail_from, CHUNK), *range(tail_from, count, step), count]
    return [(start, end) for start, end in itertools.pairwise(bounds) if end > start]


def _match_run(
    stored: list[StoredTransaction], start: int, end: int, context: MatchContext, learned: list[tuple[str, CustomerId]],
    progress: ProgressCallback | None, cancel: CancelToken | None,
) -> tuple[list[_Pending], list[tuple[Booking, str]]]:
    """Match ``stored[start:end]``, settling the book as it books; the outcomes and the bookings with how."""
    pending: list[_Pending] = []
    bookings: list[tuple[Booking, str]] = []
    book, rules, match_settings = context.book, context.rules, context.settings
    matched, review, unmatched = TransactionState.MATCHED, TransactionState.REVIEW, TransactionState.UNMATCHED
    for index in range(start, end):
        if index % 500 == 0:
            if cancel is not None:
                cancel.check()
            if progress is not None:
                progress(index, len(stored))
        item = stored[index]
        outcome = match_transaction(item.tx, book, rules, match_settings)
        if item.rejected:
            auto, suggestions = without_rejected(outcome, item.rejected)
        else:
            auto, suggestions = outcome.auto, outcome.suggestions
        state = outcome.state
        if state is matched and auto is None:
            state = review if suggestions else unmatched
        if state is review and not suggestions:
            state = unmatched
        booking = None
        customer_id = suggestions[0].customer_id if suggestions else None
        if state is matched and auto is not None:
            booking = booking_for(item, auto, auto.customer_id)
            customer_id = auto.customer_id
            for allocation in auto.allocations:
                book.settle(allocation.invoice_id, allocation.amount)
            bookings.append((booking, "automatically: " + "; ".join(r.text for r in auto.reasons)))
            iban = item.tx.counterparty_iban
            if iban:
                book.learn_iban(iban, auto.customer_id)
                learned.append((iban, auto.customer_id))
        shown = [auto] if auto and not suggestions else suggestions
        category = outcome.category
        pending.append((
            (item.id, state, category.value if category else None, outcome.rule_id, customer_id), booking,
            ("auto" if booking else "", (auto or suggestions[0]).score if (auto or suggestions) else 0,
             suggestions_json(shown), outcome.note),
        ))
    return pending, bookings

