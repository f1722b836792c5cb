"""Matching at scale: build the open book from 100,000 invoices / 20,000 customers, then match
20,000 transactions (the evaluation mix) against it, settling and learning IBANs as the import does.

Targets: book built in < 0.3 s; import + match of 20,000 transactions in < 3 s (this measures the
matching part). Also prints the quality figures on this much denser book (every 9-digit number
2025xxxxx/2026xxxxx up to 50,000 is an open invoice, so one typo often lands on another one).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

from _common import peak_mb

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching import KnownCustomer, OpenBook, OpenInvoice
from desktop.domain.reference import creditor_reference
from tests.evaluation.harness import evaluate, report
from tests.evaluation.transactions import generate, scenario_rules

SURNAMES = ("Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "García", "Martínez", "López", "Rossi", "Bianchi",
            "Colombo", "Ricci", "Lindqvist", "Karlsson", "Nilsson", "Smith", "Thompson", "Clarke", "Ivanov", "Petrov",
            "Müller", "Schmidt", "Dubois", "Moreau", "Novak", "Horvat", "Kowalski", "Nowak", "Andersen", "Hansen")
TRADES = ("Logistiek", "Installatietechniek", "Bouw", "Consulting", "Trading", "Distribuciones", "Construcciones",
          "Officine", "Tessuti", "Bygg", "Outfitters", "Books", "Bakkerij", "Advocaten", "Software", "Catering", "Transport",
          "Media", "Design", "Engineering")
FORMS = ("B.V.", "S.L.", "S.A.", "S.r.l.", "S.p.A.", "AB", "Ltd", "GmbH", "", "& Zonen", "& Figli", "y Asociados")


def synthetic(customers: int, invoices: int, seed: int) -> tuple[list[OpenInvoice], list[KnownCustomer]]:
    rng = random.Random(seed)
    known = []
    for n in range(customers):
        name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(FORMS)}".strip()
        country = rng.choice(("NL", "ES", "IT", "SE", "GB", "DE"))
        ibans = (f"{country}{rng.randint(10, 99)}BANK{rng.randrange(10**10, 10**11)}",) if rng.random() < 0.8 else ()
        known.append(KnownCustomer(CustomerId(n + 1), str(10_000 + n), name, ibans))
    rows = []
    today = date(2026, 11, 21)
    half = invoices // 2
    for n in range(invoices):
        year, seq = (2025, n + 1) if n < half else (2026, n - half + 1)
        number = f"{year}-{seq:05d}"
        currency = rng.choices(("EUR", "GBP", "SEK"), (90, 5, 5))[0]
        due = today - timedelta(days=rng.randint(-30, 400))
        amount = Decimal(rng.randint(2_000, 999_999)) / 100
        rows.append(OpenInvoice(InvoiceId(n + 1), number, creditor_reference(number), CustomerId(rng.randint(1, customers)),
                                currency, amount, due - timedelta(days=30), due))
    return rows, known


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--transactions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--table", action="store_true", help="print the per-class quality table")
    args = parser.parse_args()

    invoices, customers = synthetic(args.customers, args.invoices, args.seed)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times suffer when others run)")
    builds, cpu = [], []
    for _ in range(5):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        book = OpenBook(invoices, customers)
        builds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"book: {args.invoices:,} open invoices, {args.customers:,} customers built in "
          f"median {statistics.median(builds) * 1000:.0f} ms wall, {statistics.median(cpu) * 1000:.0f} ms CPU "
          f"(best {min(builds) * 1000:.0f} ms; target < 300 ms)")
    started = time.perf_counter()
    book.customers_by_name(("jansen",))
    print(f"name index (built on the first name lookup): {(time.perf_counter() - started) * 1000:.0f} ms")

    tracemalloc.start()
    measured = OpenBook(invoices, customers)
    measured.customers_by_name(("jansen",))
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"book memory: {size / 2**20:.1f} MiB held (peak while building {peak / 2**20:.1f} MiB)")
    del measured

    searches = ["2025-31337", "2026-0042", "jansen", "10042", "1.234,56", "3133"]
    started = time.perf_counter()
    for text in searches:
        book.search(text)
    print(f"search (review screen): {(time.perf_counter() - started) / len(searches) * 1000:.1f} ms a query on average "
          f"({', '.join(searches)})")

    cases = generate(invoices, customers, args.transactions, args.seed)
    rules = scenario_rules(customers)
    for pause_gc in (False, True):
        runs, cpu = [], []
        for _ in range(3):
            book = OpenBook(invoices, customers)
            gc.collect()
            evaluation = evaluate(cases, book, rules, pause_gc=pause_gc)
            cpu.append(evaluation.cpu_seconds)
            runs.append(evaluation.seconds)
        median = statistics.median(runs)
        how = "cycle collector paused" if pause_gc else "cycle collector on"
        print(f"match ({how}): {len(cases):,} transactions in median {median:.2f} s wall, {statistics.median(cpu):.2f} s CPU "
              f"(best {min(runs):.2f} s) = {len(cases) / median:,.0f}/s, {median / len(cases) * 1e6:.0f} µs each "
              f"(target: import + match < 3 s)")
    total = evaluation.total()
    groups = {name: evaluation.group(name).recall for name in ("ref/number", "iban+amount")}
    print(f"quality on this dense book: auto-booking precision {evaluation.precision:.2%} ({total.correct} of {total.auto}), "
          f"recall ref/number {groups['ref/number']:.1%}, iban+amount {groups['iban+amount']:.1%}")
    if args.table:
        print()
        print(report(evaluation, len(cases), show_misses=False))
    print(f"peak memory (process): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
