"""XLSX workbooks are hostile input: defusedxml parses them, and oversized or bomb-like sheets are refused."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal

import openpyxl
import openpyxl.xml.functions
import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.importers import xlsx
from desktop.importers.tabular_read import read_table
from tests.fixtures.bank.csv.samples import MIB, deflated, deflated_zeros, raw_zip, replace_member, xlsx_statement

SHEET = "xl/worksheets/sheet2.xml"
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def sheet_xml(rows: str, dimension: str = "A1:B2") -> bytes:
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


def test_openpyxl_parses_through_defusedxml():
    assert xlsx.defused() and openpyxl.DEFUSEDXML
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    assert openpyxl.xml.functions.fromstring.__module__.startswith(("defusedxml", "lxml"))


def test_cells_keep_their_types_and_numbers_are_decimals():
    rows, title, sheets = xlsx.read_sheet("m.xlsx", xlsx_statement(), "Movimientos")
    assert (title, sheets) == ("Movimientos", ("Info", "Movimientos"))
    assert rows[1] == ()  # the empty row stays, so row numbers match Excel's
    data = rows[3]
    assert data[0].year == 2026 and isinstance(data[4], Decimal) and data[4] == Decimal("-15.0")
    float_noise = rows[5][4] - Decimal("-59.90")  # a binary float as stored; parse_with_mapping rounds it
    assert float_noise and abs(float_noise) < Decimal("1e-9")
    assert rows[7][4] == Decimal(1250)


def test_an_unknown_sheet_name_falls_back_to_the_first():
    _, title, _ = xlsx.read_sheet("m.xlsx", xlsx_statement(), "Gone")
    assert title == "Info"


def test_entity_expansion_is_refused():
    bomb = LAUGHS + sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>')
    data = replace_member(xlsx_statement(), SHEET, bomb)
    with pytest.raises(UnreadableStatement, match="can't be read"):
        read_table("bomb.xlsx", data, sheet="Movimientos")


def test_external_entities_are_refused():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
           + sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'))
    data = replace_member(xlsx_statement(), SHEET, xxe)
    with pytest.raises(UnreadableStatement, match="can't be read"):
        read_table("xxe.xlsx", data, sheet="Movimientos")


def test_a_sheet_that_would_unpack_too_big_is_refused_before_parsing():
    with zipfile.ZipFile(io.BytesIO(xlsx_statement())) as source:
        members = [deflated(i.filename, source.read(i)) for i in source.infolist() if i.filename != SHEET]
    members.append(deflated_zeros(SHEET, 150 * MIB, ratio=150))
    started = time.perf_counter()
    with pytest.raises(UnreadableStatement, match=r"refused — 'xl/worksheets/sheet2.xml' would unpack to 150.0 MB"):
        read_table("big.xlsx", raw_zip(members), sheet="Movimientos")
    assert time.perf_counter() - started < 1


def test_a_lying_dimension_does_not_make_millions_of_rows():
    lie = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>Fecha</t></is></c></row>', "A1:XFD1048576")
    rows, _, _ = xlsx.read_sheet("lie.xlsx", replace_member(xlsx_statement(), SHEET, lie), "Movimientos")
    assert rows == (("Fecha",),)


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_CELLS", 20)
    with pytest.raises(UnreadableStatement, match="has more than"):
        xlsx.read_sheet("m.xlsx", xlsx_statement(), "Movimientos")


def test_without_defusedxml_workbooks_are_not_read(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(UnreadableStatement, match="defusedxml"):
        xlsx.read_sheet("m.xlsx", xlsx_statement())


def test_a_damaged_workbook_is_unreadable_not_a_crash():
    data = replace_member(xlsx_statement(), "xl/workbook.xml", b"<workbook><broken")
    with pytest.raises(UnreadableStatement, match="can't be read"):
        xlsx.read_sheet("d.xlsx", data)
