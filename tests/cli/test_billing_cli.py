"""``paydesk billing run``: the JSON contract, dry runs, and a second run that makes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KEYS = {"subscription", "customer_number", "period_start", "period_end", "number", "total", "currency"}


def paydesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True, timeout=300,
                          check=False)


def test_billing_run_json_contract(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    made = paydesk("demo", "--db", db, "--customers", "6", "--invoices", "20", "--seed", "2", "--today", "2026-11-21")
    assert made.returncode == 0, made.stderr

    dry = paydesk("billing", "run", "--db", db, "--date", "2026-11-21", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned and all(set(row) == KEYS and row["number"] is None for row in planned)

    run = paydesk("billing", "run", "--db", db, "--date", "2026-11-21", "--json")
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [(r["subscription"], r["period_start"], r["total"]) for r in rows] == [
        (r["subscription"], r["period_start"], r["total"]) for r in planned]
    for row in rows:
        assert set(row) == KEYS
        assert row["currency"] == "EUR" and "." in row["total"] and len(row["total"].split(".")[1]) == 2
        assert len(row["period_start"]) == 10 and row["period_start"] <= row["period_end"]
    issued = [r for r in rows if r["number"] is not None]
    drafts = [r for r in rows if r["number"] is None]
    assert issued and drafts  # the demo has one subscription left for review
    # Demo subscriptions start on the first of last month: October and November in advance (monthly),
    # the year from October, and no quarter in arrears ended yet.
    assert {r["period_start"] for r in rows} == {"2026-10-01", "2026-11-01"}

    again = paydesk("billing", "run", "--db", db, "--date", "2026-11-21", "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == []

    text = paydesk("billing", "run", "--db", db, "--date", "2026-12-01")
    assert text.returncode == 0 and "invoices made" in text.stdout


def test_billing_run_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "x.sqlite"
    bad.write_text("hello")
    result = paydesk("billing", "run", "--db", bad, "--json")
    assert result.returncode == 1 and result.stderr.startswith("paydesk: error:")
