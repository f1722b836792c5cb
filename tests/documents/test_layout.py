"""Wrapping, columns and page breaking, without reading PDFs back."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.documents.flow import FlowItem, paginate
from desktop.documents.fonts import REGULAR, register_fonts
from desktop.documents.formatting import document_formats
from desktop.documents.line_table import table_columns
from desktop.documents.page_writer import PageWriter, text_width, wrap_text
from desktop.domain.invoice import InvoiceLine


@dataclass(frozen=True)
class Box:
    height: float

    def draw(self, writer: PageWriter, top: float) -> None:
        pass


def test_wrap_keeps_lines_within_the_width_and_cuts_long_words() -> None:
    register_fonts()
    text = "Formación presencial en las oficinas del cliente " + "A" * 80 + "\nsegunda línea"
    lines = wrap_text(text, REGULAR, 8.5, 120)
    assert all(text_width(line, REGULAR, 8.5) <= 120 for line in lines)
    assert lines[-1] == "segunda línea"
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")


def test_discount_and_unit_columns_only_when_used() -> None:
    plain = (InvoiceLine("a", Decimal(1), Decimal(1)),)
    assert [c.key for c in table_columns(plain)] == ["description", "quantity", "unit_price", "vat", "amount"]
    full = (InvoiceLine("a", Decimal(1), Decimal(1), Decimal(21), Decimal(5), "h"),)
    assert [c.key for c in table_columns(full)] == [
        "description", "quantity", "unit", "unit_price", "discount", "vat", "amount",
    ]


def test_paginate_repeats_the_header_and_drops_gaps_at_the_top_of_a_page() -> None:
    header = Box(10)
    rows = [FlowItem(Box(30), gap_before=5, header=header) for _ in range(10)]
    closing = Box(40)
    pages = paginate([FlowItem(Box(50)), *rows, FlowItem(closing, gap_before=20)], 200, 150, 0)
    blocks = [[placed.block for placed in page] for page in pages]
    assert [len(page) for page in blocks] == [6, 5, 4]  # 4 rows, 4 rows, 2 rows and the closing block
    assert blocks[0][1] is header and blocks[1][0] is header and blocks[2][0] is header
    assert [placed.top for placed in pages[1]][:3] == [150, 140, 105]  # no gap above the first row of a page
    assert blocks[2][-1] is closing and pages[2][-1].top == 75 - 20


def test_formats_follow_the_locale() -> None:
    formats = document_formats("ru_RU", "EUR")
    assert formats.money(Decimal("1234.5")).replace("\xa0", " ") == "1 234,50 €"
    assert formats.unit_price(Decimal("0.125")) == "0,125"
    assert formats.quantity(Decimal("2.500")) == "2,5"
    assert formats.percent(Decimal("5.5")).replace("\xa0", " ") == "5,5 %"
    assert document_formats("en_GB", "JPY").amount(Decimal(1500)) == "1,500"
