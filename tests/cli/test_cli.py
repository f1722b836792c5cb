"""The command line, run as a user runs it: a separate process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KEYS = {"number", "customer_number", "customer_name", "issue_date", "due_date", "currency", "total", "open_amount",
        "status", "reference", "kind"}


def paydesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    result = paydesk("demo", "--db", path, "--customers", "12", "--invoices", "80", "--seed", "3", "--today", "2026-11-21")
    assert result.returncode == 0, result.stderr
    return path


def test_invoices_json_is_the_documented_contract(demo_db: Path) -> None:
    result = paydesk("invoices", "--db", demo_db, "--json")
    assert result.returncode == 0, result.stderr
    invoices = json.loads(result.stdout)
    assert invoices and all(set(item) == KEYS for item in invoices)
    issued = [i for i in invoices if i["status"] != "draft"]
    assert all(i["reference"].startswith("RF") for i in issued if i["kind"] == "invoice")
    assert all(i["reference"] is None and i["number"] is None for i in invoices if i["status"] == "draft")
    assert {i["kind"] for i in invoices} <= {"invoice", "credit_note"}
    sample = issued[0]
    assert sample["issue_date"][4] == "-" and "." in sample["total"]


def test_status_filter(demo_db: Path) -> None:
    result = paydesk("invoices", "--db", demo_db, "--json", "--status", "paid")
    statuses = {i["status"] for i in json.loads(result.stdout)}
    assert statuses == {"paid"}


def test_pdf_export(demo_db: Path, tmp_path: Path) -> None:
    numbers = [i["number"] for i in json.loads(paydesk("invoices", "--db", demo_db, "--json", "--status", "open").stdout)][:2]
    result = paydesk("pdf", *numbers, "--db", demo_db, "--out", tmp_path / "pdfs")
    assert result.returncode == 0, result.stderr
    for number in numbers:
        assert (tmp_path / "pdfs" / f"{number}.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "message"), [
    (("pdf", "1999-99999", "--out", "OUT"), "no issued invoice numbered 1999-99999"),
    (("invoices", "--status", "lost"), "invalid choice"),
])
def test_user_errors_are_one_clear_line(demo_db: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = paydesk(*(str(tmp_path) if a == "OUT" else a for a in args), "--db", demo_db)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_folder(demo_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    number = json.loads(paydesk("invoices", "--db", demo_db, "--json", "--status", "paid").stdout)[0]["number"]
    result = paydesk("pdf", number, "--db", demo_db, "--out", blocker / "pdfs")
    assert result.returncode == 1
    assert "Cannot write PDFs to" in result.stderr and "Traceback" not in result.stderr


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "photo.sqlite"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    result = paydesk("invoices", "--db", path, "--json")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not a Paydesk database" in result.stderr


def test_demo_refuses_a_database_that_has_a_company(demo_db: Path) -> None:
    result = paydesk("demo", "--db", demo_db)
    assert result.returncode == 1 and "already has a company" in result.stderr
