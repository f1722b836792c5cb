"""A billing run that makes 100,000 invoices (5 lines each, numbered and issued) from 100,000
monthly subscriptions. Target: at least 10,000 invoices per second (the customer story: 800/s).

Also: the same invoices made one by one through the existing finalize path (one transaction per
invoice, as a click on Finalize does) on a sample, and the ratio.

``--webhook``: an endpoint listens for every event, so the run also records ``invoice.finalized`` and
``subscription.renewed`` for each invoice (and their deliveries) in its batches' transactions.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from _common import TODAY, open_with_customers, peak_mb

from desktop.domain import events as ev
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.domain.subscriptions import PlanLine, Subscription
from desktop.domain.subscriptions.periods import next_bill_on
from desktop.services.billing import BillingService
from desktop.store import subscriptions as store
from desktop.store import webhooks as webhook_store

START = date(2026, 11, 1)
PLANS = [tuple(PlanLine(f"Module {k} (plan {p})", Decimal(k + 1), Decimal("19.95") + p, Decimal(21)) for k in range(5))
         for p in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--webhook", action="store_true", help="an endpoint listens for every event")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="paydesk-bench-"))

    paydesk, customers = open_with_customers(folder / "billing.sqlite", 2_000)
    subs = [Subscription.new(customers[n % len(customers)], f"Plan {n % 20}", "EUR", START + timedelta(days=n % 20),
                             PLANS[n % 20]) for n in range(args.invoices)]
    started = time.perf_counter()
    with paydesk.db.transaction() as conn:
        store.insert_many(conn, subs, [next_bill_on(s, 7, None) for s in subs])
    if args.webhook:
        with paydesk.db.transaction() as conn:
            webhook_store.insert_endpoint(conn, "https://hooks.example.com/paydesk", list(ev.EVENT_TYPES), True, "bench")
    print(f"subscriptions stored: {args.invoices:,} in {time.perf_counter() - started:.2f} s"
          f"{'; an endpoint listens for every event' if args.webhook else '; no webhook endpoint'}")
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    billing = BillingService(paydesk.db, lambda: TODAY)
    started = time.perf_counter()
    due = billing.due_count(TODAY)
    print(f"due_count: {due:,} in {time.perf_counter() - started:.2f} s")
    started, cpu = time.perf_counter(), time.process_time()
    report = billing.run(TODAY)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    numbers = {i.number for i in report.invoices}
    assert report.count == args.invoices and len(numbers) == args.invoices and None not in numbers, report.count
    rate = args.invoices / elapsed
    print(f"billing run: {args.invoices:,} invoices with 5 lines, numbered and issued, in {elapsed:.2f} s = {rate:,.0f}/s"
          f" (target >= 10,000/s); CPU time of this process {cpu:.2f} s = {args.invoices / cpu:,.0f}/s"
          " (wall and CPU differ when other work shares the machine)")
    if args.webhook:
        with paydesk.db.reading() as conn:
            counts = dict(conn.exec_driver_sql("SELECT type, count(*) FROM events GROUP BY type").all())
            sent = conn.exec_driver_sql("SELECT count(*) FROM webhook_deliveries").scalar()
        assert counts == {ev.INVOICE_FINALIZED: args.invoices, ev.SUBSCRIPTION_RENEWED: args.invoices}, counts
        print(f"events recorded: {sum(counts.values()):,} ({counts}), deliveries queued: {sent:,}")
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    again = billing.run(TODAY)
    assert again.count == 0
    print(f"the same run again: nothing due, {time.perf_counter() - started:.2f} s")
    paydesk.close()

    single, customers = open_with_customers(folder / "single.sqlite", 50)
    drafts = [InvoiceDraft(customer_id=customers[n % 50], currency="EUR", issue_date=TODAY, due_date=TODAY + timedelta(days=30),
                           lines=[InvoiceLine(x.description, x.quantity, x.unit_price, x.vat_rate) for x in PLANS[n % 20]])
              for n in range(args.sample)]
    started = time.perf_counter()
    for draft in drafts:
        single.invoices.finalize(draft)
    one_by_one = args.sample / (time.perf_counter() - started)
    single.close()
    print(f"one by one through InvoicingService.finalize (a transaction each): {args.sample:,} at {one_by_one:,.0f}/s"
          f" -> the run is {rate / one_by_one:.1f}x; against the customer story's 800/s: {rate / 800:.1f}x")
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
