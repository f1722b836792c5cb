"""The debtor overview (where every customer stands, per currency, as of any day) and the actions
taken from it: notes and calls with follow-ups, and credit limits. Promises, disputes and holds are
pauses of reminders (``PauseService``); the cockpit reads everything about one customer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from desktop.domain.debtors import DebtorFilter, DebtorPage, DebtorSort, NoteKind
from desktop.domain.errors import NotFound, StateError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.money import precision, to_minor
from desktop.services.cockpit import Cockpit, read_cockpit
from desktop.store import audit, debtor_notes, debtor_queries
from desktop.store.database import Connection, Database

NOTE_MAX = 4000
CACHED_DAYS = 3  # computed overviews kept (today and a past day or two)


class DebtorService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today
        # The rows last computed, by (as of, today, the database's change counter), in temporary tables of a
        # connection of the cache's own: paging, sorting and filtering them again needs no new computation until
        # something changes, and only the rows shown become Python objects.
        self._overviews = debtor_queries.OverviewCache(db, CACHED_DAYS)

    def overview(self, as_of: date | None = None, filter: DebtorFilter | None = None,
                 sort: DebtorSort | None = None, offset: int = 0, limit: int | None = 200) -> DebtorPage:
        """One page of debtors (a row per customer and currency with something open or in credit), the number
        of rows matching ``filter`` and their totals per currency; as of today unless ``as_of`` is given."""
        today = self._today()
        day = as_of or today
        return self._overviews.page(day, today, filter or DebtorFilter(), sort or DebtorSort(), offset, limit)

    def close(self) -> None:
        """Give back the connection that holds the computed overviews (the next ``overview`` opens one again)."""
        self._overviews.close()

    def cockpit(self, customer_id: CustomerId) -> Cockpit:
        """Everything about one customer: the overview rows, documents, payments, credits and the timeline."""
        return read_cockpit(self._db, customer_id, self._today)

    # Actions ---------------------------------------------------------------------------------------------------
    def add_note(self, customer_id: CustomerId, kind: NoteKind, text: str, follow_up_on: date | None = None) -> int:
        """Record a note or a call; with ``follow_up_on`` it shows as the next action until completed."""
        clean = text.strip()
        problems: dict[str, str] = {}
        if not clean:
            problems["text"] = "Write what was said or agreed."
        elif len(clean) > NOTE_MAX:
            problems["text"] = f"Keep the note under {NOTE_MAX} characters."
        if follow_up_on is not None and follow_up_on < self._today():
            problems["follow_up_on"] = "A follow-up can't be in the past: choose today or a later day."
        if problems:
            raise ValidationError(problems)
        with self._db.transaction() as conn:
            _check_customer(conn, customer_id)
            note_id = debtor_notes.insert_note(conn, customer_id, kind, clean, follow_up_on)
            follow = f", follow up on {follow_up_on.isoformat()}" if follow_up_on else ""
            audit.record(conn, f"debtor.{kind.value}", "customer", customer_id,
                         f"{'Call' if kind is NoteKind.CALL else 'Note'} recorded{follow}: {clean[:200]}")
            return note_id

    def complete_follow_up(self, note_id: int) -> None:
        with self._db.transaction() as conn:
            note = debtor_notes.get_note(conn, note_id)
            if note is None:
                raise NotFound(f"Note {note_id} does not exist.")
            if note.follow_up_on is None:
                raise StateError("This note has no follow-up to complete.")
            if note.done_at is not None:
                raise StateError("This follow-up is done already.")
            debtor_notes.mark_done(conn, note_id)
            audit.record(conn, "debtor.follow_up_done", "customer", note.customer_id,
                         f"Follow-up of {note.follow_up_on.isoformat()} done: {note.text[:200]}")

    def set_credit_limit(self, customer_id: CustomerId, amount: Decimal | None, currency: str) -> None:
        """Set (or with ``amount`` None, remove) the customer's credit limit in ``currency``."""
        code = currency.strip().upper()
        if amount is not None:
            problems: dict[str, str] = {}
            if len(code) != 3 or not code.isalpha():
                problems["currency"] = "Enter a three-letter currency code, such as EUR."
            elif not amount.is_finite() or amount < 0:
                problems["amount"] = "A credit limit is an amount of zero or more."
            elif amount != round(amount, precision(code)):
                problems["amount"] = f"Use at most {precision(code)} decimals for {code}."
            if problems:
                raise ValidationError(problems)
        with self._db.transaction() as conn:
            _check_customer(conn, customer_id)
            before = debtor_notes.credit_limit(conn, customer_id)
            minor = to_minor(amount, code) if amount is not None else None
            debtor_notes.set_credit_limit(conn, customer_id, minor, code)
            after = debtor_notes.credit_limit(conn, customer_id)
            audit.record(conn, "debtor.credit_limit", "customer", customer_id,
                         f"Credit limit {debtor_notes.limit_text(after)} (was {debtor_notes.limit_text(before)})",
                         {"credit_limit": (debtor_notes.limit_text(before), debtor_notes.limit_text(after))})

    def notes(self, customer_id: CustomerId) -> list[debtor_notes.CustomerNote]:
        with self._db.reading() as conn:
            return debtor_notes.notes(conn, customer_id)


def _check_customer(conn: Connection, customer_id: CustomerId) -> None:
    if not debtor_notes.customer_exists(conn, customer_id):
        raise NotFound(f"Customer {customer_id} does not exist.")
