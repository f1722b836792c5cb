"""A report table as PDF (A4 landscape, ReportLab platypus): title, subtitle, the table with its header
repeated on every page, bold total rows, page numbers. Set in DejaVu Sans, so Cyrillic names print.
Numbers and dates are formatted in ``locale`` (babel)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop import __version__
from desktop.documents.fonts import BOLD, REGULAR, register_fonts
from desktop.documents.formatting import parse_locale
from desktop.domain.report_table import Cell, Column, ColumnType, ReportTable

HEADER_SHADE = colors.HexColor("#E8EDF3")
RULE = colors.HexColor("#C9D2DC")


def format_cell(column: Column, value: Cell, locale: str = "en") -> str:
    """``value`` as the report shows it in ``locale``."""
    if value is None:
        return ""
    loc = parse_locale(locale)
    if isinstance(value, date):
        return format_date(value, format="medium", locale=loc)
    if column.type is ColumnType.PERCENT and isinstance(value, Decimal | int):
        return format_percent(value, format="#,##0.0%", locale=loc)
    if column.type is ColumnType.MONEY and isinstance(value, Decimal | int):
        return format_decimal(value, format="#,##0.00", locale=loc)
    if column.type is ColumnType.DECIMAL and isinstance(value, Decimal | int):
        return format_decimal(value, format="#,##0.0", locale=loc)
    if isinstance(value, int):
        return format_decimal(value, locale=loc)
    return str(value)


def write_pdf(table: ReportTable, locale: str = "en") -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=table.title, creator=f"Paydesk {__version__}")
    title_style = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, textColor=colors.HexColor("#1F3A5F"))
    small = ParagraphStyle("small", fontName=REGULAR, fontSize=8.5, leading=11, textColor=colors.HexColor("#555555"))
    cell_style = ParagraphStyle("cell", fontName=REGULAR, fontSize=8, leading=10)
    head_style = ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10)
    story: list[object] = [Paragraph(_escape(table.title), title_style)]
    if table.subtitle:
        story += [Spacer(1, 3), Paragraph(_escape(table.subtitle), small)]
    story.append(Spacer(1, 8))
    header = [Paragraph(_escape(c.label), _aligned(head_style, c)) for c in table.columns]
    body = [[_paragraph(c, v, locale, cell_style) for c, v in zip(table.columns, row, strict=True)]
            for row in [*table.rows, *table.totals]]
    if not body:
        body = [[Paragraph("—", cell_style), *([""] * (len(table.columns) - 1))]]
    grid = Table([header, *body], repeatRows=1, colWidths=_widths(table, doc.width))
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.totals and table.rows:
        first_total = len(table.rows) + 1
        commands += [("BACKGROUND", (0, first_total), (-1, -1), HEADER_SHADE),
                     ("LINEABOVE", (0, first_total), (-1, first_total), 0.8, colors.black)]
    grid.setStyle(TableStyle(commands))
    story.append(grid)

    def footer(canvas: Canvas, _doc: object) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(14 * mm, 8 * mm, f"Paydesk · {table.title}")
        canvas.drawRightString(landscape(A4)[0] - 14 * mm, 8 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)  # type: ignore[arg-type]
    return buffer.getvalue()


def _aligned(style: ParagraphStyle, column: Column) -> ParagraphStyle:
    return ParagraphStyle(style.name + "-r", parent=style, alignment=2) if column.numeric else style


def _paragraph(column: Column, value: Cell, locale: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_escape(format_cell(column, value, locale)), _aligned(style, column))


def _widths(table: ReportTable, total: float) -> list[float]:
    weights = [2.6 if c.type is ColumnType.TEXT and c.key.endswith("name") else 1.6 if c.numeric else 1.3
               for c in table.columns]
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
