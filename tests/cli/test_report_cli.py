"""``paydesk report aging|dso|collected``: each format written, JSON keys stable, amounts as decimal text."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.cli import main
from desktop.services.paydesk import Paydesk
from tests.services.report_scenario import build


def test_report_formats(paydesk: Paydesk, customer, make_invoice, db_path, tmp_path, capsys) -> None:
    build(paydesk, customer, make_invoice)
    paydesk.close()
    out = tmp_path / "aging.json"
    assert main(["report", "aging", "--db", str(db_path), "--as-of", "2026-11-21", "--format", "json", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["customer_number"], r["currency"], r["open"], r["days_31_60"], r["days_61_90"]) for r in rows] == [
        ("1001", "EUR", "300.00", "100.00", "0.00"), ("3001", "USD", "100.00", "0.00", "100.00")]
    assert set(rows[0]) == {"customer_number", "customer_name", "currency", "invoices", "not_due", "days_1_30",
                            "days_31_60", "days_61_90", "days_over_90", "open", "overdue"}
    csv_out = tmp_path / "aging.csv"
    assert main(["report", "aging", "--db", str(db_path), "--as-of", "2026-11-05", "--format", "csv", "--out", str(csv_out)]) == 0
    lines = list(csv.reader(csv_out.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[1][:6] == ["1001", "García y Asociados S.L.", "EUR", "2", "0.00", "121.00"]
    assert lines[2][1].startswith("'=HYPERLINK")  # a customer name that looks like a formula is escaped
    dso = tmp_path / "dso.xlsx"
    assert main(["report", "dso", "--db", str(db_path), "--as-of", "2026-11-21", "--format", "xlsx", "--out", str(dso)]) == 0
    sheet = load_workbook(dso).active
    last_eur = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == "EUR"][-1]
    assert last_eur[2] == 300 and last_eur[3] == 1652 and last_eur[5] == 66.3
    pdf = tmp_path / "collected.pdf"
    assert main(["report", "collected", "--db", str(db_path), "--format", "pdf", "--out", str(pdf)]) == 0
    assert "Cash collected per month" in PdfReader(pdf).pages[0].extract_text()
    assert str(pdf) in capsys.readouterr().out


def test_report_rejects_an_unknown_report(db_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "nonsense", "--db", str(db_path), "--format", "csv", "--out", "x.csv"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
