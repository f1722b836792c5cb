"""A reminder run over 10,000 customers with overdue invoices: preview, then prepare every email
with its PDFs (invoice PDFs, and the formal letter where the level attaches one) in 2 worker
processes, as ``ReminderRun.prepare`` does for a real run. Nothing is sent or recorded.

Run from the repository root:  python tests/benchmarks/bench_dunning_run.py [--customers 10000] [--workers 2]

The data: customers in six languages, 1 or 2 invoices each (5 lines), all overdue; one customer in
five is at the second reminder (invoice PDFs + letter), the others at the first (invoice PDFs).
The baseline is the same preparation in one process on the first ``--baseline`` messages.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.documents.email_message import SpooledEmail
from desktop.domain.customer import Customer
from desktop.domain.dunning.compute import compute
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from desktop.services.reminder_run import ReminderRun, reminder_run_for
from desktop.store import dunning_book, dunning_reminders
from tests.benchmarks._common import TODAY, peak_mb

TARGET_SECONDS = 60


def _cpu_seconds() -> float:
    """User + system time of this process and its finished children (the pool's workers end with ``prepare``)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
LANGUAGES = [("nl", "NL"), ("es", "ES"), ("it", "IT"), ("sv", "SE"), ("ru", "RU"), ("en", "GB")]


def build(path: Path, count: int) -> Paydesk:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    paydesk = Paydesk.open(path, today=lambda: TODAY)
    paydesk.company.save(DEMO_COMPANY)
    from desktop.store import customers as customer_store

    people = [Customer(number=str(100000 + n), name=f"Klant {n:05d} B.V.", emails=[f"ap{n}@example.com"], street="Dorpsstraat 1",
                       postal_code="1234 AB", city="Utrecht", country=LANGUAGES[n % 6][1], language=LANGUAGES[n % 6][0])
              for n in range(count)]
    with paydesk.db.transaction() as conn:
        ids = customer_store.insert_many(conn, people)
    issue = TODAY - timedelta(days=60)
    drafts = []
    for n, customer_id in enumerate(ids):
        for k in range(1 + (n % 5 == 0)):
            drafts.append(InvoiceDraft(
                customer_id=customer_id, currency="EUR", issue_date=issue + timedelta(days=k),
                due_date=issue + timedelta(days=30 + k),
                lines=[InvoiceLine(f"Service {j} for order {n}", Decimal(j + 1), Decimal("19.95"), Decimal(21))
                       for j in range(5)],
            ))
    drafts.sort(key=lambda d: d.issue_date)
    invoice_ids = paydesk.invoices.save_drafts(drafts)
    paydesk.invoices.finalize_many(invoice_ids)
    # one customer in five got its first reminder 20 days ago: it is due for the second (with the letter)
    first_run = TODAY - timedelta(days=20)
    with paydesk.db.reading() as conn:
        book = dunning_book.load(conn, first_run)
    plans = [p for p in compute(book, first_run).plans if int(p.customer_number) % 5 == 0]
    with paydesk.db.transaction() as conn:
        for plan in plans:
            dunning_reminders.insert_reminder(conn, plan, first_run, f"<seed-{plan.customer_number}@bench>", "", "")
    return paydesk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=300, help="messages prepared in one process for the baseline")
    parser.add_argument("--db", type=Path, default=Path("/tmp/paydesk-bench-dunning.sqlite"))
    args = parser.parse_args()

    started = time.perf_counter()
    paydesk = build(args.db, args.customers)
    print(f"database: {args.customers} customers, built in {time.perf_counter() - started:.1f} s")
    run: ReminderRun = reminder_run_for(paydesk, workers=args.workers)

    started = time.perf_counter()
    preview = run.preview(TODAY)
    preview_s = time.perf_counter() - started
    levels: dict[str, int] = {}
    for plan in preview.plans:
        levels[plan.level.name] = levels.get(plan.level.name, 0) + 1
    print(f"preview: {len(preview.plans)} messages {levels} in {preview_s:.2f} s")

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    prepared = run.prepare(TODAY, preview=preview)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    emails = [m.email for m in prepared.messages if m.email is not None]
    attachments = sum(len(e.attachments) for e in emails)
    size = sum(e.size if isinstance(e, SpooledEmail) else len(e.raw) for e in emails)
    problems = [m.plan.reason for m in prepared.messages if m.email is None]
    total = preview_s + elapsed
    print(f"prepare: {len(emails)} emails with {attachments} PDFs ({size / 2**20:.0f} MiB) in {elapsed:.1f} s "
          f"with {args.workers} workers: {len(emails) / elapsed:.0f} emails/s; preview + prepare {total:.1f} s "
          f"(target < {TARGET_SECONDS} s: {'met' if total < TARGET_SECONDS else 'NOT met'})")
    if problems:
        print(f"  {len(problems)} not prepared, e.g. {problems[0]}")
    print(f"CPU: {cpu:.1f} s in all processes ({cpu * 1000 / max(len(emails), 1):.1f} ms per email): on {args.workers} "
          f"otherwise idle cores about {cpu / args.workers:.0f} s; this run got {cpu / elapsed:.2f} cores "
          "(below the worker count: the machine was busy with other work)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {peak_mb():.0f} MB, largest worker {children:.0f} MB")

    subset = run.preview(TODAY)
    subset.plans = subset.plans[: args.baseline]
    run.workers = 1
    started = time.perf_counter()
    single = run.prepare(TODAY, preview=subset)
    single_s = time.perf_counter() - started
    single_rate = len(single.messages) / single_s
    print(f"baseline: one process {single_rate:.0f} emails/s on {len(single.messages)} messages; "
          f"{args.workers} workers are {len(emails) / elapsed / single_rate:.2f}x that")
    paydesk.close()
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
