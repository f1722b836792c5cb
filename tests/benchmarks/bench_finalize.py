"""Finalize 100,000 drafts with 5 lines each. Target: at least 10,000 invoices per second.

Baseline on the same run: finalizing one invoice per transaction, as a user clicking Finalize
does (the customer story we start from did 800 per second), and SQLite's own rate for the same
number of bare UPDATEs.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import drafts, open_with_customers, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="paydesk-bench-"))

    paydesk, customers = open_with_customers(folder / "bulk.sqlite", 500)
    started = time.perf_counter()
    ids = []
    batch = drafts(customers, args.invoices)
    for start in range(0, len(batch), 10_000):
        ids.extend(paydesk.invoices.save_drafts(batch[start:start + 10_000]))
    saved = time.perf_counter() - started
    started = time.perf_counter()
    numbers = paydesk.invoices.finalize_many(ids)
    elapsed = time.perf_counter() - started
    assert len(set(numbers)) == args.invoices
    rate = args.invoices / elapsed
    print(f"drafts saved: {args.invoices:,} with 5 lines in {saved:.2f} s = {args.invoices / saved:,.0f}/s")
    print(f"finalize (bulk): {args.invoices:,} invoices in {elapsed:.2f} s = {rate:,.0f}/s (target >= 10,000/s)")
    paydesk.close()

    single, customers = open_with_customers(folder / "single.sqlite", 50)
    single_ids = single.invoices.save_drafts(drafts(customers, args.baseline))
    started = time.perf_counter()
    for invoice_id in single_ids:
        single.invoices.finalize_many([invoice_id])
    one_by_one = args.baseline / (time.perf_counter() - started)
    single.close()
    print(f"baseline, one transaction per invoice: {args.baseline:,} in {args.baseline / one_by_one:.2f} s = {one_by_one:,.0f}/s"
          f" -> bulk is {rate / one_by_one:.1f}x; the customer story's 800/s -> {rate / 800:.1f}x")

    raw = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT, status TEXT)")
    raw.executemany("INSERT INTO t (status) VALUES (?)", [("draft",)] * args.invoices)
    started = time.perf_counter()
    raw.execute("BEGIN")
    updates = ((f"2026-{n:06d}", n) for n in range(1, args.invoices + 1))
    raw.executemany("UPDATE t SET number = ?, status = 'open' WHERE id = ?", updates)
    raw.execute("COMMIT")
    sqlite_rate = args.invoices / (time.perf_counter() - started)
    print(f"SQLite alone, bare UPDATE by id: {sqlite_rate:,.0f}/s -> Paydesk reaches {rate / sqlite_rate:.0%} of it")
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
