"""``paydesk statement import|list``: the JSON keys are a contract that scripts rely on."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from desktop.domain.bank import BankTransaction
from tests.cli.test_cli import paydesk
from tests.fixtures.bank.camt_writer import write_camt053

IMPORT_KEYS = {"file", "format", "transactions", "imported", "duplicates", "matched", "review", "unmatched", "ignored",
               "warnings"}
LIST_KEYS = {"booking_date", "value_date", "amount", "currency", "counterparty_name", "counterparty_iban", "remittance",
             "bank_reference", "state", "invoices"}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


def open_invoices(db: Path) -> list[dict[str, str]]:
    result = paydesk("invoices", "--db", db, "--json", "--status", "open")
    return [i for i in json.loads(result.stdout) if i["kind"] == "invoice" and i["currency"] == "EUR"]


def test_import_then_list(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    made = paydesk("demo", "--db", db, "--customers", "8", "--invoices", "60", "--seed", "2", "--today", "2026-11-21",
                   "--no-history")
    assert made.returncode == 0, made.stderr
    invoice = open_invoices(db)[0]
    statement = tmp_path / "camt053.xml"
    write_camt053(statement, "NL91ABNA0417164300", "EUR", [
        BankTransaction(date(2026, 11, 20), Decimal(invoice["open_amount"]), "EUR", counterparty_name=invoice["customer_name"],
                        structured_reference=invoice["reference"], bank_reference="BR-1", remittance="Thank you"),
        BankTransaction(date(2026, 11, 20), Decimal("-3.10"), "EUR", counterparty_name="Bank", remittance="Costs",
                        bank_code="PMNT/MCOP/CHRG", bank_reference="BR-2"),
    ], Decimal("100.00"))

    result = paydesk("statement", "import", statement, "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert set(report) == IMPORT_KEYS
    assert report | {"warnings": None} == {"file": "camt053.xml", "format": "camt.053.001.08", "transactions": 2,
                                           "imported": 2, "duplicates": 0, "matched": 1, "review": 0, "unmatched": 0,
                                           "ignored": 1, "warnings": None}

    again = json.loads(paydesk("statement", "import", statement, "--db", db, "--json").stdout)
    assert (again[0]["imported"], again[0]["duplicates"]) == (0, 2)

    listed = json.loads(paydesk("statement", "list", "--db", db, "--json").stdout)
    assert [set(item) for item in listed] == [LIST_KEYS, LIST_KEYS]
    paid = listed[0]
    assert paid["state"] == "matched" and paid["invoices"] == [invoice["number"]]
    assert paid["amount"] == invoice["open_amount"] and paid["bank_reference"] == "BR-1"
    assert listed[1]["state"] == "ignored" and listed[1]["amount"] == "-3.10"


def test_rejected_file_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite"
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><BkToCstmrStmt>")
    result = paydesk("statement", "import", broken, "--db", db, "--json")
    assert result.returncode == 1
    assert result.stderr.startswith("paydesk: error: broken.xml") and "Traceback" not in result.stderr
    assert json.loads(result.stdout) == []
    assert json.loads(paydesk("statement", "list", "--db", db, "--json").stdout) == []


def test_several_formats_in_one_call(tmp_path: Path) -> None:
    db = tmp_path / "formats.sqlite"
    files = [FIXTURES / "mt940" / "ing_nl.sta", FIXTURES / "ofx" / "ofx2_bank.ofx"]
    result = paydesk("statement", "import", *files, "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    assert [r["format"] for r in json.loads(result.stdout)] == ["mt940", "ofx-2"]
