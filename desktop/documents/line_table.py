"""The table of invoice lines: columns, wrapped descriptions, rows that break across pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.documents.fonts import BOLD, REGULAR
from desktop.documents.formatting import DocumentFormats
from desktop.documents.page_writer import PageWriter, fit_size, wrap_text
from desktop.documents.style import (
    CONTENT_LEFT,
    CONTENT_WIDTH,
    LEADING,
    MUTED,
    RULE,
    SHADE,
    SIZE_SMALL,
    SIZE_TABLE,
    TEXT,
    Rgb,
)
from desktop.documents.texts import DocumentTexts
from desktop.domain.invoice import InvoiceLine

PAD_X = 4.0
PAD_Y = 3.5
HEADER_SIZE = SIZE_SMALL + 0.5
MIN_SPLIT_LINES = 2

Align = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the document text of its header
    left: float
    width: float
    align: Align

    @property
    def inner_width(self) -> float:
        return self.width - 2 * PAD_X

    def draw(self, writer: PageWriter, y: float, value: str, font: str, size: float, color: Rgb) -> None:
        """One line of a cell; text too wide for the column is set smaller rather than overflowing."""
        size = fit_size(value, font, size, self.inner_width)
        if self.align == "right":
            writer.text_right(self.left + self.width - PAD_X, y, value, font, size, color)
        else:
            writer.text(self.left + PAD_X, y, value, font, size, color)


# Widths of the fixed columns; the description takes what is left.
_WIDTHS: dict[str, float] = {
    "quantity": 44.0,
    "unit": 42.0,
    "unit_price": 66.0,
    "discount": 54.0,
    "vat": 42.0,
    "amount": 74.0,
}


def table_columns(lines: tuple[InvoiceLine, ...]) -> list[Column]:
    """The columns for these lines; discount and unit are left out when no line uses them."""
    keys = ["quantity"]
    if any(line.unit for line in lines):
        keys.append("unit")
    keys.append("unit_price")
    if any(line.discount_percent for line in lines):
        keys.append("discount")
    keys += ["vat", "amount"]
    description_width = CONTENT_WIDTH - sum(_WIDTHS[key] for key in keys)
    columns = [Column("description", CONTENT_LEFT, description_width, "left")]
    left = CONTENT_LEFT + description_width
    for key in keys:
        columns.append(Column(key, left, _WIDTHS[key], "left" if key == "unit" else "right"))
        left += _WIDTHS[key]
    return columns


def first_baseline(top: float, size: float, leading: float) -> float:
    """The baseline of the first line of text in a box whose top edge is ``top``."""
    return top - (leading - size) / 2 - 0.8 * size


@dataclass(frozen=True, slots=True)
class TableHeader:
    columns: list[Column]
    labels: list[list[str]]  # wrapped header text per column
    sizes: list[float]  # font size per column: smaller where a word would not fit the column

    @classmethod
    def build(cls, columns: list[Column], texts: DocumentTexts) -> TableHeader:
        labels, sizes = [], []
        for column in columns:
            label = texts[column.key]
            size = min(fit_size(word, BOLD, HEADER_SIZE, column.inner_width) for word in label.split() or [label])
            labels.append(wrap_text(label, BOLD, size, column.inner_width))
            sizes.append(size)
        return cls(columns, labels, sizes)

    @property
    def height(self) -> float:
        return 2 * PAD_Y + max(len(lines) for lines in self.labels) * HEADER_SIZE * LEADING

    def draw(self, writer: PageWriter, top: float) -> None:
        height = self.height
        writer.fill_rect(CONTENT_LEFT, top - height, CONTENT_WIDTH, height, SHADE)
        writer.hline(CONTENT_LEFT, CONTENT_LEFT + CONTENT_WIDTH, top - height, MUTED, 0.7)
        leading = HEADER_SIZE * LEADING
        baseline = first_baseline(top - PAD_Y, HEADER_SIZE, leading)
        for column, lines, size in zip(self.columns, self.labels, self.sizes, strict=True):
            for index, line in enumerate(lines):
                column.draw(writer, baseline - index * leading, line, BOLD, size, MUTED)


@dataclass(frozen=True, slots=True)
class TableRow:
    columns: list[Column]
    description: list[str]  # wrapped lines
    cells: tuple[str, ...]  # the other columns; empty on the continuation of a split row

    @property
    def height(self) -> float:
        return 2 * PAD_Y + len(self.description) * SIZE_TABLE * LEADING

    def split(self, height: float) -> tuple[TableRow, TableRow] | None:
        fitting = int((height - 2 * PAD_Y) // (SIZE_TABLE * LEADING))
        if fitting < MIN_SPLIT_LINES or fitting >= len(self.description):
            return None
        return (
            TableRow(self.columns, self.description[:fitting], self.cells),
            TableRow(self.columns, self.description[fitting:], ()),
        )

    def draw(self, writer: PageWriter, top: float) -> None:
        leading = SIZE_TABLE * LEADING
        baseline = first_baseline(top - PAD_Y, SIZE_TABLE, leading)
        description = self.columns[0]
        for index, line in enumerate(self.description):
            description.draw(writer, baseline - index * leading, line, REGULAR, SIZE_TABLE, TEXT)
        for column, value in zip(self.columns[1:], self.cells, strict=False):
            column.draw(writer, baseline, value, REGULAR, SIZE_TABLE, TEXT)
        writer.hline(CONTENT_LEFT, CONTENT_LEFT + CONTENT_WIDTH, top - self.height, RULE, 0.4)


def table_rows(lines: tuple[InvoiceLine, ...], columns: list[Column], formats: DocumentFormats) -> list[TableRow]:
    keys = [column.key for column in columns[1:]]
    width = columns[0].inner_width
    rows = []
    for line in lines:
        values = {
            "quantity": formats.quantity(line.quantity),
            "unit": line.unit,
            "unit_price": formats.unit_price(line.unit_price),
            "discount": formats.percent(line.discount_percent) if line.discount_percent else "",
            "vat": formats.percent(line.vat_rate),
            "amount": formats.amount(line.net(formats.currency)),
        }
        description = wrap_text(line.description, REGULAR, SIZE_TABLE, width)
        rows.append(TableRow(columns, description, tuple(values[key] for key in keys)))
    return rows
