"""The outbox: messages stored whole before they are sent, and their delivery state.

``enqueue`` runs inside the caller's transaction (the one that records the reminder), so a
reminder is never recorded without its message nor a message without its reminder. Every state
change below is a conditional UPDATE: a message already ``sent`` is never taken again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, func, insert, select, update

from desktop.store.mail_schema import outbox
from desktop.store.types import utcnow

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATES = (QUEUED, SENDING, SENT, FAILED)


class Composed(Protocol):
    """What ``enqueue`` needs of a composed message (``documents.email_message.ComposedEmail``)."""

    @property
    def message_id(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def to(self) -> list[str]: ...
    @property
    def subject(self) -> str: ...
    @property
    def raw(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A message as the outbox list shows it (without its bytes)."""

    id: int
    customer_id: int | None
    reminder_id: int | None
    kind: str
    message_id: str
    to: list[str]
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the sender needs: the envelope and the stored bytes."""

    id: int
    message_id: str
    from_addr: str
    to: list[str]
    raw: bytes
    attempts: int


_LIST_COLUMNS = (
    outbox.c.id, outbox.c.customer_id, outbox.c.reminder_id, outbox.c.kind, outbox.c.message_id, outbox.c.to_addrs,
    outbox.c.subject, outbox.c.state, outbox.c.attempts, outbox.c.next_attempt_at, outbox.c.last_error,
    outbox.c.created_at, outbox.c.sent_at,
)


def enqueue(conn: Connection, composed: Composed, customer_id: int | None, kind: str, reminder_id: int | None = None) -> int:
    """Store ``composed`` as ``queued``, due now; returns its outbox id. Runs in the caller's transaction."""
    now = utcnow()
    result = conn.execute(insert(outbox).values(
        customer_id=customer_id, reminder_id=reminder_id, kind=kind, message_id=composed.message_id,
        from_addr=composed.sender, to_addrs=json.dumps(list(composed.to)), subject=composed.subject, raw=composed.raw,
        state=QUEUED, attempts=0, next_attempt_at=now, last_error="", created_at=now, sent_at=None,
    ))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row.id, customer_id=row.customer_id, reminder_id=row.reminder_id, kind=row.kind, message_id=row.message_id,
        to=json.loads(row.to_addrs), subject=row.subject, state=row.state, attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_error=row.last_error, created_at=row.created_at, sent_at=row.sent_at,
    )


def entries(
    conn: Connection, states: tuple[str, ...] = STATES, customer_id: int | None = None, limit: int = 1000,
) -> list[OutboxEntry]:
    """Messages, newest first, optionally only in ``states`` and of one customer."""
    query = select(*_LIST_COLUMNS).where(outbox.c.state.in_(states))
    if customer_id is not None:
        query = query.where(outbox.c.customer_id == customer_id)
    return [_entry(row) for row in conn.execute(query.order_by(outbox.c.id.desc()).limit(limit))]


def entry(conn: Connection, outbox_id: int) -> OutboxEntry | None:
    row = conn.execute(select(*_LIST_COLUMNS).where(outbox.c.id == outbox_id)).one_or_none()
    return None if row is None else _entry(row)


def raw(conn: Connection, outbox_id: int) -> bytes | None:
    return conn.execute(select(outbox.c.raw).where(outbox.c.id == outbox_id)).scalar()


def counts(conn: Connection) -> dict[str, int]:
    found = {state: count for state, count in conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state))}
    return {state: int(found.get(state, 0)) for state in STATES}


def due_ids(conn: Connection, now: datetime) -> list[int]:
    """Messages to try now: queued ones whose time has come, and ``sending`` ones whose lease ran
    out (a delivery that crashed between sending and recording it), oldest first."""
    query = (
        select(outbox.c.id)
        .where(outbox.c.state.in_((QUEUED, SENDING)), outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
    )
    return list(conn.execute(query).scalars())


def claim(conn: Connection, outbox_id: int, now: datetime, lease_until: datetime) -> Delivery | None:
    """Mark the message ``sending`` until ``lease_until`` if it is still due; ``None`` when it is not
    (sent or failed meanwhile, or taken by another delivery whose lease has not run out)."""
    claimed = conn.execute(
        update(outbox)
        .where(outbox.c.id == outbox_id, outbox.c.state.in_((QUEUED, SENDING)), outbox.c.next_attempt_at <= now)
        .values(state=SENDING, attempts=outbox.c.attempts + 1, next_attempt_at=lease_until)
    ).rowcount
    if claimed != 1:
        return None
    row = conn.execute(
        select(outbox.c.id, outbox.c.message_id, outbox.c.from_addr, outbox.c.to_addrs, outbox.c.raw, outbox.c.attempts)
        .where(outbox.c.id == outbox_id)
    ).one()
    return Delivery(row.id, row.message_id, row.from_addr, json.loads(row.to_addrs), row.raw, row.attempts)


def mark_sent(conn: Connection, outbox_id: int, note: str = "") -> bool:
    done = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.state == SENDING)
        .values(state=SENT, sent_at=utcnow(), last_error=note)
    ).rowcount
    return done == 1


def mark_retry(conn: Connection, outbox_id: int, at: datetime, error: str, count_attempt: bool = True) -> None:
    """Back to ``queued``, to be tried at ``at``; ``count_attempt=False`` gives the attempt back
    (the server could not be reached at all, so this message was never tried)."""
    values: dict[str, Any] = {"state": QUEUED, "next_attempt_at": at, "last_error": error}
    if not count_attempt:
        values["attempts"] = outbox.c.attempts - 1
    conn.execute(update(outbox).where(outbox.c.id == outbox_id, outbox.c.state == SENDING).values(**values))


def mark_failed(conn: Connection, outbox_id: int, error: str) -> None:
    conn.execute(update(outbox).where(outbox.c.id == outbox_id, outbox.c.state == SENDING)
                 .values(state=FAILED, last_error=error))


def requeue(conn: Connection, outbox_id: int) -> bool:
    """A failed message back in the queue, due now, with a fresh count of attempts."""
    done = conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.state == FAILED)
        .values(state=QUEUED, attempts=0, next_attempt_at=utcnow(), last_error="")
    ).rowcount
    return done == 1


def states_by_message_id(conn: Connection, message_ids: list[str]) -> dict[str, str]:
    """The delivery state of each message (for a customer's timeline)."""
    if not message_ids:
        return {}
    rows = conn.execute(select(outbox.c.message_id, outbox.c.state).where(outbox.c.message_id.in_(message_ids)))
    return {message_id: state for message_id, state in rows}
