"""The billing run under failure: killed half way (an exception between batches, a process
SIGKILLed mid-run) and two runs at once on one file: no gap, no duplicate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.domain.customer import Customer
from desktop.domain.subscriptions import PlanLine, Subscription
from desktop.domain.subscriptions.periods import next_bill_on
from desktop.services.billing import BillingService
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from desktop.store import subscriptions as store

RUN_DATE = date(2026, 11, 21)
START = date(2026, 1, 1)  # 11 monthly periods due by the run date (Nov billed from Oct 25, Dec from Nov 24)
PER_SUB = 11


def _setup(path: Path, count: int) -> None:
    paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
    paydesk.company.save(DEMO_COMPANY)
    customers = [paydesk.customers.save(Customer(number=str(100 + n), name=f"C{n}", country="NL", language="nl"))
                 for n in range(20)]
    subs = [Subscription.new(customers[n % 20], f"S{n}", "EUR", START, [PlanLine("Plan", D(1), D("10.00"), D(21))])
            for n in range(count)]
    with paydesk.db.transaction() as conn:
        store.insert_many(conn, subs, [next_bill_on(s, 7, None) for s in subs])
    paydesk.close()


def _check(path: Path, count: int) -> None:
    paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
    try:
        with paydesk.db.reading() as conn:
            rows = conn.exec_driver_sql(
                "SELECT subscription_id, count(*), min(period_start), max(period_start) FROM subscription_periods"
                " GROUP BY subscription_id").all()
            invoices = conn.exec_driver_sql("SELECT count(*), count(DISTINCT number), max(CAST(substr(number, 6) AS INTEGER))"
                                            " FROM invoices").one()
            unbilled = conn.exec_driver_sql("SELECT count(*) FROM invoices WHERE id NOT IN"
                                            " (SELECT invoice_id FROM subscription_periods)").scalar()
        assert len(rows) == count
        assert {(n, first, last) for _, n, first, last in rows} == {(PER_SUB, "2026-01-01", "2026-11-01")}
        # every invoice is numbered, numbers are unique and gapless (1..N), and each bills a period
        assert tuple(invoices) == (count * PER_SUB, count * PER_SUB, count * PER_SUB)
        assert unbilled == 0
    finally:
        paydesk.close()


def test_an_exception_between_batches_then_a_rerun(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    _setup(path, 30)
    paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
    billing = BillingService(paydesk.db, paydesk.today, batch_size=7)
    calls = []

    def boom(done: int, total: int) -> None:
        calls.append(done)
        if done == 14:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        billing.run(RUN_DATE, progress=boom)
    assert BillingService(paydesk.db, paydesk.today).due_count(RUN_DATE) == 16 * PER_SUB
    again = billing.run(RUN_DATE)
    assert again.count == 16 * PER_SUB
    paydesk.close()
    _check(path, 30)


def test_a_period_is_refused_twice_by_the_database(tmp_path: Path) -> None:
    path = tmp_path / "unique.sqlite"
    _setup(path, 1)
    paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
    BillingService(paydesk.db, paydesk.today).run(RUN_DATE)
    with pytest.raises(IntegrityError), paydesk.db.transaction() as conn:
        store.insert_billed(conn, 1, START, date(2026, 1, 31), 31, None, RUN_DATE)
    paydesk.close()


def test_two_overlapping_runs_make_each_invoice_once(tmp_path: Path) -> None:
    path = tmp_path / "overlap.sqlite"
    _setup(path, 60)
    reports = []
    errors = []

    def run() -> None:
        paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
        try:
            reports.append(BillingService(paydesk.db, paydesk.today, batch_size=5).run(RUN_DATE))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            paydesk.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.count for r in reports) == 60 * PER_SUB
    _check(path, 60)


SCRIPT = """
import sys
from datetime import date
from desktop.services.billing import BillingService
from desktop.services.paydesk import Paydesk
paydesk = Paydesk.open(sys.argv[1])
def progress(done, total):
    print(done, flush=True)
BillingService(paydesk.db, paydesk.today, batch_size=int(sys.argv[2])).run(date(2026, 11, 21), progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("after_batches", [1, 3])
def test_a_process_killed_mid_run_then_a_rerun(tmp_path: Path, after_batches: int) -> None:
    path = tmp_path / "sigkill.sqlite"
    _setup(path, 400)
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), "20"], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    assert process.stdout is not None
    seen = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line or line.strip() == "finished":
            break
        if line.strip() != "0":
            seen += 1
        if seen >= after_batches:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    paydesk = Paydesk.open(path, today=lambda: RUN_DATE)
    left = BillingService(paydesk.db, paydesk.today).run(RUN_DATE)
    paydesk.close()
    assert 0 < left.count < 400 * PER_SUB
    _check(path, 400)
