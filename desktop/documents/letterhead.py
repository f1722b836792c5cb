"""The top of the first page (seller, title, customer, dates), the top of later pages, the footer."""

from __future__ import annotations

from reportlab.lib.utils import ImageReader

from desktop.documents.fonts import BOLD, REGULAR
from desktop.documents.formatting import DocumentFormats, print_iban
from desktop.documents.logo import logo_size
from desktop.documents.page_writer import PageWriter, fit_size, text_width
from desktop.documents.sketch import Sketch
from desktop.documents.style import (
    ACCENT,
    CONTENT_LEFT,
    CONTENT_RIGHT,
    CONTENT_WIDTH,
    FOOTER_Y,
    MUTED,
    RULE,
    SIZE_BODY,
    SIZE_NAME,
    SIZE_SMALL,
    SIZE_TITLE,
    TEXT,
)
from desktop.documents.texts import DocumentTexts
from desktop.domain.company import Company
from desktop.domain.document import InvoiceDocument
from desktop.domain.states import InvoiceKind

SELLER_WIDTH = 220.0
CUSTOMER_WIDTH = 250.0
META_WIDTH = 215.0


def seller_lines(seller: Company, texts: DocumentTexts, formats: DocumentFormats) -> list[str]:
    city = " ".join(part for part in (seller.postal_code, seller.city) if part)
    country = formats.locale.territories.get(seller.country, seller.country) if seller.country else ""
    lines = [line for line in (seller.street, city, country) if line]
    if seller.vat_id:
        lines.append(f"{texts['vat_id']}: {seller.vat_id}")
    if seller.email:
        lines.append(seller.email)
    if seller.phone:
        lines.append(f"{texts['phone']}: {seller.phone}")
    return lines


def document_title(doc: InvoiceDocument, texts: DocumentTexts) -> str:
    return texts["credit_note" if doc.kind is InvoiceKind.CREDIT_NOTE else "invoice"]


def letterhead(doc: InvoiceDocument, texts: DocumentTexts, formats: DocumentFormats, logo: ImageReader | None) -> Sketch:
    sketch = Sketch()
    seller = doc.seller
    y = 0.0
    if logo is not None:
        width, height = logo_size(*logo.getSize())
        sketch.image(logo, CONTENT_LEFT, 0, width, height)
        y = sketch.paragraph(CONTENT_RIGHT, y, seller.name, SELLER_WIDTH, BOLD, SIZE_BODY + 0.5, TEXT, "right")
    else:  # the name as a word mark, and not again in the address block
        sketch.paragraph(CONTENT_LEFT, 0, seller.name, CONTENT_WIDTH - SELLER_WIDTH - 20, BOLD, 15, ACCENT)
        y = 2.0
    for line in seller_lines(seller, texts, formats):
        y = sketch.paragraph(CONTENT_RIGHT, y, line, SELLER_WIDTH, REGULAR, SIZE_SMALL + 0.5, MUTED, "right")

    y = sketch.height + 16
    y = sketch.text(CONTENT_LEFT, y, document_title(doc, texts), BOLD, SIZE_TITLE, ACCENT)
    credit_note = doc.kind is InvoiceKind.CREDIT_NOTE
    if credit_note and doc.credited_number:
        y = sketch.text(CONTENT_LEFT, y, texts.format("credit_note_for", number=doc.credited_number),
                        REGULAR, SIZE_BODY + 0.5, TEXT)
    y += 12
    _customer(sketch, doc, texts, y)
    _meta(sketch, doc, texts, formats, y)
    return sketch


def _customer(sketch: Sketch, doc: InvoiceDocument, texts: DocumentTexts, top: float) -> None:
    y = sketch.text(CONTENT_LEFT, top, texts["bill_to"], BOLD, SIZE_SMALL, MUTED)
    y = sketch.paragraph(CONTENT_LEFT, y + 1, doc.bill_name, CUSTOMER_WIDTH, BOLD, SIZE_NAME, TEXT)
    for line in doc.bill_address_lines:
        y = sketch.paragraph(CONTENT_LEFT, y, line, CUSTOMER_WIDTH, REGULAR, SIZE_BODY, TEXT)
    if doc.bill_vat_id:
        sketch.paragraph(CONTENT_LEFT, y, f"{texts['vat_id']}: {doc.bill_vat_id}", CUSTOMER_WIDTH, REGULAR, SIZE_BODY,
                         TEXT)


def _meta(sketch: Sketch, doc: InvoiceDocument, texts: DocumentTexts, formats: DocumentFormats, top: float) -> None:
    credit_note = doc.kind is InvoiceKind.CREDIT_NOTE
    rows: list[tuple[str, str, str]] = [
        (texts["credit_note_number" if credit_note else "invoice_number"], doc.number, BOLD),
        (texts["issue_date"], formats.date(doc.issue_date), REGULAR),
    ]
    if not credit_note:
        rows.append((texts["due_date"], formats.date(doc.due_date), REGULAR))
    if doc.customer_number:
        rows.append((texts["customer_number"], doc.customer_number, REGULAR))
    left = CONTENT_RIGHT - META_WIDTH
    y = top
    for label, value, font in rows:
        size = fit_size(value, font, SIZE_BODY, META_WIDTH * 0.6)
        label_width = META_WIDTH - text_width(value, font, size) - 10
        label_bottom = sketch.paragraph(left, y, label, label_width, REGULAR, SIZE_BODY - 0.5, MUTED)
        value_bottom = sketch.text(CONTENT_RIGHT, y, value, font, size, TEXT, "right")
        sketch.hline(left, CONTENT_RIGHT, max(label_bottom, value_bottom) + 2, RULE, 0.4)
        y = max(label_bottom, value_bottom) + 4


def continuation_header(doc: InvoiceDocument, texts: DocumentTexts) -> Sketch:
    """The top of the second and later pages."""
    sketch = Sketch()
    title = texts.format("continued", title=document_title(doc, texts), number=doc.number)
    sketch.text(CONTENT_RIGHT, 0, title, REGULAR, SIZE_BODY, MUTED, "right")
    name_width = CONTENT_WIDTH - text_width(title, REGULAR, SIZE_BODY) - 20
    sketch.text(CONTENT_LEFT, 0, doc.seller.name, BOLD, fit_size(doc.seller.name, BOLD, SIZE_BODY, name_width), TEXT)
    sketch.hline(CONTENT_LEFT, CONTENT_RIGHT, sketch.height + 4, RULE)
    sketch.pad(sketch.height + 14)
    return sketch


def footer_text(seller: Company, texts: DocumentTexts) -> str:
    parts = [seller.name]
    if seller.vat_id:
        parts.append(f"{texts['vat_id']} {seller.vat_id}")
    if seller.iban:
        parts.append(f"{texts['iban']} {print_iban(seller.iban)}")
    if seller.bic:
        parts.append(f"{texts['bic']} {seller.bic}")
    return " · ".join(parts)


def draw_footer(writer: PageWriter, left_text: str, page_text: str) -> None:
    writer.hline(CONTENT_LEFT, CONTENT_RIGHT, FOOTER_Y + 10, RULE)
    room = CONTENT_WIDTH - text_width(page_text, REGULAR, SIZE_SMALL) - 20
    writer.text(CONTENT_LEFT, FOOTER_Y, left_text, REGULAR, fit_size(left_text, REGULAR, SIZE_SMALL, room), MUTED)
    writer.text_right(CONTENT_RIGHT, FOOTER_Y, page_text, REGULAR, SIZE_SMALL, MUTED)
