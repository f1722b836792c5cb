"""Import and match a 20,000-entry camt.053 against 100,000 open invoices. Target: under 3 s.

The invoices have varied amounts, except that every tenth customer pays the same amount each time.

What is timed is what the user waits for: ``paydesk.statements.import_file`` (parse, recognize
duplicates, store, load the open book, match, book the sure payments, audit), in one
transaction. Printed beside it, on the same run: the parse alone, and the baseline of booking
payments one transaction each through ``PaymentService.record`` (as a user recording payments by
hand would), extrapolated to 20,000. ``--phases`` also prints where the import's time goes, on the
thread that runs it (storing runs beside matching on a writer thread: ``waiting for the writer`` is
what is left of it when matching is done).
"""

from __future__ import annotations

import argparse
import functools
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from _common import TODAY, drafts, peak_mb

from desktop.domain.bank import BankTransaction
from desktop.domain.customer import Customer
from desktop.domain.payment import Allocation, PaymentInput
from desktop.importers.registry import read_statement_file
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from tests.fixtures.bank.camt_writer import write_camt053


def iban(n: int) -> str:
    bban = f"ABNA{n:010d}"
    digits = "".join(str(int(c, 36)) for c in bban + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bban}"


def build(path: Path, customers: int, invoices: int) -> Paydesk:
    paydesk = Paydesk.open(path, today=lambda: TODAY)
    paydesk.company.save(DEMO_COMPANY)
    ids = [paydesk.customers.save(Customer(number=str(10000 + n), name=f"Customer {n:05d} B.V.", country="NL", language="nl",
                                           ibans=[iban(n)])) for n in range(customers)]
    batch = drafts(ids, invoices, lines=2)
    # Varied amounts, as real invoices have; every tenth customer is billed the same amount each
    # time (a subscription), the hard case where the amount says nothing.
    for n, draft in enumerate(batch):
        if (n % len(ids)) % 10:
            price = Decimal(1000 + (n * 7919) % 90_000) / 100
            draft.lines = [replace(line, unit_price=price) for line in draft.lines]
    made = []
    for start in range(0, len(batch), 10_000):
        made.extend(paydesk.invoices.save_drafts(batch[start:start + 10_000]))
    paydesk.invoices.finalize_many(made)
    return paydesk


def transactions(paydesk: Paydesk, count: int, seed: int) -> list[BankTransaction]:
    rng = random.Random(seed)
    open_invoices = [s for s in paydesk.invoices.all_summaries() if s.status.value == "open"]
    rng.shuffle(open_invoices)
    day = TODAY - timedelta(days=1)
    result = []
    for n, s in enumerate(open_invoices[:count]):
        kind = n % 20
        payer = iban(int(s.customer_number) - 10000)
        if kind < 10:  # RF reference
            tx = BankTransaction(day, s.open_amount, "EUR", counterparty_name=s.customer_name, counterparty_iban=payer,
                                 structured_reference=s.reference, bank_reference=f"B{n:07d}")
        elif kind < 14:  # invoice number in the text
            tx = BankTransaction(day, s.open_amount, "EUR", counterparty_name=s.customer_name, counterparty_iban=payer,
                                 remittance=f"Payment invoice {s.number}", bank_reference=f"B{n:07d}")
        elif kind < 17:  # IBAN and amount only
            tx = BankTransaction(day, s.open_amount, "EUR", counterparty_name=s.customer_name, counterparty_iban=payer,
                                 remittance="Thank you", bank_reference=f"B{n:07d}")
        elif kind < 18:  # bank fee
            tx = BankTransaction(day, Decimal("-2.50"), "EUR", counterparty_name="Bank", remittance="Costs",
                                 bank_code="PMNT/MCOP/CHRG", bank_reference=f"B{n:07d}")
        else:  # a payment nobody can place
            tx = BankTransaction(day, Decimal(rng.randint(100, 99999)) / 100, "EUR", counterparty_name="Someone Else",
                                 counterparty_iban=iban(900_000 + n), remittance="donation", bank_reference=f"B{n:07d}")
        result.append(tx)
    return result


def time_phases() -> Callable[[float], None]:
    """Wrap the steps of an import with timers; returns what prints them (seconds of wall time, in order)."""
    from desktop.services import bank_matching, statements
    from desktop.store import bank_writer

    spent: dict[str, float] = defaultdict(float)

    def timed(owner: object, name: str, label: str) -> None:
        step = getattr(owner, name)

        @functools.wraps(step)
        def wrapper(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
        setattr(owner, name, wrapper)

    timed(statements, "read_statement_file", "parse")
    timed(statements, "_store_file", "recognize duplicates, store file and statement")
    timed(statements, "load_context", "load the open book")
    timed(bank_matching, "_match_run", "match (with what the writer costs it)")
    timed(bank_matching, "queue_bookings", "hand bookings to the writer")
    timed(bank_matching, "audit_rows", "hand bookings to the writer")
    timed(statements.records, "queue_transactions", "hand transactions to the writer")
    timed(bank_writer.BulkWriter, "wait", "waiting for the writer")

    def report(total: float) -> None:
        print("  phases:")
        for label, seconds in spent.items():
            print(f"    {label:48s} {seconds:5.2f} s")
        print(f"    {'the rest (commit, audit, threads, checks)':48s} {total - sum(spent.values()):5.2f} s")
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--baseline", type=int, default=300)
    parser.add_argument("--phases", action="store_true", help="print where the import's time goes")
    args = parser.parse_args()
    report_phases = time_phases() if args.phases else None
    folder = Path(tempfile.mkdtemp(prefix="paydesk-bench-"))

    started = time.perf_counter()
    paydesk = build(folder / "bank.sqlite", args.customers, args.invoices)
    txs = transactions(paydesk, args.entries, seed=7)
    data = write_camt053(None, "NL91ABNA0417164300", "EUR", txs, Decimal("10000.00"), statement_id="BENCH-1")
    print(f"setup: {args.invoices:,} open invoices, {args.customers:,} customers, camt.053 of {len(txs):,} entries "
          f"({len(data) / 1_048_576:.1f} MB) in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    read_statement_file("bench.xml", data)
    parse = time.perf_counter() - started

    started = time.perf_counter()
    [report] = paydesk.statements.import_file("bench.xml", data)
    elapsed = time.perf_counter() - started
    print(f"parse only: {parse:.2f} s ({len(txs) / parse:,.0f} entries/s)")
    print(f"import + match: {len(txs):,} entries against {args.invoices:,} open invoices in {elapsed:.2f} s "
          f"= {len(txs) / elapsed:,.0f} entries/s (target < 3 s)")
    print(f"  booked {report.matched:,}, review {report.review:,}, unmatched {report.unmatched:,}, ignored {report.ignored:,}")
    if report_phases is not None:
        report_phases(elapsed)

    started = time.perf_counter()
    again = paydesk.statements.import_file("bench.xml", data)[0]
    print(f"same file again: {again.duplicates:,} duplicates, {again.imported} new, in {time.perf_counter() - started:.2f} s")

    # Baseline: one payment per transaction through the service, as recording by hand does.
    waiting = [s for s in paydesk.invoices.all_summaries() if s.status.value == "open"][: args.baseline]
    started = time.perf_counter()
    for s in waiting:
        paydesk.payments.record(PaymentInput(s.customer_id, date(2026, 11, 20), s.open_amount, "EUR",
                                             allocations=[Allocation(s.id, s.open_amount)]))
    per_payment = (time.perf_counter() - started) / len(waiting)
    baseline = per_payment * len(txs)
    print(f"baseline (one payment per transaction, {len(waiting)} measured): {1 / per_payment:,.0f}/s, "
          f"{baseline:.1f} s for {len(txs):,} -> the import is {baseline / elapsed:.0f}x faster")
    print(f"peak memory: {peak_mb():.0f} MB")
    paydesk.close()


if __name__ == "__main__":
    main()
