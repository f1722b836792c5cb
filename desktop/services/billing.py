"""The billing run: every invoice of every subscription that has fallen due up to a day, periods
missed while Paydesk was closed included, each period at most once.

The run works in batches of subscriptions, each one transaction holding SQLite's write lock: it
reads what is billed already, makes the invoices (numbered and issued, or drafts for review) and
records their periods under the unique key (subscription, period start) before it commits. A run
killed half way leaves whole batches behind and the next run carries on; two runs at once take
turns per batch and the second finds the first one's periods billed. Renewal emails with the
invoice PDF are composed afterwards (``BillingNotices``), not in the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from desktop.domain.errors import ValidationError
from desktop.domain.subscriptions.periods import due_pieces
from desktop.services.billing_engine import BilledInvoice, load_batch, plan_batch, report_rows, write_batch
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.store import audit
from desktop.store import settings as settings_store
from desktop.store import subscriptions as store
from desktop.store.database import Connection, Database

__all__ = ["BilledInvoice", "BillingReport", "BillingService", "notice_days_in"]

NOTICE_DAYS_KEY = "billing.notice_days"
DEFAULT_NOTICE_DAYS = 7
BATCH = 10_000
CACHE_KIB = 64 * 1024


@dataclass(slots=True)
class BillingReport:
    run_date: date
    dry_run: bool
    invoices: list[BilledInvoice] = field(default_factory=list)
    subscriptions: int = 0  # subscriptions that had something due

    @property
    def count(self) -> int:
        return len(self.invoices)

    @property
    def drafts(self) -> int:
        return sum(1 for i in self.invoices if i.number is None) if not self.dry_run else 0


def notice_days_in(conn: Connection) -> int:
    return int(settings_store.get(conn, NOTICE_DAYS_KEY, DEFAULT_NOTICE_DAYS))


class BillingService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today, batch_size: int = BATCH) -> None:
        self._db = db
        self._today = today
        self._batch = batch_size

    # --- settings -----------------------------------------------------------------------------
    def notice_days(self) -> int:
        """How many days before a period its invoice is made and the renewal notice goes out (in advance)."""
        with self._db.reading() as conn:
            return notice_days_in(conn)

    def set_notice_days(self, days: int) -> None:
        if not 0 <= days <= 60:
            raise ValidationError({"notice_days": "The renewal notice goes out between 0 and 60 days before a period."})
        from desktop.services.subscriptions import refresh_next_bill_on

        with self._db.transaction() as conn:
            settings_store.put(conn, NOTICE_DAYS_KEY, days)
            refresh_next_bill_on(conn, days)

    # --- the run ------------------------------------------------------------------------------
    def due_count(self, run_date: date | None = None) -> int:
        """How many invoices a run on ``run_date`` (today) would make; quick: it looks only at the
        subscriptions whose next billing day has come."""
        day = run_date or self._today()
        with self._db.reading() as conn:
            lead = notice_days_in(conn)
            ids = store.due_ids(conn, day)
            count = 0
            for start in range(0, len(ids), self._batch):
                chunk = ids[start:start + self._batch]
                subs = store.load_many(conn, chunk)
                last = store.last_billed(conn, chunk)
                for sub in subs:
                    assert sub.id is not None
                    bill_days = {p.bill_on for p in due_pieces(sub, lead, last.get(sub.id), day)}
                    count += len(bill_days)
            return count

    def run(
        self, run_date: date | None = None, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
        dry_run: bool = False,
    ) -> BillingReport:
        """Make every invoice due up to ``run_date`` (today). ``progress`` gets (subscriptions done,
        subscriptions due) after each committed batch; a cancel stops before the next batch (what is
        committed stays, and the next run goes on from there)."""
        day = run_date or self._today()
        report = BillingReport(day, dry_run)
        with self._db.reading() as conn:
            ids = store.due_ids(conn, day)
        total = len(ids)
        progress(0, total)
        for start in range(0, total, self._batch):
            if cancel is not None:
                cancel.check()
            chunk = ids[start:start + self._batch]
            if dry_run:
                with self._db.reading() as conn:
                    lead = notice_days_in(conn)
                    subs, last, pending = load_batch(conn, chunk)
                    planned = plan_batch(subs, last, pending, lead, day)
            else:
                with self._db.transaction() as conn:
                    # A batch touches many index pages of invoices, lines and audit: a larger page cache
                    # for this connection (SQLite's default is 2 MB) keeps them in memory.
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
                    lead = notice_days_in(conn)
                    subs, last, pending = load_batch(conn, chunk)
                    next_day: dict[int, date | None] = {}
                    planned = plan_batch(subs, last, pending, lead, day, next_day=next_day)
                    if planned:
                        write_batch(conn, planned, day, next_day)
                        issued = sum(1 for p in planned if p.number)
                        audit.record(conn, "billing.run", "billing", 0,
                                     f"Billing run for {day.isoformat()}: {len(planned)} invoices for "
                                     f"{len({p.sub.id for p in planned})} subscriptions ({issued} issued, "
                                     f"{len(planned) - issued} drafts for review)")
            report.invoices.extend(report_rows(planned))
            report.subscriptions += len({p.sub.id for p in planned})
            progress(min(start + self._batch, total), total)
        return report
