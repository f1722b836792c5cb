"""Report exports: CSV and XLSX keep amounts as numbers and never let a text cell become a formula; PDF text."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.documents.report_csv import write_csv
from desktop.documents.report_pdf import write_pdf
from desktop.documents.report_xlsx import write_xlsx
from desktop.domain.report_table import Column, ColumnType, ReportTable, escaped

NASTY = ["=1+1", "+31 20 123", "-2+3", "@SUM(A1)", "\tindent", "\rcr", "Plain", "Иванов и партнёры"]
TABLE = ReportTable(
    "Aged receivables",
    (Column("customer_name", "Customer"), Column("open", "Open", ColumnType.MONEY), Column("n", "Invoices", ColumnType.INTEGER),
     Column("due", "Due", ColumnType.DATE), Column("share", "Share", ColumnType.PERCENT)),
    [(name, Decimal("-12.50") if i == 2 else Decimal("1234.5"), i, date(2026, 11, 1), Decimal("0.25"))
     for i, name in enumerate(NASTY)],
    [("Total", Decimal("8629.00"), 28, None, None)],
    "As of 2026-11-21",
)


def test_escaping_rule() -> None:
    assert [escaped(n) for n in NASTY[:6]] == ["'" + n for n in NASTY[:6]]
    assert escaped("Plain") == "Plain" and escaped("a=b") == "a=b"


def test_csv_escapes_text_but_not_numbers() -> None:
    data = write_csv(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Customer", "Open", "Invoices", "Due", "Share"]
    assert [r[0] for r in rows[1:7]] == ["'=1+1", "'+31 20 123", "'-2+3", "'@SUM(A1)", "'\tindent", "'\rcr"]
    assert rows[7][0] == "Plain" and rows[8][0] == "Иванов и партнёры"
    assert rows[1][1:4] == ["1234.50", "0", "2026-11-01"] and rows[3][1] == "-12.50"  # a negative amount stays a number
    assert rows[-1] == ["Total", "8629.00", "28", "", ""]


def test_xlsx_keeps_amounts_numbers_and_text_text(tmp_path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(write_xlsx(TABLE))
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Aged receivables"
    header = [c.value for c in sheet[4]]
    assert header == ["Customer", "Open", "Invoices", "Due", "Share"]
    for row, name in zip(sheet.iter_rows(min_row=5, max_row=12), NASTY, strict=True):
        cell = row[0]
        assert cell.data_type == "s" and cell.value == name.replace("\r", "\n")  # never a formula ("f"); XML reads CR as LF
        assert cell.quotePrefix == name.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert row[1].data_type == "n" and isinstance(row[1].value, int | float) and row[1].number_format == "#,##0.00"
        assert row[2].data_type == "n" and row[4].number_format == "0.0%" and row[4].value == 0.25
    assert sheet["B7"].value == -12.5 and sheet["B5"].value == 1234.5
    assert sheet["A13"].value == "Total" and sheet["B13"].value == 8629 and sheet["A13"].font.b


def test_pdf_has_the_table_text_in_cyrillic_too() -> None:
    text = PdfReader(io.BytesIO(write_pdf(TABLE, "de_DE"))).pages[0].extract_text()
    assert "Aged receivables" in text and "Иванов и партнёры" in text
    assert "1.234,50" in text and "8.629,00" in text  # German number format
