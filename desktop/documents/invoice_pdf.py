"""Invoices and credit notes as PDF (A4), drawn directly on a ReportLab canvas.

The layout is measured first (every block knows its height), paginated, then drawn once, so
"Page x of y" needs no second pass. See ``flow.py`` for the page breaking.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from desktop import __version__
from desktop.documents.epc_qr import epc_qr_for
from desktop.documents.flow import FlowItem, paginate
from desktop.documents.fonts import register_fonts
from desktop.documents.formatting import document_formats
from desktop.documents.letterhead import (
    continuation_header,
    document_title,
    draw_footer,
    footer_text,
    letterhead,
)
from desktop.documents.line_table import TableHeader, table_columns, table_rows
from desktop.documents.logo import prepared_logo
from desktop.documents.page_writer import PageWriter
from desktop.documents.style import CONTENT_BOTTOM, CONTENT_TOP, PAGE_HEIGHT, PAGE_WIDTH
from desktop.documents.summary import notes_block, payment_block, totals_block
from desktop.documents.texts import document_texts
from desktop.domain.document import InvoiceDocument

PAGE_COMPRESSION = 0  # measured: deflating doubles the time spent saving


def render_invoice(doc: InvoiceDocument, pay_link: str | None = None) -> bytes:
    """The invoice or credit note ``doc`` as PDF bytes; ``pay_link`` (attached to an email that has a pay link)
    is shown with the payment instructions."""
    register_fonts()
    texts = document_texts(doc.language)
    formats = document_formats(doc.locale, doc.currency, doc.language)
    logo = prepared_logo(doc.seller.logo) if doc.seller.logo else None

    columns = table_columns(doc.lines)
    header = TableHeader.build(columns, texts)
    items = [FlowItem(letterhead(doc, texts, formats, logo))]
    rows = table_rows(doc.lines, columns, formats)
    items += [FlowItem(row, gap_before=18, header=header) for row in rows[:1]]
    items += [FlowItem(row, header=header) for row in rows[1:]]
    if not rows:
        items.append(FlowItem(header, gap_before=18))
    items.append(FlowItem(totals_block(doc, texts, formats), gap_before=12))
    if doc.notes.strip():
        items.append(FlowItem(notes_block(doc.notes, texts), gap_before=14))
    items.append(FlowItem(payment_block(doc, texts, formats, epc_qr_for(doc), pay_link), gap_before=16))

    top_of_next = continuation_header(doc, texts)
    pages = paginate(items, CONTENT_TOP, CONTENT_TOP - top_of_next.height, CONTENT_BOTTOM)

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=PAGE_COMPRESSION, lang=doc.language)
    title = f"{document_title(doc, texts)} {doc.number}"
    canvas.setTitle(title)
    canvas.setAuthor(doc.seller.name)
    canvas.setSubject(f"{title} – {doc.bill_name}")
    canvas.setCreator(f"Paydesk {__version__}")
    writer = PageWriter(canvas)
    footer = footer_text(doc.seller, texts)
    for number, placed in enumerate(pages, start=1):
        if number > 1:
            top_of_next.draw(writer, CONTENT_TOP)
        for item in placed:
            item.block.draw(writer, item.top)
        draw_footer(writer, footer, texts.format("page_of", page=number, pages=len(pages)))
        writer.end_page()
    canvas.save()
    return buffer.getvalue()
