"""The debtor overview in SQL: one row per customer and currency, computed into a temporary table, then
filtered, sorted, counted, totalled and paged there (``OverviewCache`` keeps those tables on a connection of
its own until anything changes). Only the rows shown become Python objects; the columns that follow from
others (next and last action, credit used) are virtual columns, and the average days paid late is worked
out for the rows shown until someone sorts by it.

The next reminder: for each reminder level, the oldest open invoice at that level plus the offset of the
procedure's next level. A reminder due already is due on the day looked at (not on a past day); none while
the customer is excluded from reminders or has a pause of the whole account (hold, dispute, promise, plan),
as the reminder run does.

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

import threading
import weakref
from collections import namedtuple
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
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
from desktop.store.database import Database, translate_errors

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
FROM invoices i INDEXED BY {index} WHERE {where} {only}
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
per AS NOT MATERIALIZED (
    SELECT d.customer_id, d.currency, d.o - COALESCE(d.lt_d, 0) AS b0, COALESCE(d.lt_d, 0) - COALESCE(d.lt_30, 0) AS b1,
           COALESCE(d.lt_30, 0) - COALESCE(d.lt_60, 0) AS b2, COALESCE(d.lt_60, 0) - COALESCE(d.lt_90, 0) AS b3,
           COALESCE(d.lt_90, 0) AS b4, COALESCE(c.credit_minor, 0) AS credit_minor, d.lvl{mins_cols}
    FROM docs d LEFT JOIN credit c ON c.customer_id = d.customer_id AND c.currency = d.currency
    UNION ALL
    SELECT c.customer_id, c.currency, 0, 0, 0, 0, 0, c.credit_minor, 0{nulls} FROM credit c
    WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.customer_id = c.customer_id AND d.currency = c.currency)
),
prc AS (
    SELECT per.*, COALESCE(cd.procedure_id, :default_procedure) AS procedure_id, COALESCE(cd.excluded, 0) AS excluded
    FROM per LEFT JOIN customer_dunning cd ON cd.customer_id = per.customer_id
),
pz AS MATERIALIZED (
    SELECT p.customer_id,
           MAX(p.kind = 'hold') AS on_hold, MAX(p.kind = 'dispute') AS disputed,
           MAX(p.invoice_id IS NULL) AS blocked,
           MIN(CASE WHEN p.kind = 'promise' THEN p.until END) AS promised_on
    FROM dunning_pauses p
    WHERE p.starts_on <= :d AND (p.ended_on IS NULL OR p.ended_on > :d) AND (p.until IS NULL OR p.until >= :d)
      AND (p.invoice_id IS NULL OR EXISTS (SELECT 1 FROM invoices x WHERE x.id = p.invoice_id
                                           AND (x.status IN ('open', 'partially_paid') OR x.paid_on > :d)))
    GROUP BY p.customer_id
),
fu AS MATERIALIZED (
    SELECT customer_id, MIN(follow_up_on) AS follow_up_on FROM customer_notes INDEXED BY ix_customer_notes_follow_up
    WHERE done_at IS NULL AND follow_up_on IS NOT NULL GROUP BY customer_id
),
ln AS MATERIALIZED (
    SELECT customer_id, kind || ' ' || substr(MAX(created_at), 1, 10) AS last_note FROM customer_notes
    WHERE created_at < :next_day GROUP BY customer_id
)
SELECT k.customer_id, c.number AS customer_number, c.name AS customer_name, k.currency,
       k.b0 + k.b1 + k.b2 + k.b3 + k.b4 AS open_minor, k.b1 + k.b2 + k.b3 + k.b4 AS overdue,
       k.b0, k.b1, k.b2, k.b3, k.b4, k.credit_minor, k.lvl, k.procedure_id,
       COALESCE(pz.on_hold, 0) AS on_hold, COALESCE(pz.disputed, 0) AS disputed, pz.promised_on,
       CASE WHEN COALESCE(pz.blocked, 0) OR k.excluded OR k.b0 + k.b1 + k.b2 + k.b3 + k.b4 <= 0 THEN NULL
            ELSE MAX({next_reminder}, :d) END AS next_reminder,
       fu.follow_up_on,
       CASE WHEN f.last_reminder_on IS NULL OR f.last_reminder_on <= :d THEN f.last_reminder_on
            ELSE (SELECT MAX(r.run_date) FROM reminders r WHERE r.customer_id = k.customer_id AND r.run_date <= :d
                  AND r.currency = k.currency) END AS last_reminder,
       ln.last_note,
       CASE WHEN f.last_payment_on IS NULL OR f.last_payment_on <= :d THEN f.last_payment_on
            ELSE (SELECT MAX(p.date) FROM payments p WHERE p.customer_id = k.customer_id AND p.currency = k.currency
                  AND p.date <= :d) END AS last_payment,
       {avg_late} AS avg_late,
       CASE WHEN cc.currency = k.currency THEN cc.limit_minor END AS limit_minor
FROM prc k
JOIN customers c ON c.id = k.customer_id
LEFT JOIN debtor_facts f ON f.customer_id = k.customer_id AND f.currency = k.currency
LEFT JOIN pz ON pz.customer_id = k.customer_id
LEFT JOIN customer_credit cc ON cc.customer_id = k.customer_id
LEFT JOIN fu ON fu.customer_id = k.customer_id
LEFT JOIN ln ON ln.customer_id = k.customer_id
WHERE k.b0 + k.b1 + k.b2 + k.b3 + k.b4 <> 0 OR k.credit_minor <> 0
"""

# Average days paid late over the 12 months up to the day looked at, for the row ``{t}``: a range of the kept
# days (one read per row) - so the overview computes it for the rows shown only, until sorted by it.
_AVG_LATE = """(SELECT ROUND(SUM(x.days_late) * 1.0 / SUM(x.paid_count), 1) FROM debtor_paid_days x
               WHERE x.customer_id = {t}.customer_id AND x.currency = {t}.currency AND x.paid_on > :y AND x.paid_on <= :d)"""

# The columns ``_ROWS`` gives, then those that follow from them: computed when read (virtual columns of the
# temporary table), so that a page sorted by the amounts never works them out for the rows it does not show.
_STORED = (
    "customer_id INTEGER, customer_number TEXT, customer_name TEXT, currency TEXT, open_minor INTEGER, overdue INTEGER,"
    " b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER, b4 INTEGER, credit_minor INTEGER, lvl INTEGER, procedure_id INTEGER,"
    " on_hold INTEGER, disputed INTEGER, promised_on TEXT, next_reminder TEXT, follow_up_on TEXT, last_reminder TEXT,"
    " last_note TEXT, last_payment TEXT, avg_late REAL, limit_minor INTEGER"
)
_DERIVED = {  # name: (type, expression); later ones may use earlier ones
    "next_on": ("TEXT", "NULLIF(MIN(COALESCE(promised_on, '9999'), COALESCE(follow_up_on, '9999'),"
                        " COALESCE(next_reminder, '9999')), '9999')"),
    "last_on": ("TEXT", "NULLIF(MAX(COALESCE(last_reminder, ''), COALESCE(substr(last_note, -10), ''),"
                        " COALESCE(last_payment, '')), '')"),
    "used_pct": ("REAL", "CASE WHEN limit_minor IS NULL THEN NULL WHEN limit_minor = 0 THEN"
                         " (CASE WHEN open_minor > 0 THEN 999.9 ELSE 0 END) ELSE ROUND(open_minor * 100.0 / limit_minor, 1) END"),
    "next_action": ("TEXT", "CASE WHEN next_on IS NULL THEN NULL WHEN next_on = promised_on THEN 'promise'"
                            " WHEN next_on = follow_up_on THEN 'follow_up' ELSE 'reminder' END"),
    "last_action": ("TEXT", "CASE WHEN last_on IS NULL THEN NULL WHEN last_on = last_payment THEN 'payment'"
                            " WHEN last_on = substr(last_note, -10) THEN substr(last_note, 1, 4) ELSE 'reminder' END"),
}
_STORED_NAMES = [column.split()[0] for column in _STORED.split(",")]
_COLUMNS = _STORED + "".join(f", {name} {kind} GENERATED ALWAYS AS ({sql}) VIRTUAL" for name, (kind, sql) in _DERIVED.items())
_NAMES = _STORED_NAMES + list(_DERIVED)

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


def _rows_sql(conn: Connection, as_of: date, today: date, customer_id: CustomerId | None,
              with_avg_late: bool = True) -> tuple[str, dict[str, Any]]:
    """The SELECT of all overview rows for ``as_of`` and its parameters (``avg_late`` NULL unless ``with_avg_late``)."""
    if as_of >= today:
        open_docs = _OPEN_TODAY
    else:
        # Each part from its own index: open now from the open documents, paid after the day by the day paid (of
        # the invoices paid since then only, not every paid invoice).
        open_docs = (_OPEN_PAST.format(index="ix_invoices_debtor_open", where=_PAST_OPEN_NOW, only="{only}") + " UNION ALL "
                     + _OPEN_PAST.format(index="ix_invoices_debtor_paid" if customer_id is not None else "ix_invoices_paid_on",
                                         where=_PAST_PAID_LATER, only="{only}"))
    only = "AND customer_id = :customer_id" if customer_id is not None else ""
    # Levels 0 .. the highest of any procedure: the oldest due date at each (at the last level, with no level
    # after it, printf gives '+0 days': the reminder is due again from the oldest due date, as before).
    top = conn.execute(text("SELECT COALESCE(MAX(position), 0) FROM dunning_levels")).scalar_one()
    levels = range(max(top, 0) + 1)
    default = conn.execute(text("SELECT id FROM dunning_procedures WHERE is_default ORDER BY id LIMIT 1")).scalar()
    steps = [tuple(r) for r in conn.execute(text("SELECT procedure_id, position, day_offset FROM dunning_levels"))]
    next_terms = ", ".join(f"COALESCE({_next_day(n, steps, as_of)}, '9999')" for n in levels)
    sql = _ROWS.format(
        open_docs=open_docs.format(only=only), only=only,
        mins="".join(f",\n           MIN(CASE lvl WHEN {n} THEN due_date END) AS m{n}" for n in levels),
        mins_cols="".join(f", d.m{n}" for n in levels), nulls=", NULL" * len(levels),
        src_mode="NOT MATERIALIZED" if as_of >= today else "MATERIALIZED",
        avg_late=_AVG_LATE.format(t="k") if with_avg_late else "NULL",
        next_reminder=f"NULLIF(MIN({next_terms}, '9999'), '9999')")
    params: dict[str, Any] = {k: v.isoformat() for k, v in bucket_bounds(as_of).items()}
    params["customer_id"] = customer_id
    params["default_procedure"] = default
    return sql, params


def _next_day(level: int, steps: list[tuple[int, int, int]], as_of: date) -> str:
    """SQL for the day the next reminder after ``level`` falls due for the oldest invoice at that level (``k.m{level}``):
    its due date plus the offset of the first later level of the row's procedure (none: the due date itself).
    A day on or before ``as_of`` is given as ``as_of`` (due already: due on the day looked at) without date
    arithmetic: the due date is compared with ``as_of`` less the offset."""
    offsets: dict[int, int] = {}
    for procedure_id, position, day_offset in sorted(steps, key=lambda s: (s[0], -s[1])):
        if position > level:
            offsets[procedure_id] = day_offset  # the lowest later position wins (sorted from the top)

    def day(offset: int) -> str:
        latest = (as_of - timedelta(days=offset)).isoformat()  # due on or before this: the reminder is due already
        return f"CASE WHEN k.m{level} <= '{latest}' THEN :d ELSE date(k.m{level}, '{offset:+d} days') END"

    cases = " ".join(f"WHEN {int(p)} THEN {day(int(o))}" for p, o in offsets.items())
    return f"(CASE k.procedure_id {cases} ELSE {day(0)} END)" if cases else f"({day(0)})"


def compute(conn: Connection, as_of: date, today: date, customer_id: CustomerId | None = None,
            table: str = "debtor_rows", with_avg_late: bool = True) -> None:
    """Fill the connection's temporary table ``table`` for ``as_of`` (inside the caller's transaction);
    with ``customer_id``, for that customer only. Without ``with_avg_late`` the average days late are left
    out: ``page`` with ``avg_late_pending`` computes them for the rows it returns, ``fill_avg_late`` for all."""
    _check_table(table)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table}")
    conn.exec_driver_sql(f"CREATE TEMP TABLE {table} ({_COLUMNS})")
    sql, params = _rows_sql(conn, as_of, today, customer_id, with_avg_late)
    conn.execute(text(f"INSERT INTO temp.{table} ({', '.join(_STORED_NAMES)}) {sql}"), params)


def fill_avg_late(conn: Connection, as_of: date, table: str = "debtor_rows") -> None:
    """Compute the average days paid late of every row in ``table`` (left out by ``compute``)."""
    _check_table(table)
    conn.execute(text(f"UPDATE temp.{table} SET avg_late = {_AVG_LATE.format(t=table)}"), _late_params(as_of))


def _late_params(as_of: date) -> dict[str, str]:
    bounds = bucket_bounds(as_of)
    return {"d": bounds["d"].isoformat(), "y": bounds["y"].isoformat()}


def _check_table(table: str) -> None:
    if not table.replace("_", "").isalnum() or not table.isascii():
        raise ValueError(f"not a table name: {table!r}")


# The name of a row's reminder level, looked up for the rows shown only (a page, not the whole overview).
_LEVEL_NAME = ("COALESCE((SELECT l.name FROM dunning_levels l WHERE l.procedure_id = t.procedure_id AND l.position = t.lvl),"
               " '') AS level_name")


def version(conn: Connection) -> int:
    """A number that changes whenever another connection (of this process or another) committed a change
    to the database (``PRAGMA data_version``): read on the cache's own connection, which writes nothing but
    its temporary tables. Any commit counts, not only those the overview reads: a spare recomputation is
    cheaper than a trigger on every row of every table it reads."""
    return int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())


def all_rows(conn: Connection, as_of: date, today: date) -> list[Any]:
    """Every overview row for ``as_of``, unsorted, to be paged by ``page_of`` as often as needed."""
    sql, params = _rows_sql(conn, as_of, today, None)
    for name, (_kind, expression) in _DERIVED.items():  # each over the select before it, as the virtual columns
        sql = f"SELECT *, {expression} AS {name} FROM ({sql})"
    result = conn.execute(text(f"SELECT t.*, {_LEVEL_NAME} FROM ({sql}) t"), params)
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


def page(conn: Connection, flt: DebtorFilter, sort: DebtorSort, offset: int, limit: int | None, as_of: date,
         table: str = "debtor_rows", avg_late_pending: bool = False) -> DebtorPage:
    """A page of the rows ``compute`` left in ``table``, with the count and totals of all that match; with
    ``avg_late_pending`` (``compute`` without them) the average days late of the rows returned are computed here."""
    _check_table(table)
    if avg_late_pending and sort.column is DebtorColumn.AVG_DAYS_LATE:
        raise ValueError("sorting by the average days late needs them computed: fill_avg_late first")
    where, params = _where(flt)
    key = _SORT_SQL[sort.column]
    direction = "DESC" if sort.descending else "ASC"
    order = f"({key}) IS NULL, {key} {direction}, customer_name COLLATE NOCASE, currency, customer_id"
    bounds = " LIMIT :limit OFFSET :offset" if limit is not None else ""
    params.update(limit=limit, offset=max(offset, 0))
    shown = ", ".join(f"{_AVG_LATE.format(t='t')} AS avg_late" if avg_late_pending and name == "avg_late" else f"t.{name}"
                      for name in _NAMES)
    if avg_late_pending:
        params.update(_late_params(as_of))
    # The rows to show picked by their keys alone; their other columns read for those rows only.
    chosen = f" WHERE t.rowid IN (SELECT rowid FROM temp.{table}{where} ORDER BY {order}{bounds})" if limit is not None else where
    rows = [_row(r) for r in conn.execute(text(
        f"SELECT {shown}, {_LEVEL_NAME} FROM temp.{table} t{chosen} ORDER BY {order}"), params).all()]
    totals = [
        DebtorTotals(r.currency, r.n, *(from_minor(v or 0, r.currency) for v in (r.o, r.od, r.b0, r.b1, r.b2, r.b3, r.b4, r.cr)))
        for r in conn.execute(text(
            "SELECT currency, COUNT(*) AS n, SUM(open_minor) AS o, SUM(overdue) AS od, SUM(b0) AS b0, SUM(b1) AS b1,"
            f" SUM(b2) AS b2, SUM(b3) AS b3, SUM(b4) AS b4, SUM(credit_minor) AS cr FROM temp.{table}{where}"
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


class OverviewCache:
    """Computed overviews kept in temporary tables of a connection of its own, one per (as of, today, change
    counter), at most ``days`` of them: paging, sorting and filtering are answered there in SQL and only the rows
    shown become Python objects. A change anywhere (the counter) makes the next request compute again.
    The connection is closed (its tables with it) when the cache is closed or garbage collected."""

    def __init__(self, db: Database, days: int = 3) -> None:
        self._db = db
        self._days = max(days, 1)
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._tables: dict[tuple[date, date, int], str] = {}
        self._with_avg_late: set[str] = set()  # tables whose average days late are computed for every row
        self._release: weakref.finalize | None = None

    def page(self, as_of: date, today: date, flt: DebtorFilter, sort: DebtorSort, offset: int,
             limit: int | None) -> DebtorPage:
        with self._lock, translate_errors(self._db.path):
            conn = self._connection()
            try:
                with conn.begin():
                    key = (as_of, today, version(conn))
                    table = self._tables.get(key)
                    if table is None:
                        table = self._free_table(key[2])
                        compute(conn, as_of, today, table=table, with_avg_late=False)
                        self._with_avg_late.discard(table)
                        self._tables[key] = table
                    if sort.column is DebtorColumn.AVG_DAYS_LATE and table not in self._with_avg_late:
                        fill_avg_late(conn, as_of, table)
                        self._with_avg_late.add(table)
                    return page(conn, flt, sort, offset, limit, as_of, table, table not in self._with_avg_late)
            except BaseException:
                self._close()
                raise

    def close(self) -> None:
        with self._lock:
            self._close()

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._db.engine.connect()
            self._tables.clear()
            self._release = weakref.finalize(self, _release, self._conn)
        return self._conn

    def _free_table(self, changes: int) -> str:
        """A table name to compute into: a free one, else the oldest kept (rows of an older counter go first)."""
        for key in [k for k in self._tables if k[2] != changes]:
            del self._tables[key]
        if len(self._tables) >= self._days:
            del self._tables[next(iter(self._tables))]
        used = set(self._tables.values())
        return next(f"debtor_rows_{n}" for n in range(self._days) if f"debtor_rows_{n}" not in used)

    def _close(self) -> None:
        self._tables.clear()
        self._with_avg_late.clear()
        self._conn = None
        if self._release is not None:
            self._release()  # runs once: closes the connection, and its tables with it
            self._release = None


def _release(conn: Connection) -> None:
    """Close the cache's connection for good (not back to the pool): its temporary tables go with it."""
    with suppress(Exception):  # closed already, or the database with it: nothing left to release
        conn.invalidate()
        conn.close()
