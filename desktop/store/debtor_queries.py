"""The debtor overview in SQL: one row per customer and currency, computed once per request into a
temporary table, then filtered, sorted, counted, totalled and paged there.

"As of D" (the same rule as the reports): invoices issued on or before D, less what settled them on
or before D - payments by their ``date``, credit notes by their issue date, write-offs by the day
they were made. A credit note counts from its issue date with what it has not yet been applied to;
a payment counts as credit from its date with what is not allocated. Void and uncollectible
documents never count (the database keeps no date for those changes).

For today the open documents come straight from a partial covering index; for a past day the
candidates are the documents open now plus those paid after D (``invoices.paid_on``, kept by
triggers), each settled as of D. Reminder levels as of a past day come from the reminders sent by then.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from desktop.domain.debtors import (
    DebtorColumn,
    DebtorFilter,
    DebtorPage,
    DebtorRow,
    DebtorSort,
    DebtorTotals,
    LastAction,
    NextAction,
    bucket_bounds,
    credit_used_pct,
)
from desktop.domain.ids import CustomerId
from desktop.domain.money import from_minor

# Open documents as of today: the partial index ix_invoices_debtor_open answers this alone.
_OPEN_TODAY = """
SELECT customer_id, currency, kind, dunning_level AS lvl, due_date, total_minor - settled_minor AS open_minor
FROM invoices INDEXED BY ix_invoices_debtor_open WHERE status IN ('open', 'partially_paid') AND issue_date <= :d {only}
"""

# Open documents as of a past day: open now, or invoices paid after it; each settled as of that day.
_OPEN_PAST = """
SELECT customer_id, currency, kind,
       COALESCE((SELECT MAX(r.level_position) FROM reminder_invoices r WHERE r.invoice_id = i.id AND r.run_date <= :d), 0)
           AS lvl,
       due_date,
       CASE kind WHEN 'credit_note' THEN total_minor - settled_minor ELSE total_minor
       - COALESCE((SELECT SUM(a.amount_minor) FROM allocations a JOIN payments p ON p.id = a.payment_id
                   WHERE a.invoice_id = i.id AND p.date <= :d), 0)
       - COALESCE((SELECT SUM(a.amount_minor) FROM allocations a JOIN invoices cn ON cn.id = a.credit_note_id
                   WHERE a.invoice_id = i.id AND cn.issue_date <= :d AND cn.status <> 'void'), 0)
       - COALESCE((SELECT SUM(w.amount_minor) FROM write_offs w
                   WHERE w.invoice_id = i.id AND substr(w.created_at, 1, 10) <= :d), 0) END AS open_minor
FROM invoices i WHERE {where} {only}
"""
_PAST_OPEN_NOW = "status IN ('open', 'partially_paid') AND issue_date <= :d"
_PAST_PAID_LATER = "paid_on IS NOT NULL AND paid_on > :d AND issue_date <= :d AND kind = 'invoice' AND status = 'paid'"

# One pass over the open documents per customer and currency (the buckets, the credit, the level, and per
# reminder level the oldest due date, from which the next reminder follows); then the unallocated payments;
# then what is kept per customer (last payment and reminder, days paid late per day) and the notes and pauses.
_ROWS = """
WITH src AS {src_mode} ({open_docs}),
docs AS MATERIALIZED (
    SELECT customer_id, currency, SUM(open_minor) AS o,
           SUM(CASE WHEN due_date < :d THEN open_minor END) AS lt_d,
           SUM(CASE WHEN due_date < :b30 THEN open_minor END) AS lt_30,
           SUM(CASE WHEN due_date < :b60 THEN open_minor END) AS lt_60,
           SUM(CASE WHEN due_date < :b90 THEN open_minor END) AS lt_90,
           MAX(lvl) AS lvl{mins}
    FROM src WHERE kind = 'invoice' AND open_minor <> 0 GROUP BY customer_id, currency
),
cn AS MATERIALIZED (
    SELECT customer_id, currency, SUM(open_minor) AS credit_minor
    FROM src WHERE kind <> 'invoice' AND open_minor <> 0 GROUP BY customer_id, currency
    UNION ALL
    SELECT customer_id, currency, SUM(amount_minor - allocated_minor)
    FROM payments INDEXED BY ix_payments_debtor_credit
    WHERE amount_minor > allocated_minor AND date <= :d {only} GROUP BY customer_id, currency
),
credit AS MATERIALIZED (SELECT customer_id, currency, SUM(credit_minor) AS credit_minor FROM cn GROUP BY customer_id, currency),
per AS MATERIALIZED (
    SELECT d.customer_id, d.currency, d.o - COALESCE(d.lt_d, 0) AS b0, COALESCE(d.lt_d, 0) - COALESCE(d.lt_30, 0) AS b1,
           COALESCE(d.lt_30, 0) - COALESCE(d.lt_60, 0) AS b2, COALESCE(d.lt_60, 0) - COALESCE(d.lt_90, 0) AS b3,
           COALESCE(d.lt_90, 0) AS b4, COALESCE(c.credit_minor, 0) AS credit_minor, d.lvl{mins_cols}
    FROM docs d LEFT JOIN credit c ON c.customer_id = d.customer_id AND c.currency = d.currency
    UNION ALL
    SELECT c.customer_id, c.currency, 0, 0, 0, 0, 0, c.credit_minor, 0{nulls} FROM credit c
    WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.customer_id = c.customer_id AND d.currency = c.currency)
),
prc AS MATERIALIZED (
    SELECT per.*, COALESCE((SELECT cd.procedure_id FROM customer_dunning cd WHERE cd.customer_id = per.customer_id),
                           :default_procedure) AS procedure_id,
           COALESCE((SELECT cd.excluded FROM customer_dunning cd WHERE cd.customer_id = per.customer_id), 0) AS excluded
    FROM per
),
pz AS MATERIALIZED (
    SELECT p.customer_id,
           MAX(p.kind = 'hold') AS on_hold, MAX(p.kind = 'dispute') AS disputed,
           MAX(p.kind IN ('hold', 'dispute') AND p.invoice_id IS NULL) AS blocked,
           MIN(CASE WHEN p.kind = 'promise' THEN p.until END) AS promised_on
    FROM dunning_pauses p
    WHERE p.starts_on <= :d AND (p.ended_on IS NULL OR p.ended_on > :d) AND (p.until IS NULL OR p.until >= :d)
      AND (p.invoice_id IS NULL OR EXISTS (SELECT 1 FROM invoices x WHERE x.id = p.invoice_id
                                           AND (x.status IN ('open', 'partially_paid') OR x.paid_on > :d)))
    GROUP BY p.customer_id
),
base AS MATERIALIZED (
    SELECT k.customer_id, c.number AS customer_number, c.name AS customer_name, k.currency,
           k.b0 + k.b1 + k.b2 + k.b3 + k.b4 AS open_minor, k.b1 + k.b2 + k.b3 + k.b4 AS overdue,
           k.b0, k.b1, k.b2, k.b3, k.b4, k.credit_minor, k.lvl, k.procedure_id,
           COALESCE(pz.on_hold, 0) AS on_hold, COALESCE(pz.disputed, 0) AS disputed, pz.promised_on,
           CASE WHEN COALESCE(pz.blocked, 0) OR k.excluded OR k.b0 + k.b1 + k.b2 + k.b3 + k.b4 <= 0 THEN NULL
                ELSE {next_reminder} END AS next_reminder,
           (SELECT MIN(n.follow_up_on) FROM customer_notes n WHERE n.customer_id = k.customer_id
               AND n.done_at IS NULL AND n.follow_up_on IS NOT NULL) AS follow_up_on,
           CASE WHEN f.last_reminder_on IS NULL OR f.last_reminder_on <= :d THEN f.last_reminder_on
                ELSE (SELECT MAX(r.run_date) FROM reminders r WHERE r.customer_id = k.customer_id AND r.run_date <= :d
                      AND r.currency = k.currency) END AS last_reminder,
           (SELECT n.kind || ' ' || substr(n.created_at, 1, 10) FROM customer_notes n WHERE n.customer_id = k.customer_id
               AND n.created_at < :next_day ORDER BY n.created_at DESC LIMIT 1) AS last_note,
           CASE WHEN f.last_payment_on IS NULL OR f.last_payment_on <= :d THEN f.last_payment_on
                ELSE (SELECT MAX(p.date) FROM payments p WHERE p.customer_id = k.customer_id AND p.currency = k.currency
                      AND p.date <= :d) END AS last_payment,
           (SELECT ROUND(SUM(x.days_late) * 1.0 / SUM(x.paid_count), 1) FROM debtor_paid_days x
               WHERE x.customer_id = k.customer_id AND x.currency = k.currency AND x.paid_on > :y AND x.paid_on <= :d)
               AS avg_late,
           CASE WHEN cc.currency = k.currency THEN cc.limit_minor END AS limit_minor
    FROM prc k
    JOIN customers c ON c.id = k.customer_id
    LEFT JOIN debtor_facts f ON f.customer_id = k.customer_id AND f.currency = k.currency
    LEFT JOIN pz ON pz.customer_id = k.customer_id
    LEFT JOIN customer_credit cc ON cc.customer_id = k.customer_id
    WHERE k.b0 + k.b1 + k.b2 + k.b3 + k.b4 <> 0 OR k.credit_minor <> 0
),
acts AS MATERIALIZED (
    SELECT *,
           NULLIF(MIN(COALESCE(promised_on, '9999'), COALESCE(follow_up_on, '9999'), COALESCE(next_reminder, '9999')),
                  '9999') AS next_on,
           NULLIF(MAX(COALESCE(last_reminder, ''), COALESCE(substr(last_note, -10), ''), COALESCE(last_payment, '')), '')
               AS last_on
    FROM base
)
SELECT customer_id, customer_number, customer_name, currency, open_minor, overdue, b0, b1, b2, b3, b4, credit_minor,
       lvl, COALESCE((SELECT l.name FROM dunning_levels l WHERE l.procedure_id = acts.procedure_id AND l.position = lvl), '')
           AS level_name,
       on_hold, disputed, promised_on,
       CASE WHEN next_on IS NULL THEN NULL WHEN next_on = promised_on THEN 'promise'
            WHEN next_on = follow_up_on THEN 'follow_up' ELSE 'reminder' END AS next_action,
       next_on,
       CASE WHEN last_on IS NULL THEN NULL WHEN last_on = last_payment THEN 'payment'
            WHEN last_on = substr(last_note, -10) THEN substr(last_note, 1, 4) ELSE 'reminder' END AS last_action,
       last_on, avg_late, limit_minor,
       CASE WHEN limit_minor IS NULL THEN NULL WHEN limit_minor = 0 THEN (CASE WHEN open_minor > 0 THEN 999.9 ELSE 0 END)
            ELSE ROUND(open_minor * 100.0 / limit_minor, 1) END AS used_pct
FROM acts
"""

_COLUMNS = (
    "customer_id INTEGER, customer_number TEXT, customer_name TEXT, currency TEXT, open_minor INTEGER, overdue INTEGER,"
    " b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER, b4 INTEGER, credit_minor INTEGER, lvl INTEGER, level_name TEXT,"
    " on_hold INTEGER, disputed INTEGER, promised_on TEXT, next_action TEXT, next_on TEXT, last_action TEXT,"
    " last_on TEXT, avg_late REAL, limit_minor INTEGER, used_pct REAL"
)

# Sort keys: amounts compare in minor units, which is right within a currency; across currencies the
# currency breaks ties first so that one currency's rows stay together where amounts are equal.
_SORT_SQL = {
    DebtorColumn.CUSTOMER_NUMBER: "customer_number", DebtorColumn.CUSTOMER_NAME: "customer_name COLLATE NOCASE",
    DebtorColumn.CURRENCY: "currency", DebtorColumn.OPEN_BALANCE: "open_minor", DebtorColumn.OVERDUE: "overdue",
    DebtorColumn.NOT_DUE: "b0", DebtorColumn.DAYS_1_30: "b1", DebtorColumn.DAYS_31_60: "b2", DebtorColumn.DAYS_61_90: "b3",
    DebtorColumn.DAYS_OVER_90: "b4", DebtorColumn.CREDIT: "credit_minor", DebtorColumn.LEVEL: "lvl",
    DebtorColumn.ON_HOLD: "on_hold", DebtorColumn.DISPUTED: "disputed", DebtorColumn.PROMISED_ON: "promised_on",
    DebtorColumn.LAST_ACTION_ON: "last_on", DebtorColumn.NEXT_ACTION_ON: "next_on", DebtorColumn.AVG_DAYS_LATE: "avg_late",
    DebtorColumn.CREDIT_LIMIT: "limit_minor", DebtorColumn.CREDIT_USED: "used_pct",
}


def _rows_sql(conn: Connection, as_of: date, today: date, customer_id: CustomerId | None) -> tuple[str, dict[str, Any]]:
    """The SELECT of all overview rows for ``as_of`` and its parameters."""
    if as_of >= today:
        open_docs = _OPEN_TODAY
    else:
        open_docs = (_OPEN_PAST.format(where=_PAST_OPEN_NOW, only="{only}") + " UNION ALL "
                     + _OPEN_PAST.format(where=_PAST_PAID_LATER, only="{only}"))
    only = "AND customer_id = :customer_id" if customer_id is not None else ""
    # Levels 0 .. the highest of any procedure: the oldest due date at each (at the last level, with no level
    # after it, printf gives '+0 days': the reminder is due again from the oldest due date, as before).
    top = conn.execute(text("SELECT COALESCE(MAX(position), 0) FROM dunning_levels")).scalar_one()
    levels = range(max(top, 0) + 1)
    default = conn.execute(text("SELECT id FROM dunning_procedures WHERE is_default ORDER BY id LIMIT 1")).scalar()
    steps = [tuple(r) for r in conn.execute(text("SELECT procedure_id, position, day_offset FROM dunning_levels"))]
    next_terms = ", ".join(f"COALESCE({_next_day(n, steps)}, '9999')" for n in levels)
    sql = _ROWS.format(
        open_docs=open_docs.format(only=only), only=only,
        mins="".join(f",\n           MIN(CASE WHEN kind = 'invoice' AND lvl = {n} THEN due_date END) AS m{n}" for n in levels),
        mins_cols="".join(f", d.m{n}" for n in levels), nulls=", NULL" * len(levels),
        src_mode="NOT MATERIALIZED" if as_of >= today else "MATERIALIZED",
        next_reminder=f"NULLIF(MIN({next_terms}, '9999'), '9999')")
    params: dict[str, Any] = {k: v.isoformat() for k, v in bucket_bounds(as_of).items()}
    params["customer_id"] = customer_id
    params["default_procedure"] = default
    return sql, params


def _next_day(level: int, steps: list[tuple[int, int, int]]) -> str:
    """SQL for the day the next reminder after ``level`` falls due for the oldest invoice at that level (``k.m{level}``):
    its due date plus the offset of the first later level of the row's procedure (none: the due date itself)."""
    offsets: dict[int, int] = {}
    for procedure_id, position, day_offset in sorted(steps, key=lambda s: (s[0], -s[1])):
        if position > level:
            offsets[procedure_id] = day_offset  # the lowest later position wins (sorted from the top)
    cases = " ".join(f"WHEN {int(p)} THEN date(k.m{level}, '{int(o):+d} days')" for p, o in offsets.items())
    return f"(CASE k.procedure_id {cases} ELSE date(k.m{level}) END)" if cases else f"date(k.m{level})"


def compute(conn: Connection, as_of: date, today: date, customer_id: CustomerId | None = None) -> None:
    """Fill the connection's temporary table ``debtor_rows`` for ``as_of`` (inside the caller's transaction);
    with ``customer_id``, for that customer only."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.debtor_rows")
    conn.exec_driver_sql(f"CREATE TEMP TABLE debtor_rows ({_COLUMNS})")
    sql, params = _rows_sql(conn, as_of, today, customer_id)
    conn.execute(text(f"INSERT INTO debtor_rows {sql}"), params)


def version(conn: Connection) -> int:
    """A number that changes whenever anything the overview reads changes (kept by triggers)."""
    return int(conn.execute(text("SELECT changes FROM debtor_version WHERE id = 1")).scalar_one_or_none() or 0)


def all_rows(conn: Connection, as_of: date, today: date) -> list[Any]:
    """Every overview row for ``as_of``, unsorted, to be paged by ``page_of`` as often as needed."""
    sql, params = _rows_sql(conn, as_of, today, None)
    result = conn.execute(text(sql), params)
    row_type = namedtuple("DebtorSqlRow", list(result.keys()))  # type: ignore[misc]  # plain tuples: fast to page again
    return [row_type._make(r) for r in result]


def _where(flt: DebtorFilter) -> tuple[str, dict[str, Any]]:
    parts: list[str] = []
    params: dict[str, Any] = {}
    if flt.text.strip():
        parts.append("(customer_name LIKE :text ESCAPE '\\' OR customer_number LIKE :text ESCAPE '\\')")
        escaped = flt.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["text"] = f"%{escaped}%"
    if flt.currency:
        parts.append("currency = :currency")
        params["currency"] = flt.currency
    if flt.only_overdue:
        parts.append("overdue > 0")
    if flt.on_hold:
        parts.append("on_hold")
    if flt.disputed:
        parts.append("disputed")
    if flt.over_limit:
        parts.append("limit_minor IS NOT NULL AND open_minor > limit_minor")
    if flt.min_level is not None:
        parts.append("lvl >= :min_level")
        params["min_level"] = flt.min_level
    if flt.action_due_by is not None:
        parts.append("next_on <= :due_by")
        params["due_by"] = flt.action_due_by.isoformat()
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def page(conn: Connection, flt: DebtorFilter, sort: DebtorSort, offset: int, limit: int | None, as_of: date) -> DebtorPage:
    """A page of the rows ``compute`` left in ``debtor_rows``, with the count and totals of all that match."""
    where, params = _where(flt)
    key = _SORT_SQL[sort.column]
    direction = "DESC" if sort.descending else "ASC"
    order = f"({key}) IS NULL, {key} {direction}, customer_name COLLATE NOCASE, currency, customer_id"
    bounds = " LIMIT :limit OFFSET :offset" if limit is not None else ""
    params.update(limit=limit, offset=max(offset, 0))
    rows = [_row(r) for r in conn.execute(text(f"SELECT * FROM debtor_rows{where} ORDER BY {order}{bounds}"), params)]
    totals = [
        DebtorTotals(r.currency, r.n, *(from_minor(v or 0, r.currency) for v in (r.o, r.od, r.b0, r.b1, r.b2, r.b3, r.b4, r.cr)))
        for r in conn.execute(text(
            "SELECT currency, COUNT(*) AS n, SUM(open_minor) AS o, SUM(overdue) AS od, SUM(b0) AS b0, SUM(b1) AS b1,"
            f" SUM(b2) AS b2, SUM(b3) AS b3, SUM(b4) AS b4, SUM(credit_minor) AS cr FROM debtor_rows{where}"
            " GROUP BY currency ORDER BY currency"), params)
    ]
    return DebtorPage(rows, sum(t.customers for t in totals), totals, as_of)


# The same filter and order as ``_where`` and ``page``, on rows held in memory: SQLite's LIKE and NOCASE fold
# ASCII letters only, and its text order is that of the code points, as in Python.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SORT_FIELD = {column: sql.split(" ")[0] for column, sql in _SORT_SQL.items()}


def _fold(value: str) -> str:
    return value.translate(_ASCII_LOWER)


def _keep(flt: DebtorFilter) -> Callable[[Any], bool]:
    needle = _fold(flt.text.strip())
    due_by = flt.action_due_by.isoformat() if flt.action_due_by is not None else None

    def keep(r: Any) -> bool:
        return ((not needle or needle in _fold(r.customer_name) or needle in _fold(r.customer_number))
                and (not flt.currency or r.currency == flt.currency)
                and (not flt.only_overdue or r.overdue > 0)
                and (not flt.on_hold or bool(r.on_hold)) and (not flt.disputed or bool(r.disputed))
                and (not flt.over_limit or (r.limit_minor is not None and r.open_minor > r.limit_minor))
                and (flt.min_level is None or r.lvl >= flt.min_level)
                and (due_by is None or (r.next_on is not None and r.next_on <= due_by)))

    return keep


def page_of(rows: list[Any], flt: DebtorFilter, sort: DebtorSort, offset: int, limit: int | None, as_of: date) -> DebtorPage:
    """``page`` on the rows of ``all_rows``: a page of those matching ``flt``, their count and totals per currency."""
    kept = [r for r in rows if _keep(flt)(r)] if flt != DebtorFilter() else list(rows)
    field_name = _SORT_FIELD[sort.column]
    nocase = sort.column is DebtorColumn.CUSTOMER_NAME
    valued = [r for r in kept if getattr(r, field_name) is not None]
    nulls = [r for r in kept if getattr(r, field_name) is None]
    tie = lambda r: (_fold(r.customer_name), r.currency, r.customer_id)  # noqa: E731
    valued.sort(key=tie)
    valued.sort(key=(lambda r: _fold(r.customer_name)) if nocase else (lambda r: getattr(r, field_name)),
                reverse=sort.descending)
    nulls.sort(key=tie)
    ordered = valued + nulls
    start = max(offset, 0)
    chosen = ordered[start:] if limit is None else ordered[start:start + max(limit, 0)]
    sums: dict[str, list[int]] = {}
    for r in kept:
        total = sums.setdefault(r.currency, [0] * 9)
        total[0] += 1
        for n, v in enumerate((r.open_minor, r.overdue, r.b0, r.b1, r.b2, r.b3, r.b4, r.credit_minor), start=1):
            total[n] += v or 0
    totals = [DebtorTotals(cur, t[0], *(from_minor(v, cur) for v in t[1:])) for cur, t in sorted(sums.items())]
    return DebtorPage([_row(r) for r in chosen], len(kept), totals, as_of)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _row(r: Any) -> DebtorRow:
    cur = r.currency
    money = [from_minor(v, cur) for v in (r.open_minor, r.overdue, r.b0, r.b1, r.b2, r.b3, r.b4, r.credit_minor)]
    limit = from_minor(r.limit_minor, cur) if r.limit_minor is not None else None
    return DebtorRow(
        CustomerId(r.customer_id), r.customer_number, r.customer_name, cur, *money,
        level=r.lvl, level_name=r.level_name or (f"Level {r.lvl}" if r.lvl else ""),
        on_hold=bool(r.on_hold), disputed=bool(r.disputed), promised_on=_day(r.promised_on),
        last_action=LastAction(r.last_action) if r.last_action else None, last_action_on=_day(r.last_on),
        next_action=NextAction(r.next_action) if r.next_action else None, next_action_on=_day(r.next_on),
        avg_days_late_12m=Decimal(str(r.avg_late)) if r.avg_late is not None else None,
        credit_limit=limit, credit_used_pct=credit_used_pct(money[0], limit),
    )
