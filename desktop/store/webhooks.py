"""Webhook endpoints and the delivery outbox: which deliveries are due, claiming one (a lease, so
a crash mid-attempt is retried), recording its outcome, the delivery log, and replays.

Every state change is a conditional UPDATE: a delivery already ``delivered`` is never taken again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from desktop.store.events_schema import events, webhook_deliveries, webhook_endpoints
from desktop.store.types import utcnow

PENDING, DELIVERING, DELIVERED, FAILED = "pending", "delivering", "delivered", "failed"
STATES = (PENDING, DELIVERING, DELIVERED, FAILED)
d = webhook_deliveries


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    secret_name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    """A line of the delivery log."""

    id: int
    endpoint_id: int
    url: str
    event_uid: str
    event_type: str
    occurred_at: datetime
    replay: int
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_response: str
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt needs: where to, the event, and how to sign it."""

    id: int
    endpoint_id: int
    url: str
    secret_name: str
    event_uid: str
    event_type: str
    occurred_at: datetime
    payload: str
    attempts: int
    created_at: datetime


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(row.id, row.url, json.loads(row.events), bool(row.active), row.description, row.secret_name,
                    row.created_at, row.updated_at)


def endpoints(conn: Connection) -> list[Endpoint]:
    return [_endpoint(r) for r in conn.execute(select(webhook_endpoints).order_by(webhook_endpoints.c.id))]


def endpoint(conn: Connection, endpoint_id: int) -> Endpoint | None:
    row = conn.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)).one_or_none()
    return None if row is None else _endpoint(row)


def insert_endpoint(conn: Connection, url: str, event_types: list[str], active: bool, description: str) -> int:
    now = utcnow()
    result = conn.execute(insert(webhook_endpoints).values(
        url=url, events=json.dumps(event_types), active=active, description=description, secret_name="",
        created_at=now, updated_at=now))
    key = result.inserted_primary_key
    assert key is not None
    endpoint_id = int(key[0])
    conn.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
                 .values(secret_name=f"webhook:{endpoint_id}"))
    return endpoint_id


def update_endpoint(conn: Connection, endpoint_id: int, url: str, event_types: list[str], active: bool,
                    description: str) -> bool:
    done = conn.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id).values(
        url=url, events=json.dumps(event_types), active=active, description=description, updated_at=utcnow())).rowcount
    return done == 1


def delete_endpoint(conn: Connection, endpoint_id: int) -> bool:
    conn.execute(delete(d).where(d.c.endpoint_id == endpoint_id))
    return conn.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)).rowcount == 1


# --- deliveries -------------------------------------------------------------------------------------------
def add_delivery(conn: Connection, event_id: int, endpoint_id: int, now: datetime) -> int:
    """A new delivery of an event to an endpoint (a ping, or a replay: the next ``replay`` number)."""
    replay = conn.execute(select(d.c.replay).where(d.c.event_id == event_id, d.c.endpoint_id == endpoint_id)
                          .order_by(d.c.replay.desc()).limit(1)).scalar()
    result = conn.execute(insert(d).values(
        event_id=event_id, endpoint_id=endpoint_id, replay=0 if replay is None else replay + 1, state=PENDING,
        attempts=0, next_attempt_at=now, last_status=None, last_response="", last_error="", created_at=now,
        updated_at=now, delivered_at=None))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def event_row_id(conn: Connection, uid: str) -> int | None:
    return conn.execute(select(events.c.id).where(events.c.uid == uid)).scalar()


def delivery_event(conn: Connection, delivery_id: int) -> tuple[int, int] | None:
    row = conn.execute(select(d.c.event_id, d.c.endpoint_id).where(d.c.id == delivery_id)).one_or_none()
    return None if row is None else (row.event_id, row.endpoint_id)


def endpoints_of_event(conn: Connection, event_id: int) -> list[int]:
    return list(conn.execute(select(d.c.endpoint_id).where(d.c.event_id == event_id).distinct()
                             .order_by(d.c.endpoint_id)).scalars())


def due_ids(conn: Connection, now: datetime) -> list[int]:
    """Deliveries to try now, to active endpoints: pending ones whose time has come and ``delivering``
    ones whose lease ran out (an attempt that crashed), oldest event first."""
    query = (
        select(d.c.id).join(webhook_endpoints, webhook_endpoints.c.id == d.c.endpoint_id)
        .where(d.c.state.in_((PENDING, DELIVERING)), d.c.next_attempt_at <= now, webhook_endpoints.c.active.is_(True))
        .order_by(d.c.event_id, d.c.id)
    )
    return list(conn.execute(query).scalars())


def claim(conn: Connection, delivery_id: int, now: datetime, lease_until: datetime) -> Attempt | None:
    """Mark the delivery ``delivering`` until ``lease_until`` if it is still due; None when it is not."""
    claimed = conn.execute(
        update(d).where(d.c.id == delivery_id, d.c.state.in_((PENDING, DELIVERING)), d.c.next_attempt_at <= now)
        .values(state=DELIVERING, attempts=d.c.attempts + 1, next_attempt_at=lease_until, updated_at=now)
    ).rowcount
    if claimed != 1:
        return None
    row = conn.execute(
        select(d.c.id, d.c.endpoint_id, webhook_endpoints.c.url, webhook_endpoints.c.secret_name, events.c.uid,
               events.c.type, events.c.occurred_at, events.c.payload, d.c.attempts, d.c.created_at)
        .join(webhook_endpoints, webhook_endpoints.c.id == d.c.endpoint_id).join(events, events.c.id == d.c.event_id)
        .where(d.c.id == delivery_id)
    ).one()
    return Attempt(*row)


def settle(conn: Connection, delivery_id: int, state: str, now: datetime, status: int | None, response: str, error: str,
           next_attempt_at: datetime | None = None) -> None:
    """Record an attempt's outcome: ``delivered``, ``failed``, or ``pending`` again at ``next_attempt_at``."""
    values: dict[str, Any] = {"state": state, "last_status": status, "last_response": response, "last_error": error,
                              "updated_at": now}
    if state == DELIVERED:
        values["delivered_at"] = now
    if state == PENDING:
        assert next_attempt_at is not None
        values["next_attempt_at"] = next_attempt_at
    conn.execute(update(d).where(d.c.id == delivery_id, d.c.state == DELIVERING).values(**values))


def release(conn: Connection, delivery_id: int, now: datetime, at: datetime, error: str) -> None:
    """Give a claimed delivery back untried: ``pending`` at ``at``, its attempt not counted."""
    conn.execute(update(d).where(d.c.id == delivery_id, d.c.state == DELIVERING).values(
        state=PENDING, attempts=d.c.attempts - 1, next_attempt_at=at, last_error=error, updated_at=now))


def defer_endpoint(conn: Connection, endpoint_id: int, now: datetime, until: datetime, error: str) -> int:
    """Push the endpoint's due pending deliveries to ``until`` without counting an attempt (the
    receiver could not be reached, so they were not tried)."""
    return int(conn.execute(
        update(d).where(d.c.endpoint_id == endpoint_id, d.c.state == PENDING, d.c.next_attempt_at <= now)
        .values(next_attempt_at=until, last_error=error, updated_at=now)).rowcount or 0)


_LOG_COLUMNS = (
    d.c.id, d.c.endpoint_id, webhook_endpoints.c.url, events.c.uid, events.c.type, events.c.occurred_at, d.c.replay,
    d.c.state, d.c.attempts, d.c.next_attempt_at, d.c.last_status, d.c.last_response, d.c.last_error, d.c.created_at,
    d.c.delivered_at,
)


def log(conn: Connection, endpoint_id: int | None = None, states: tuple[str, ...] = STATES, event_uid: str | None = None,
        limit: int = 500) -> list[DeliveryEntry]:
    """Deliveries, newest first, optionally of one endpoint, in ``states``, or of one event."""
    query = (select(*_LOG_COLUMNS).join(webhook_endpoints, webhook_endpoints.c.id == d.c.endpoint_id)
             .join(events, events.c.id == d.c.event_id).where(d.c.state.in_(states)))
    if endpoint_id is not None:
        query = query.where(d.c.endpoint_id == endpoint_id)
    if event_uid is not None:
        query = query.where(events.c.uid == event_uid)
    return [DeliveryEntry(*row) for row in conn.execute(query.order_by(d.c.id.desc()).limit(limit))]


def counts(conn: Connection) -> dict[str, int]:
    found = dict(conn.exec_driver_sql("SELECT state, count(*) FROM webhook_deliveries GROUP BY state").all())
    return {state: int(found.get(state, 0)) for state in STATES}


def body_of(conn: Connection, delivery_id: int) -> tuple[str, str, datetime, str] | None:
    """(uid, type, occurred_at, payload) of the delivery's event."""
    row = conn.execute(select(events.c.uid, events.c.type, events.c.occurred_at, events.c.payload)
                       .join(d, d.c.event_id == events.c.id).where(d.c.id == delivery_id)).one_or_none()
    return None if row is None else (row.uid, row.type, row.occurred_at, row.payload)
