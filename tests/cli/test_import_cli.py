"""``paydesk import invoices FILE --db PATH --profile NAME [--dry-run] [--json]``: the JSON keys are a contract."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from desktop.services.demo import DEMO_COMPANY
from desktop.services.ledger_import import LedgerImportService
from desktop.services.paydesk import Paydesk
from tests.cli.test_cli import paydesk

DUTCH = Path(__file__).resolve().parents[1] / "fixtures" / "ledger" / "exact_openstaande_posten.csv"


def _setup(tmp_path: Path) -> Path:
    """A database with a company and the profile "Exact" saved (as the dialog saves it)."""
    db = tmp_path / "paydesk.sqlite"
    app = Paydesk.open(db)
    try:
        app.company.save(DEMO_COMPANY)
        service = LedgerImportService(app.db)
        service.save_profile(replace(service.guess(DUTCH.name, DUTCH.read_bytes()), name="Exact"))
    finally:
        app.close()
    return db


def test_dry_run_then_import_then_again(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    dry = paydesk("import", "invoices", DUTCH, "--db", db, "--profile", "Exact", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    result = json.loads(dry.stdout)
    assert {"customers", "invoices", "errors", "dry_run"} <= set(result)
    assert result["customers"] == {"created": 4, "changed": 0, "unchanged": 0}
    assert result["invoices"] == {"created": 5, "changed": 0, "closed": 0, "unchanged": 0}
    assert result["errors"] == [] and result["dry_run"] is True
    listed = paydesk("invoices", "--db", db, "--json")
    assert json.loads(listed.stdout) == []

    done = paydesk("import", "invoices", DUTCH, "--db", db, "--profile", "Exact", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["dry_run"] is False
    numbers = {i["number"]: i["open_amount"] for i in json.loads(paydesk("invoices", "--db", db, "--json").stdout)}
    assert numbers["VF26-0455"] == "450.50" and len(numbers) == 5

    again = json.loads(paydesk("import", "invoices", DUTCH, "--db", db, "--profile", "Exact", "--json").stdout)
    assert again["customers"] == {"created": 0, "changed": 0, "unchanged": 4}
    assert again["invoices"] == {"created": 0, "changed": 0, "closed": 0, "unchanged": 5}

    text = paydesk("import", "invoices", DUTCH, "--db", db, "--profile", "Exact")
    assert text.returncode == 0 and "0 new, 0 changed, 4 unchanged" in text.stdout


def test_errors_exit_1_and_write_nothing(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    broken = tmp_path / "broken.csv"
    shutil.copy(DUTCH, broken)
    broken.write_text(broken.read_text(encoding="utf-8-sig").replace("12-10-2026", "32-10-2026"), encoding="utf-8")
    result = paydesk("import", "invoices", broken, "--db", db, "--profile", "Exact", "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["errors"] == [{"row": 5, "column": "Factuurdatum",
                              "message": "'32-10-2026' is not a date in the format dd-mm-yyyy; check the date format of "
                                         "the import profile"}]
    assert "nothing was imported" in result.stderr
    assert json.loads(paydesk("invoices", "--db", db, "--json").stdout) == []


def test_unknown_profile_names_the_dialog(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = paydesk("import", "invoices", DUTCH, "--db", db, "--profile", "Twinfield")
    assert result.returncode == 1
    assert "no import profile named 'Twinfield'" in result.stderr and "Exact" in result.stderr
