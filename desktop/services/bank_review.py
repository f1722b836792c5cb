"""The review of bank transactions: accept or reject a suggestion, book by hand (also split over
several invoices), ignore, undo a booking, match again, and the rules and settings of matching.

Every decision is one transaction and leaves an audit entry.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.errors import NotFound, StateError, ValidationError
from desktop.domain.ids import CustomerId, PaymentId
from desktop.domain.listing import TransactionFilter, TransactionSort
from desktop.domain.matching import MatchSettings, Rule, Suggestion, rule_hits, validate_rule
from desktop.domain.money import ZERO, round_money
from desktop.domain.payment import Allocation, OpenItem, PaymentInput, validate_payment
from desktop.services.bank_matching import (
    booking_for,
    load_context,
    load_settings,
    match_stored,
    record_bookings,
    save_settings,
)
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.store import audit, bank_book, bank_queries, bank_rules
from desktop.store import invoices as invoice_store
from desktop.store import payments as payment_store
from desktop.store.bank_booking import unbook
from desktop.store.bank_queries import OpenInvoiceHit, StoredTransaction, TransactionDetail, TransactionRow
from desktop.store.bank_records import Outcome, store_outcomes
from desktop.store.database import Connection, Database

__all__ = ["BankReviewService", "OpenInvoiceHit", "TransactionDetail", "TransactionRow"]


class BankReviewService:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- the list ---------------------------------------------------------------------------
    def search(self, f: TransactionFilter, sort: TransactionSort = TransactionSort.BOOKING_DATE,
               descending: bool = True) -> list[int]:
        with self._db.reading() as conn:
            return bank_queries.search_ids(conn, f, sort, descending)

    def rows(self, ids: list[int]) -> dict[int, TransactionRow]:
        with self._db.reading() as conn:
            return bank_queries.rows(conn, ids)

    def detail(self, transaction_id: int) -> TransactionDetail:
        with self._db.reading() as conn:
            return _detail(conn, transaction_id)

    def suggestions(self, detail: TransactionDetail) -> list[Suggestion]:
        return [Suggestion.from_json(item) for item in detail.suggestions]

    def counts(self) -> dict[TransactionState, int]:
        with self._db.reading() as conn:
            return bank_queries.counts(conn)

    def open_items(self, customer_id: CustomerId, currency: str) -> list[OpenItem]:
        with self._db.reading() as conn:
            return payment_store.open_items(conn, customer_id, currency)

    def find_open_invoices(self, text: str, currency: str | None = None, limit: int = 50) -> list[OpenInvoiceHit]:
        """Any open invoice by number, reference, customer number or name, or amount."""
        with self._db.reading() as conn:
            return bank_queries.find_open_invoices(conn, text, currency, limit)

    def customer_for_iban(self, iban: str) -> CustomerId | None:
        """The one customer known to pay from this IBAN (on record or learned), else None."""
        if not iban:
            return None
        with self._db.reading() as conn:
            found = bank_queries.customer_for_iban(conn, iban)
            return CustomerId(found) if found is not None else None

    # --- decisions --------------------------------------------------------------------------
    def accept(self, transaction_id: int, index: int = 0, write_off_reason: str = "") -> PaymentId:
        """Book the transaction as its suggestion number ``index`` proposes."""
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            if not 0 <= index < len(detail.suggestions):
                raise NotFound("That suggestion is no longer there; the list was refreshed.")
            suggestion = Suggestion.from_json(detail.suggestions[index])
            return _book(conn, detail, suggestion.customer_id, list(suggestion.allocations), write_off_reason,
                         "by the user, accepting: " + "; ".join(r.text for r in suggestion.reasons))

    def book(self, transaction_id: int, customer_id: CustomerId, allocations: list[Allocation],
             write_off_reason: str = "") -> PaymentId:
        """Book by hand: to a customer, spread over the invoices given (what is left is credit)."""
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            return _book(conn, detail, customer_id, allocations, write_off_reason, "by hand")

    def reject(self, transaction_id: int, index: int) -> None:
        """The user says a suggestion is wrong: it is not offered again, also after "Match again"."""
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            _require_open(detail)
            if not 0 <= index < len(detail.suggestions):
                raise NotFound("That suggestion is no longer there; the list was refreshed.")
            gone = detail.suggestions[index]
            left = [s for i, s in enumerate(detail.suggestions) if i != index]
            rejected = [sorted(ids) for ids in detail.rejected]
            rejected.append(sorted(a["invoice_id"] for a in gone["allocations"]))
            conn.exec_driver_sql("UPDATE bank_transactions SET rejected = ? WHERE id = ?", (json.dumps(rejected), transaction_id))
            state = TransactionState.REVIEW if left else TransactionState.UNMATCHED
            _set_outcome(conn, detail, state, left)
            audit.record(conn, "bank.suggestion_rejected", "bank_transaction", transaction_id,
                         f"Suggestion rejected: {_describe(gone)}")

    def ignore(self, transaction_id: int, category: IgnoreCategory, note: str = "") -> None:
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            _require_open(detail)
            store_outcomes(conn, [Outcome(transaction_id, TransactionState.IGNORED, category.value, None, None, None, "",
                                          0, json.dumps(detail.suggestions), note or f"Ignored by the user: {category.value}")])
            audit.record(conn, "bank.ignored", "bank_transaction", transaction_id,
                         f"Transaction ignored as {category.value.replace('_', ' ')}" + (f": {note}" if note else ""))

    def restore(self, transaction_id: int) -> None:
        """Bring an ignored transaction back to the review list."""
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            if detail.row.state is not TransactionState.IGNORED:
                raise StateError("Only an ignored transaction can be brought back.")
            state = TransactionState.REVIEW if detail.suggestions else TransactionState.UNMATCHED
            _set_outcome(conn, detail, state, detail.suggestions)
            audit.record(conn, "bank.restored", "bank_transaction", transaction_id, "Ignored transaction brought back")

    def undo(self, transaction_id: int) -> None:
        """Undo a booked match: the payment and its allocations (and write-offs) go, the invoices reopen."""
        with self._db.transaction() as conn:
            detail = _detail(conn, transaction_id)
            if detail.row.state is not TransactionState.MATCHED or detail.payment_id is None:
                raise StateError("Only a booked transaction can be undone.")
            touched = unbook(conn, transaction_id, PaymentId(detail.payment_id))
            invoice_store.resettle(conn, touched)
            state = TransactionState.REVIEW if detail.suggestions else TransactionState.UNMATCHED
            _set_outcome(conn, replace(detail, payment_id=None), state, detail.suggestions)
            audit.record(conn, "bank.booking_undone", "bank_transaction", transaction_id,
                         f"Booking of bank transaction {transaction_id} undone ({', '.join(detail.row.invoices) or 'credit'}); "
                         f"payment {detail.payment_id} removed",
                         {"invoices": (list(detail.row.invoices), None)})

    def rematch(self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> dict[TransactionState, int]:
        """Match every transaction still waiting (unmatched or in review) again; returns the new counts."""
        with self._db.transaction() as conn:
            ids = bank_queries.ids_in_states(conn, {TransactionState.UNMATCHED, TransactionState.REVIEW})
            states = match_stored(conn, bank_queries.load_for_matching(conn, ids), load_context(conn), progress, cancel)
            audit.record(conn, "bank.rematched", "bank_transaction", 0,
                         f"Matched {len(ids)} waiting transactions again: "
                         f"{sum(s is TransactionState.MATCHED for s in states.values())} booked")
            return {state: sum(s is state for s in states.values()) for state in TransactionState}

    # --- rules and settings -----------------------------------------------------------------
    def rules(self) -> list[Rule]:
        with self._db.reading() as conn:
            return bank_rules.load(conn)

    def save_rule(self, rule: Rule) -> int:
        validate_rule(rule)
        with self._db.transaction() as conn:
            rule_id = bank_rules.save(conn, rule)
            audit.record(conn, "bank.rule_saved", "bank_rule", rule_id, f"Matching rule '{rule.name}' saved")
            return rule_id

    def delete_rule(self, rule_id: int) -> None:
        with self._db.transaction() as conn:
            bank_rules.remove(conn, rule_id)
            audit.record(conn, "bank.rule_deleted", "bank_rule", rule_id, f"Matching rule {rule_id} deleted")

    def move_rule(self, rule_id: int, steps: int) -> None:
        with self._db.transaction() as conn:
            bank_rules.move(conn, rule_id, steps)

    def test_rule(self, rule: Rule, limit: int = 500) -> list[TransactionRow]:
        """The past transactions the rule would catch, newest first."""
        validate_rule(rule)
        with self._db.reading() as conn:
            ids = bank_queries.search_ids(conn, TransactionFilter(), TransactionSort.BOOKING_DATE, True)
            stored = bank_queries.load_for_matching(conn, ids)
            hits = [stored[i].id for i in rule_hits(rule, [s.tx for s in stored])][:limit]
            found = bank_queries.rows(conn, hits)
            return [found[i] for i in hits if i in found]

    def settings(self) -> MatchSettings:
        with self._db.reading() as conn:
            return load_settings(conn)

    def save_settings(self, value: MatchSettings) -> None:
        if value.write_off_tolerance < 0:
            raise ValidationError({"write_off_tolerance": "The tolerance cannot be negative."})
        with self._db.transaction() as conn:
            save_settings(conn, value)
            audit.record(conn, "bank.settings_saved", "settings", 0,
                         f"Matching settings: threshold {value.auto_threshold}, margin {value.margin}, "
                         f"write-off tolerance {value.write_off_tolerance}")


def _detail(conn: Connection, transaction_id: int) -> TransactionDetail:
    found = bank_queries.detail(conn, transaction_id)
    if found is None:
        raise NotFound(f"Bank transaction {transaction_id} does not exist.")
    return found


def _require_open(detail: TransactionDetail) -> None:
    if detail.row.state is TransactionState.MATCHED:
        raise StateError("This transaction is booked; undo the booking first.")


def _set_outcome(
    conn: Connection, detail: TransactionDetail, state: TransactionState, suggestions: list[dict[str, object]],
) -> None:
    score = suggestions[0].get("score", 0) if suggestions else 0
    customer = suggestions[0].get("customer_id") if suggestions else None
    store_outcomes(conn, [Outcome(detail.row.id, state, None, None, customer if isinstance(customer, int) else None,
                                  detail.payment_id if state is TransactionState.MATCHED else None, "",
                                  score if isinstance(score, int) else 0, json.dumps(suggestions), "")])


def _describe(suggestion: dict[str, object]) -> str:
    reasons = suggestion.get("reasons") or []
    texts = [r.get("text", "") for r in reasons if isinstance(r, dict)] if isinstance(reasons, list) else []
    return "; ".join(t for t in texts if t) or "a suggestion"


def _book(conn: Connection, detail: TransactionDetail, customer_id: CustomerId, allocations: list[Allocation],
          write_off_reason: str, how: str) -> PaymentId:
    _require_open(detail)
    tx = detail.tx
    if tx.amount <= 0:
        raise StateError("Only money coming in can pay invoices; this transaction is outgoing.")
    allocations = [Allocation(a.invoice_id, round_money(a.amount, tx.currency)) for a in allocations if a.amount]
    items = {i.invoice_id: i for i in payment_store.open_items(conn, customer_id)}
    validate_payment(PaymentInput(customer_id, tx.booking_date, tx.amount, tx.currency, allocations=allocations), items)
    shortfall = ZERO
    if write_off_reason.strip():
        if not allocations:
            raise ValidationError({"write_off": "Choose the invoice whose difference is written off."})
        last = allocations[-1]
        shortfall = items[last.invoice_id].open_amount - last.amount
        tolerance = load_settings(conn).write_off_tolerance
        if shortfall <= 0:
            raise ValidationError({"write_off": "Nothing is left open on that invoice to write off."})
        if shortfall > tolerance:
            raise ValidationError({"write_off": f"The difference {shortfall} {tx.currency} is above the write-off tolerance of "
                                                f"{tolerance}; record it as a partial payment instead."})
    suggestion = Suggestion(customer_id=customer_id, allocations=tuple(allocations), score=100, reasons=(),
                            credit=tx.amount - sum((a.amount for a in allocations), Decimal(0)), shortfall=shortfall)
    stored = StoredTransaction(detail.row.id, tx, detail.row.state, detail.rejected)
    booking = booking_for(stored, suggestion, customer_id, write_off_reason.strip())
    record_bookings(conn, [(booking, how)])
    assert booking.payment_id is not None
    store_outcomes(conn, [Outcome(detail.row.id, TransactionState.MATCHED, None, None, customer_id, booking.payment_id, "user",
                                  detail.row.score, json.dumps(detail.suggestions), "")])
    bank_book.learn_iban(conn, tx.counterparty_iban, customer_id)
    return booking.payment_id
