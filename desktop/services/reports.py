"""The reports: aged receivables, DSO and its trend, cash collected per month, reminder effectiveness
and top debtors, as of any date; each as data (with series for the charts) and as a ``ReportTable``
to export to CSV, XLSX or PDF.

What is counted (see ``store/report_queries``):

- Open on D: invoices issued on or before D less payments dated, credit notes issued and small
  write-offs made on or before D. Void and uncollectible invoices are never counted as receivables
  (an uncollectible invoice is written off: it is no longer expected money).
- Currencies are never added up: every figure is per currency.
- DSO on D, per currency = open on D / (revenue of the 365 days up to D / 365), where revenue is
  invoices issued less credit notes issued (void ones left out; uncollectible invoices count, they
  were sales). No revenue in the window: no DSO (``None``). The trend is the DSO at each month end of
  the twelve months up to D (the last point is D itself).
- Cash collected: payments by their date and currency, whether allocated or not.
- Reminder effectiveness: per level, the invoices that reached it on or before D; paid after it
  means fully paid (latest settlement) on or after the reminder's date and by D; the median is of
  the days from the reminder to that payment.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from desktop.domain.errors import ValidationError
from desktop.domain.money import ZERO, from_minor
from desktop.domain.report_table import Column, ColumnType, ReportTable
from desktop.store import report_queries as q
from desktop.store.database import Connection, Database

BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
BUCKET_LABELS = ("Not yet due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days")
DSO_WINDOW_DAYS = 365
ONE_PLACE = Decimal("0.1")


class ReportKind(StrEnum):
    AGING = "aging"
    AGING_INVOICES = "aging_invoices"
    DSO = "dso"
    COLLECTED = "collected"
    REMINDERS = "reminders"
    TOP_DEBTORS = "top_debtors"


REPORT_TITLES: dict[ReportKind, str] = {
    ReportKind.AGING: "Aged receivables",
    ReportKind.AGING_INVOICES: "Aged receivables by invoice",
    ReportKind.DSO: "Days sales outstanding",
    ReportKind.COLLECTED: "Cash collected per month",
    ReportKind.REMINDERS: "Reminder effectiveness",
    ReportKind.TOP_DEBTORS: "Top debtors",
}


@dataclass(frozen=True, slots=True)
class AgingLine:
    customer_id: int
    customer_number: str
    customer_name: str
    currency: str
    invoices: int
    buckets: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    oldest_days: int  # days the oldest open invoice is past due (0: none overdue)

    @property
    def open(self) -> Decimal:
        return sum(self.buckets, ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum(self.buckets[1:], ZERO)


@dataclass(frozen=True, slots=True)
class AgingInvoice:
    invoice_id: int
    number: str
    customer_number: str
    customer_name: str
    currency: str
    issue_date: date
    due_date: date
    total: Decimal
    open: Decimal
    days_overdue: int  # negative: days until due

    @property
    def bucket(self) -> int:
        """0 not yet due, 1: 1-30, 2: 31-60, 3: 61-90, 4: over 90 days."""
        d = self.days_overdue
        return 0 if d <= 0 else 1 if d <= 30 else 2 if d <= 60 else 3 if d <= 90 else 4


@dataclass(frozen=True, slots=True)
class AgingReport:
    as_of: date
    lines: list[AgingLine]

    def totals(self) -> dict[str, tuple[Decimal, ...]]:
        """Per currency: the five buckets summed."""
        sums: dict[str, list[Decimal]] = {}
        for line in self.lines:
            acc = sums.setdefault(line.currency, [ZERO] * 5)
            for i, amount in enumerate(line.buckets):
                acc[i] += amount
        return {c: tuple(v) for c, v in sorted(sums.items())}


@dataclass(frozen=True, slots=True)
class DsoFigure:
    currency: str
    as_of: date
    outstanding: Decimal
    revenue: Decimal  # of the 365 days up to as_of
    daily_revenue: Decimal  # revenue / 365, to the cent
    dso: Decimal | None  # days, one place; None without revenue


@dataclass(frozen=True, slots=True)
class DsoReport:
    as_of: date
    figures: list[DsoFigure]  # one per currency, on as_of
    trend: list[DsoFigure]  # per month end and currency, oldest first

    def series(self, currency: str) -> list[tuple[date, Decimal | None]]:
        return [(f.as_of, f.dso) for f in self.trend if f.currency == currency]


@dataclass(frozen=True, slots=True)
class CollectedMonth:
    month: date  # the first day of the month
    currency: str
    amount: Decimal
    payments: int


@dataclass(frozen=True, slots=True)
class LevelOutcome:
    level: int
    name: str
    invoices: int
    paid_30: int
    paid_ever: int
    median_days: Decimal | None

    @property
    def share_30(self) -> Decimal:
        return _share(self.paid_30, self.invoices)

    @property
    def share_ever(self) -> Decimal:
        return _share(self.paid_ever, self.invoices)


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if whole else ZERO


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The last day of each of the ``months`` months up to ``as_of``; the last one is ``as_of`` itself."""
    ends = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        end = first - timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return ends[::-1]


def dso_days(outstanding: Decimal, revenue: Decimal, window: int = DSO_WINDOW_DAYS) -> Decimal | None:
    """Outstanding divided by the average daily revenue of the window, one place; None without revenue."""
    if revenue <= 0:
        return None
    return (outstanding * window / revenue).quantize(ONE_PLACE, ROUND_HALF_UP)


class ReportService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # --- data ---------------------------------------------------------------------------------------------------
    def aging(self, as_of: date | None = None, currency: str | None = None) -> AgingReport:
        day = self._day(as_of)
        with self._db.reading() as conn:
            rows = q.aging(conn, day, currency=currency or None)
        lines = [AgingLine(r.customer_id, r.customer_number, r.customer_name, r.currency, r.invoices,
                           tuple(from_minor(b, r.currency) for b in r.buckets), r.oldest_days)  # type: ignore[arg-type]
                 for r in rows]
        return AgingReport(day, lines)

    def aging_invoices(self, as_of: date | None = None, currency: str | None = None,
                       customer_id: int | None = None) -> list[AgingInvoice]:
        day = self._day(as_of)
        with self._db.reading() as conn:
            rows = q.open_invoices(conn, day, customer_id, currency or None)
        return [AgingInvoice(r.invoice_id, r.number, r.customer_number, r.customer_name, r.currency, r.issue_date,
                             r.due_date, from_minor(r.total_minor, r.currency), from_minor(r.open_minor, r.currency),
                             r.days_overdue) for r in rows]

    def aging_series(self, as_of: date | None = None, currency: str | None = None) -> dict[str, list[tuple[str, Decimal]]]:
        """Per currency: (bucket label, amount) for the bar chart."""
        totals = self.aging(as_of, currency).totals()
        return {c: list(zip(BUCKET_LABELS, v, strict=True)) for c, v in totals.items()}

    def dso(self, as_of: date | None = None, months: int = 12) -> DsoReport:
        day = self._day(as_of)
        points: list[DsoFigure] = []
        with self._db.reading() as conn:
            for end in month_ends(day, months):
                points.extend(self._dso_on(conn, end))
        # Every currency gets a point at every month end (no DSO where there was nothing yet).
        seen = {(p.as_of, p.currency) for p in points}
        for end in month_ends(day, months):
            for currency in sorted({p.currency for p in points}):
                if (end, currency) not in seen:
                    points.append(DsoFigure(currency, end, ZERO, ZERO, ZERO, None))
        points.sort(key=lambda p: (p.as_of, p.currency))
        return DsoReport(day, [p for p in points if p.as_of == day], points)

    def _dso_on(self, conn: Connection, day: date) -> list[DsoFigure]:
        open_ = q.outstanding(conn, day)
        sales = q.revenue(conn, day - timedelta(days=DSO_WINDOW_DAYS), day)
        figures = []
        for currency in sorted(set(open_) | set(sales)):
            outstanding, revenue = from_minor(open_.get(currency, 0), currency), from_minor(sales.get(currency, 0), currency)
            daily = (revenue / DSO_WINDOW_DAYS).quantize(Decimal("0.01"), ROUND_HALF_UP)
            figures.append(DsoFigure(currency, day, outstanding, revenue, daily, dso_days(outstanding, revenue)))
        return figures

    def collected(self, as_of: date | None = None, months: int = 12, currency: str | None = None) -> list[CollectedMonth]:
        """Per month (the ``months`` up to ``as_of``) and currency; months without payments show 0."""
        day = self._day(as_of)
        firsts = [end.replace(day=1) for end in month_ends(day, months)]
        with self._db.reading() as conn:
            rows = q.collected(conn, firsts[0], day)
        found = {(m, c): (a, n) for m, c, a, n in rows if not currency or c == currency}
        currencies = sorted({c for _, c in found}) or ([currency] if currency else [])
        result = []
        for first in firsts:
            for cur in currencies:
                minor, count = found.get((first.strftime("%Y-%m"), cur), (0, 0))
                result.append(CollectedMonth(first, cur, from_minor(minor, cur), count))
        return result

    def reminder_effectiveness(self, as_of: date | None = None) -> list[LevelOutcome]:
        day = self._day(as_of)
        with self._db.reading() as conn:
            rows = q.reminder_outcomes(conn, day)
        by_level: dict[int, list[int | None]] = defaultdict(list)
        names: dict[int, str] = {}
        for level, name, _run, days in rows:
            by_level[level].append(days)
            names.setdefault(level, name)
        outcomes = []
        for level in sorted(by_level):
            days = by_level[level]
            paid = [d for d in days if d is not None]
            median = Decimal(str(statistics.median(paid))).quantize(ONE_PLACE) if paid else None
            outcomes.append(LevelOutcome(level, names[level], len(days), sum(1 for d in paid if d <= 30), len(paid), median))
        return outcomes

    def top_debtors(self, as_of: date | None = None, currency: str | None = None, limit: int = 10,
                    by: str = "open") -> list[AgingLine]:
        """The customers owing most (``by`` "open" or "overdue"), the largest first within each currency."""
        lines = self.aging(as_of, currency).lines
        key: Callable[[AgingLine], Decimal] = (lambda line: line.overdue) if by == "overdue" else (lambda line: line.open)
        grouped: dict[str, list[AgingLine]] = defaultdict(list)
        for line in lines:
            if key(line) > 0:
                grouped[line.currency].append(line)
        result: list[AgingLine] = []
        for cur in sorted(grouped):
            result += sorted(grouped[cur], key=lambda line: (-key(line), line.customer_number))[:limit]
        return result

    def currencies(self) -> list[str]:
        """The currencies that have invoices or payments (for the currency picker)."""
        with self._db.reading() as conn:
            return q.currencies(conn)

    # --- tables for export --------------------------------------------------------------------------------------
    def table(self, kind: ReportKind | str, as_of: date | None = None, currency: str | None = None) -> ReportTable:
        try:
            report = ReportKind(kind)
        except ValueError:
            raise ValidationError({"report": f"There is no report “{kind}”; choose one of "
                                   f"{', '.join(k.value for k in ReportKind)}."}) from None
        day = self._day(as_of)
        subtitle = f"As of {day.isoformat()}" + (f" · {currency}" if currency else " · every currency on its own")
        build = {
            ReportKind.AGING: self._aging_table, ReportKind.AGING_INVOICES: self._aging_invoices_table,
            ReportKind.DSO: self._dso_table, ReportKind.COLLECTED: self._collected_table,
            ReportKind.REMINDERS: self._reminders_table, ReportKind.TOP_DEBTORS: self._top_table,
        }[report]
        columns, rows, totals, note = build(day, currency or None)
        return ReportTable(REPORT_TITLES[report], columns, rows, totals, subtitle + (f" · {note}" if note else ""))

    def export(self, kind: ReportKind | str, fmt: str, as_of: date | None = None, currency: str | None = None,
               locale: str = "en") -> bytes:
        """The report as ``csv``, ``xlsx`` or ``pdf`` bytes (``json``: the rows and totals as a JSON array)."""
        table = self.table(kind, as_of, currency)
        if fmt == "csv":
            from desktop.documents.report_csv import write_csv

            return write_csv(table)
        if fmt == "xlsx":
            from desktop.documents.report_xlsx import write_xlsx

            return write_xlsx(table)
        if fmt == "pdf":
            from desktop.documents.report_pdf import write_pdf

            return write_pdf(table, locale)
        if fmt == "json":
            import json

            return (json.dumps(table.records(with_totals=False), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        raise ValidationError({"format": "Choose csv, xlsx, pdf or json."})

    _Built = tuple[tuple[Column, ...], list, list, str]

    def _aging_table(self, day: date, currency: str | None) -> _Built:
        report = self.aging(day, currency)
        columns = (Column("customer_number", "Customer no."), Column("customer_name", "Customer"),
                   Column("currency", "Currency"), Column("invoices", "Invoices", ColumnType.INTEGER),
                   *(Column(k, label, ColumnType.MONEY) for k, label in zip(BUCKETS, BUCKET_LABELS, strict=True)),
                   Column("open", "Open", ColumnType.MONEY), Column("overdue", "Overdue", ColumnType.MONEY))
        rows = [(line.customer_number, line.customer_name, line.currency, line.invoices, *line.buckets, line.open,
                 line.overdue) for line in report.lines]
        totals = [("", "Total", cur, sum(line.invoices for line in report.lines if line.currency == cur), *v,
                   sum(v, ZERO), sum(v[1:], ZERO)) for cur, v in report.totals().items()]
        return columns, rows, totals, "void and uncollectible invoices not counted"

    def _aging_invoices_table(self, day: date, currency: str | None) -> _Built:
        items = self.aging_invoices(day, currency)
        columns = (Column("number", "Invoice"), Column("customer_number", "Customer no."),
                   Column("customer_name", "Customer"), Column("currency", "Currency"),
                   Column("issue_date", "Issued", ColumnType.DATE), Column("due_date", "Due", ColumnType.DATE),
                   Column("total", "Total", ColumnType.MONEY), Column("open", "Open", ColumnType.MONEY),
                   Column("days_overdue", "Days overdue", ColumnType.INTEGER), Column("bucket", "Bucket"))
        rows = [(i.number, i.customer_number, i.customer_name, i.currency, i.issue_date, i.due_date, i.total, i.open,
                 max(0, i.days_overdue), BUCKET_LABELS[i.bucket]) for i in items]
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for i in items:
            sums[i.currency] += i.open
        totals = [("Total", "", "", cur, None, None, None, amount, None, "") for cur, amount in sorted(sums.items())]
        return columns, rows, totals, ""

    def _dso_table(self, day: date, currency: str | None) -> _Built:
        report = self.dso(day)
        columns = (Column("date", "Month end", ColumnType.DATE), Column("currency", "Currency"),
                   Column("outstanding", "Outstanding", ColumnType.MONEY),
                   Column("revenue_12m", "Revenue, 12 months", ColumnType.MONEY),
                   Column("daily_revenue", "Revenue per day", ColumnType.MONEY),
                   Column("dso", "DSO (days)", ColumnType.DECIMAL))
        rows = [(f.as_of, f.currency, f.outstanding, f.revenue, f.daily_revenue, f.dso) for f in report.trend
                if not currency or f.currency == currency]
        return columns, rows, [], "DSO = outstanding ÷ (revenue of the last 365 days ÷ 365)"

    def _collected_table(self, day: date, currency: str | None) -> _Built:
        months = self.collected(day, currency=currency)
        columns = (Column("month", "Month"), Column("currency", "Currency"),
                   Column("amount", "Collected", ColumnType.MONEY), Column("payments", "Payments", ColumnType.INTEGER))
        rows = [(m.month.strftime("%Y-%m"), m.currency, m.amount, m.payments) for m in months]
        sums: dict[str, tuple[Decimal, int]] = {}
        for m in months:
            amount, count = sums.get(m.currency, (ZERO, 0))
            sums[m.currency] = (amount + m.amount, count + m.payments)
        totals = [("Total", cur, amount, count) for cur, (amount, count) in sorted(sums.items())]
        return columns, rows, totals, ""

    def _reminders_table(self, day: date, currency: str | None) -> _Built:
        columns = (Column("level", "Level", ColumnType.INTEGER), Column("name", "Reminder"),
                   Column("invoices", "Invoices reminded", ColumnType.INTEGER),
                   Column("paid_30", "Paid within 30 days", ColumnType.INTEGER),
                   Column("share_30", "Share within 30 days", ColumnType.PERCENT),
                   Column("paid", "Paid after it", ColumnType.INTEGER), Column("share", "Share paid", ColumnType.PERCENT),
                   Column("median_days", "Median days to payment", ColumnType.DECIMAL))
        rows = [(o.level, o.name, o.invoices, o.paid_30, o.share_30, o.paid_ever, o.share_ever, o.median_days)
                for o in self.reminder_effectiveness(day)]
        return columns, rows, [], "all currencies"

    def _top_table(self, day: date, currency: str | None) -> _Built:
        columns = (Column("rank", "#", ColumnType.INTEGER), Column("customer_number", "Customer no."),
                   Column("customer_name", "Customer"), Column("currency", "Currency"),
                   Column("open", "Open", ColumnType.MONEY), Column("overdue", "Overdue", ColumnType.MONEY),
                   Column("over_90", "Over 90 days", ColumnType.MONEY),
                   Column("oldest_days", "Oldest, days overdue", ColumnType.INTEGER))
        rows: list[tuple[object, ...]] = []
        rank, last = 0, ""
        for line in self.top_debtors(day, currency):
            rank = 1 if line.currency != last else rank + 1
            last = line.currency
            rows.append((rank, line.customer_number, line.customer_name, line.currency, line.open, line.overdue,
                         line.buckets[4], line.oldest_days))
        return columns, rows, [], "ten largest open balances per currency"

    def _day(self, as_of: date | None) -> date:
        return as_of or self._today()
