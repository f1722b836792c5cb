"""Recording events inside the caller's transaction, and their fan-out to webhook deliveries.

Every function here runs in the transaction of the change it describes (a finalize, a payment, a
bank import), so an event exists exactly when its change was committed. In the same statement
batch each new event gets one ``pending`` delivery per active endpoint subscribed to its type
(``INSERT OR IGNORE`` on the unique (event, endpoint, replay): running the fan-out twice adds
nothing). Bulk paths (a bank import, a billing run) write their events with one ``executemany``.

The helpers below (``record_invoices``, ``record_payments``, ...) read what a payload needs from
the database in a few chunked queries, so a caller only names what changed.

Events exist to go out: a type is recorded only while an active endpoint listens for it
(``listening``), so a bank import or a billing run with no webhook pays nothing for them. An endpoint
hears of the changes made from the moment it is added (and of invoices falling overdue after that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from babel.numbers import list_currencies
from sqlalchemy import Connection, text

from desktop.domain import events as ev
from desktop.domain.money import precision
from desktop.store.types import instant_text, utcnow

__all__ = [
    "emit_overdue", "link_message", "message_sent", "record", "record_hold", "record_invoices", "record_many",
    "record_payments", "record_renewals", "record_settlement",
]

NewEvent = tuple[str, Mapping[str, Any], int | None, int | None, int | None, int | None]
"""(type, data, invoice_id, payment_id, customer_id, subject_id)"""

_INSERT = ("INSERT INTO events (uid, type, occurred_at, payload, invoice_id, payment_id, customer_id, subject_id)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_FAN_OUT = (
    "INSERT OR IGNORE INTO webhook_deliveries (event_id, endpoint_id, replay, state, attempts, next_attempt_at,"
    " last_status, last_response, last_error, created_at, updated_at, delivered_at)"
    " SELECT e.id, w.id, 0, 'pending', 0, e.occurred_at, NULL, '', '', e.occurred_at, e.occurred_at, NULL"
    " FROM events e JOIN webhook_endpoints w ON w.active = 1"
    " AND EXISTS (SELECT 1 FROM json_each(w.events) AS j WHERE j.value = e.type)"
    " WHERE e.id > ? ORDER BY e.id, w.id"
)
_CHUNK = 900


def listening(conn: Connection) -> frozenset[str]:
    """The event types some active endpoint subscribes to (``ping`` always: it names its endpoint)."""
    types = {ev.PING}
    for (chosen,) in conn.exec_driver_sql("SELECT events FROM webhook_endpoints WHERE active = 1"):
        types.update(json.loads(chosen))
    return frozenset(types)


def record(conn: Connection, event_type: str, data: Mapping[str, Any], *, invoice_id: int | None = None,
           payment_id: int | None = None, customer_id: int | None = None, subject_id: int | None = None) -> str:
    """Record one event (and its deliveries) in the caller's transaction; returns its public id (``evt_...``),
    or "" when no endpoint listens for its type."""
    uids = record_many(conn, [(event_type, data, invoice_id, payment_id, customer_id, subject_id)])
    return uids[0] if uids else ""


def record_many(conn: Connection, rows: Sequence[NewEvent]) -> list[str]:
    """Record events in one ``executemany``, then fan them out in one statement; returns the public ids
    of those recorded (types no endpoint listens for are left out)."""
    _check_types([row[0] for row in rows])
    wanted = listening(conn) if rows else frozenset()
    rows = [row for row in rows if row[0] in wanted]
    if not rows:
        return []
    uids = ev.new_event_ids(len(rows))
    at = instant_text(utcnow())
    before = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM events").scalar()
    conn.exec_driver_sql(_INSERT, [
        (uid, kind, at, ev.payload_json(data), invoice_id, payment_id, customer_id, subject_id)
        for uid, (kind, data, invoice_id, payment_id, customer_id, subject_id) in zip(uids, rows, strict=True)
    ])
    fan_out(conn, int(before or 0))
    return uids


def _check_types(types: Iterable[str]) -> None:
    unknown = sorted(set(types) - set(ev.EVENT_TYPES) - {ev.PING})
    if unknown:
        raise ValueError(f"unknown event types: {unknown}")


def fan_out(conn: Connection, after_event_id: int) -> int:
    """Make the missing deliveries of events after ``after_event_id``; returns how many were made."""
    if conn.exec_driver_sql("SELECT 1 FROM webhook_endpoints WHERE active = 1 LIMIT 1").first() is None:
        return 0
    return int(conn.exec_driver_sql(_FAN_OUT, (after_event_id,)).rowcount or 0)


# --- what payloads say -------------------------------------------------------------------------------
# Payloads of invoices and payments are built by SQLite itself (json_object, money formatted from
# minor units), so a bank import or a billing run records tens of thousands of events in a few
# statements without a Python object per row.

@cache
def _places_sql(column: str) -> str:
    """SQL for the number of decimals of the currency in ``column`` (2 unless the currency says otherwise):
    a look-up in a text of the others ("BHD3 JPY0 ..."), cheaper in SQLite than a long CASE."""
    odd = " ".join(f"{c}{precision(c)}" for c in sorted(list_currencies()) if precision(c) != 2)
    return (f"(CASE instr('{odd}', {column}) WHEN 0 THEN 2"
            f" ELSE CAST(substr('{odd}', instr('{odd}', {column}) + 3, 1) AS INTEGER) END)")


def _money_sql(minor: str) -> str:
    """SQL for a decimal string of ``minor`` units, given columns ``p`` (decimals) and ``s`` (10 ** p) in scope."""
    return (f"(CASE WHEN p = 0 THEN CAST({minor} AS TEXT) ELSE (CASE WHEN {minor} < 0 THEN '-' ELSE '' END)"
            f" || (abs({minor}) / s) || '.' || printf('%0*d', p, abs({minor}) % s) END)")


def _with_rows(inner: str) -> str:
    """A ``WITH r`` clause: the rows of ``inner`` (a SELECT with a ``currency`` column) with ``p`` and ``s``
    added. Materialized, so the currency's decimals are worked out once a row, not in every amount."""
    places = _places_sql("y.currency")
    scale = f"CASE {places} WHEN 0 THEN 1 WHEN 1 THEN 10 WHEN 2 THEN 100 WHEN 3 THEN 1000 ELSE 10000 END"
    return f"WITH r AS MATERIALIZED (SELECT y.*, {places} AS p, {scale} AS s FROM ({inner}) y) "


_INVOICE_JSON = (
    "json_object('id', id, 'kind', kind, 'number', number, 'status', status, 'currency', currency,"
    " 'issue_date', issue_date, 'due_date', due_date, 'net', {net}, 'vat', {vat}, 'total', {total}, 'paid', {paid},"
    " 'open', {open}, 'reference', reference, 'customer', json_object('id', customer_id, 'number', customer_number,"
    " 'name', customer_name))"
).format(net=_money_sql("net_minor"), vat=_money_sql("vat_minor"), total=_money_sql("total_minor"),
         paid=_money_sql("settled_minor"), open=_money_sql("total_minor - settled_minor"))

_INVOICE_ROWS = (
    "SELECT i.id, i.kind, i.number, i.status, i.currency, i.issue_date, i.due_date, i.net_minor, i.vat_minor,"
    " i.total_minor, i.settled_minor, i.reference, i.customer_id, c.number AS customer_number, c.name AS customer_name"
    " FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE {where}"
)


def _invoice_select(where: str, type_sql: str, extra_sql: str = "") -> str:
    """SELECT of event rows (uid, type, occurred_at, payload, invoice_id, payment_id, customer_id, subject_id)
    for the invoices matching ``where``; ``extra_sql`` adds ``, 'key', value`` pairs to the data."""
    return (_with_rows(_INVOICE_ROWS.format(where=where)) + f"SELECT 'evt_' || lower(hex(randomblob(12))), {type_sql}, :at,"
            f" '{{\"invoice\":' || {_INVOICE_JSON}{extra_sql} || '}}', id, NULL, customer_id, NULL FROM r")


_INSERT_SELECT = "INSERT INTO events (uid, type, occurred_at, payload, invoice_id, payment_id, customer_id, subject_id) "


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterable[Sequence[int]]:
    return (ids[i:i + size] for i in range(0, len(ids), size))


def _in(column: str, chunk: Sequence[int]) -> tuple[str, dict[str, int]]:
    names = {f"i{n}": value for n, value in enumerate(chunk)}
    return f"{column} IN ({','.join(':' + k for k in names)})", names


def _customer(customer_id: int, number: str, name: str) -> dict[str, Any]:
    return {"id": customer_id, "number": number, "name": name}


def _insert_events(conn: Connection, select_sql: str, params: Mapping[str, Any]) -> int:
    """Run one INSERT ... SELECT of events and fan the new ones out; returns how many were recorded."""
    before = int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM events").scalar() or 0)
    count = int(conn.execute(text(_INSERT_SELECT + select_sql), dict(params)).rowcount or 0)
    if count:
        fan_out(conn, before)
    return count


def invoice_data(conn: Connection, invoice_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The ``invoice`` object of each invoice's event payload, by id."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(invoice_ids))):
        where, params = _in("i.id", chunk)
        sql = _with_rows(_INVOICE_ROWS.format(where=where)) + f"SELECT id, {_INVOICE_JSON} FROM r"
        found.update((id_, json.loads(data)) for id_, data in conn.execute(text(sql), params))
    return found


def record_invoices(conn: Connection, event_type: str, invoice_ids: Iterable[int],
                    extra: Mapping[str, str] | None = None) -> int:
    """One ``event_type`` event per invoice (finalized, voided, sent, overdue), with ``extra`` text
    fields beside ``invoice``; returns how many were recorded."""
    _check_types([event_type])
    if event_type not in listening(conn):
        return 0
    extra_sql = "".join(f" || ',\"{key}\":' || json_quote(:x_{key})" for key in (extra or {}))
    extra_params = {f"x_{key}": value for key, value in (extra or {}).items()}
    count = 0
    at = instant_text(utcnow())
    for chunk in _chunks(sorted(set(invoice_ids))):
        where, params = _in("i.id", chunk)
        count += _insert_events(conn, _invoice_select(where, ":type", extra_sql),
                                {**params, **extra_params, "type": event_type, "at": at})
    return count


_SETTLED_TYPE = f"(CASE status WHEN 'paid' THEN '{ev.INVOICE_PAID}' ELSE '{ev.INVOICE_PARTIALLY_PAID}' END)"
_SETTLED = "i.status IN ('paid', 'partially_paid') AND "


def record_settlement(conn: Connection, invoice_ids: Iterable[int]) -> int:
    """After payments were allocated to ``invoice_ids`` (and they were resettled): ``invoice.paid``
    for each now paid, ``invoice.partially_paid`` for each with something still open."""
    if not {ev.INVOICE_PAID, ev.INVOICE_PARTIALLY_PAID} & listening(conn):
        return 0
    count = 0
    at = instant_text(utcnow())
    for chunk in _chunks(sorted(set(invoice_ids))):
        where, params = _in("i.id", chunk)
        count += _insert_events(conn, _invoice_select(_SETTLED + where, _SETTLED_TYPE), {**params, "at": at})
    return count


_PAYMENT_ROWS = (
    "SELECT p.id, p.customer_id, p.date, p.amount_minor, p.currency, p.method, c.number AS customer_number,"
    " c.name AS customer_name FROM payments p JOIN customers c ON c.id = p.customer_id WHERE {where}"
)
_ALLOCATIONS_JSON = (
    "(SELECT json_group_array(json_object('invoice_id', a.invoice_id, 'invoice_number', i.number, 'amount', {amount}))"
    " FROM (SELECT * FROM allocations WHERE payment_id = r.id ORDER BY id) a JOIN invoices i ON i.id = a.invoice_id)"
).format(amount=_money_sql("a.amount_minor"))
_PAYMENT_SELECT = (
    f"SELECT 'evt_' || lower(hex(randomblob(12))), '{ev.PAYMENT_RECEIVED}', :at, '{{\"payment\":' || json_object("
    f"'id', r.id, 'date', r.date, 'amount', {_money_sql('r.amount_minor')}, 'currency', r.currency, 'method', r.method,"
    " 'customer', json_object('id', r.customer_id, 'number', r.customer_number, 'name', r.customer_name),"
    f" 'allocations', json({_ALLOCATIONS_JSON})) || '}}', NULL, r.id, r.customer_id, NULL FROM r"
)


def _id_filters(column: str, ids: list[int]) -> Iterable[tuple[str, dict[str, int]]]:
    """WHERE clauses covering ``ids``: one range when they are consecutive (a bank import's payments)."""
    if ids and ids[-1] - ids[0] == len(ids) - 1:
        yield f"{column} BETWEEN :low AND :high", {"low": ids[0], "high": ids[-1]}
        return
    for chunk in _chunks(ids):
        yield _in(column, chunk)


def record_payments(conn: Connection, payment_ids: Iterable[int]) -> int:
    """``payment.received`` for each payment (with its allocations), then the state events of the
    invoices it paid (``record_settlement``). Call after the payments and allocations are stored
    and the invoices resettled. Returns how many events were recorded."""
    wanted = listening(conn)
    received = ev.PAYMENT_RECEIVED in wanted
    settled = bool({ev.INVOICE_PAID, ev.INVOICE_PARTIALLY_PAID} & wanted)
    ids = sorted(set(payment_ids)) if received or settled else []
    count = 0
    at = instant_text(utcnow())
    for where, params in _id_filters("p.id", ids):
        if received:
            count += _insert_events(conn, _with_rows(_PAYMENT_ROWS.format(where=where)) + _PAYMENT_SELECT,
                                    {**params, "at": at})
        if not settled:
            continue
        paid = where.replace("p.id", "a.payment_id")
        touched = f"i.id IN (SELECT DISTINCT a.invoice_id FROM allocations a WHERE {paid})"
        count += _insert_events(conn, _invoice_select(_SETTLED + touched, _SETTLED_TYPE), {**params, "at": at})
    return count


def emit_overdue(conn: Connection, today: date) -> int:
    """``invoice.overdue`` once per invoice that is past its due date and still open (the first
    check after it fell due: the day after its due date when the app runs daily, or the first check
    after an endpoint started listening); returns how many."""
    if ev.INVOICE_OVERDUE not in listening(conn):
        return 0
    where = ("i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.due_date < :today AND NOT EXISTS"
             " (SELECT 1 FROM events e WHERE e.invoice_id = i.id AND e.type = :type)")
    days = " || ',\"days_overdue\":' || CAST(julianday(:today) - julianday(due_date) AS INTEGER)"
    return _insert_events(conn, _invoice_select(where, ":type", days),
                          {"today": today.isoformat(), "type": ev.INVOICE_OVERDUE, "at": instant_text(utcnow())})


def record_hold(conn: Connection, pause_id: int, customer_id: int, reason: str, starts_on: date, until: date | None,
                invoice_id: int | None = None) -> str:
    """``customer.on_hold``: reminders stopped by hand for the customer (or one of its invoices)."""
    if ev.CUSTOMER_ON_HOLD not in listening(conn):
        return ""
    number, name = conn.exec_driver_sql("SELECT number, name FROM customers WHERE id = ?", (customer_id,)).one()
    invoice = invoice_data(conn, [invoice_id]).get(invoice_id) if invoice_id is not None else None
    data = {"customer": _customer(customer_id, number, name),
            "hold": {"id": pause_id, "reason": reason, "starts_on": starts_on.isoformat(),
                     "until": until.isoformat() if until else None, "invoice": invoice}}
    return record(conn, ev.CUSTOMER_ON_HOLD, data, invoice_id=invoice_id, customer_id=customer_id, subject_id=pause_id)


def record_renewals(conn: Connection, renewals: Sequence[tuple[int, int | None, date, date]],
                    extra: Mapping[int, Mapping[str, Any]] | None = None) -> list[str]:
    """``subscription.renewed`` per (subscription id, invoice id or None, period start, period end):
    the subscription entered a new period; its invoice, when made, is in the payload. ``extra`` adds
    fields to a subscription's ``subscription`` object (plan name, interval...)."""
    if ev.SUBSCRIPTION_RENEWED not in listening(conn):
        return []
    invoices = invoice_data(conn, [r[1] for r in renewals if r[1] is not None])
    rows: list[NewEvent] = []
    for subscription_id, invoice_id, start, end in renewals:
        invoice = invoices.get(invoice_id) if invoice_id is not None else None
        subscription = {"id": subscription_id, "period_start": start.isoformat(), "period_end": end.isoformat(),
                        **((extra or {}).get(subscription_id, {}))}
        customer_id = invoice["customer"]["id"] if invoice else subscription.get("customer_id")
        rows.append((ev.SUBSCRIPTION_RENEWED, {"subscription": subscription, "invoice": invoice}, invoice_id, None,
                     customer_id, subscription_id))
    return record_many(conn, rows)


def link_message(conn: Connection, outbox_id: int, invoice_ids: Iterable[int]) -> None:
    """Note that the outbox message ``outbox_id`` carries these invoices (call where it is enqueued):
    when it is delivered, ``invoice.sent`` is recorded for each."""
    conn.exec_driver_sql("INSERT OR IGNORE INTO outbox_invoices (outbox_id, invoice_id) VALUES (?, ?)",
                         [(outbox_id, i) for i in sorted(set(invoice_ids))])


def message_sent(conn: Connection, outbox_id: int) -> list[str]:
    """An outbox message was delivered: ``reminder.sent`` for a reminder, ``invoice.sent`` for each
    invoice it carries. Call in the transaction that marks it sent."""
    found = conn.exec_driver_sql("SELECT reminder_id, message_id FROM outbox WHERE id = ?", (outbox_id,)).first()
    if found is None:
        return []
    reminder_id, message_id = found
    uids: list[str] = []
    if reminder_id is not None:
        uids += _reminder_sent(conn, reminder_id, message_id)
    invoice_ids = [row[0] for row in conn.exec_driver_sql(
        "SELECT invoice_id FROM outbox_invoices WHERE outbox_id = ?", (outbox_id,))]
    if invoice_ids:
        record_invoices(conn, ev.INVOICE_SENT, invoice_ids, {"message_id": message_id})
    return uids


def _reminder_sent(conn: Connection, reminder_id: int, message_id: str) -> list[str]:
    row = conn.exec_driver_sql(
        "SELECT r.customer_id, c.number, c.name, r.level_position, r.level_name, r.final, r.currency, r.run_date,"
        " r.open_minor, r.fee_minor, r.interest_minor, r.amount_minor"
        " FROM reminders r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?", (reminder_id,)).first()
    if row is None:
        return []
    customer_id, number, name, level, level_name, final, currency, run_date, open_, fee, interest, amount = row
    places = precision(currency)
    invoices = [{"id": i, "number": n} for i, n in conn.exec_driver_sql(
        "SELECT ri.invoice_id, i.number FROM reminder_invoices ri JOIN invoices i ON i.id = ri.invoice_id"
        " WHERE ri.reminder_id = ? ORDER BY i.number", (reminder_id,))]
    data = {"reminder": {
        "id": reminder_id, "level": level, "level_name": level_name, "final": bool(final), "date": str(run_date),
        "currency": currency, "open": ev.money_text(open_, places), "fee": ev.money_text(fee, places),
        "interest": ev.money_text(interest, places), "amount": ev.money_text(amount, places),
        "customer": _customer(customer_id, number, name), "invoices": invoices, "message_id": message_id,
    }}
    return [record(conn, ev.REMINDER_SENT, data, customer_id=customer_id, subject_id=reminder_id)]
