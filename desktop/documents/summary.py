"""What follows the line table: VAT breakdown and totals, notes, payment instructions with the QR code."""

from __future__ import annotations

from dataclasses import dataclass

import segno

from desktop.documents.epc_qr import draw_qr
from desktop.documents.fonts import BOLD, REGULAR
from desktop.documents.formatting import DocumentFormats, print_iban
from desktop.documents.page_writer import PageWriter, fit_size, text_width, wrap_text
from desktop.documents.sketch import Sketch
from desktop.documents.style import (
    ACCENT,
    CONTENT_LEFT,
    CONTENT_RIGHT,
    CONTENT_WIDTH,
    LEADING,
    MUTED,
    QR_SIZE,
    RULE,
    SHADE,
    SIZE_BODY,
    SIZE_NAME,
    SIZE_SMALL,
    TEXT,
    Rgb,
)
from desktop.documents.texts import DocumentTexts
from desktop.domain.document import InvoiceDocument
from desktop.domain.reference import format_reference
from desktop.domain.states import InvoiceKind

TOTALS_WIDTH = 220.0
BREAKDOWN_WIDTH = 215.0
BOX_PAD = 10.0
LINK_SMALLEST = 6.5  # a pay link is set down to this size to keep it on one line, then wrapped


def totals_block(doc: InvoiceDocument, texts: DocumentTexts, formats: DocumentFormats) -> Sketch:
    """VAT breakdown per rate on the left, subtotal/VAT/total/amount due on the right."""
    sketch = Sketch()
    totals = doc.totals
    if totals.breakdown:
        base_right = CONTENT_LEFT + BREAKDOWN_WIDTH * 0.68
        vat_right = CONTENT_LEFT + BREAKDOWN_WIDTH
        y = 2.0
        sketch.text(CONTENT_LEFT, y, texts["vat_rate"], BOLD, SIZE_SMALL, MUTED)
        sketch.text(base_right, y, texts["taxable_amount"], BOLD, SIZE_SMALL, MUTED, "right")
        y = sketch.text(vat_right, y, texts["vat"], BOLD, SIZE_SMALL, MUTED, "right")
        sketch.hline(CONTENT_LEFT, vat_right, y + 1.5, RULE)
        y += 3
        for line in totals.breakdown:
            sketch.text(CONTENT_LEFT, y, formats.percent(line.rate), REGULAR, SIZE_BODY - 0.5, TEXT)
            sketch.text(base_right, y, formats.money(line.base), REGULAR, SIZE_BODY - 0.5, TEXT, "right")
            y = sketch.text(vat_right, y, formats.money(line.vat), REGULAR, SIZE_BODY - 0.5, TEXT, "right") + 1.5

    vat_label = (
        texts.format("vat_at_rate", rate=formats.percent(totals.breakdown[0].rate))
        if len(totals.breakdown) == 1
        else texts["vat_total"]
    )
    rows: list[tuple[str, str, str, str]] = [  # label, amount, font, look: plain / ruled (line above) / shaded
        (texts["subtotal"], formats.money(totals.net), REGULAR, "plain"),
        (vat_label, formats.money(totals.vat), REGULAR, "plain"),
        (texts["total"], formats.money(totals.total), BOLD, "ruled"),
    ]
    if doc.kind is InvoiceKind.INVOICE:
        if doc.amount_due != totals.total:
            rows.append((texts["already_paid"], formats.money(totals.total - doc.amount_due), REGULAR, "plain"))
        rows.append((texts["amount_due"], formats.money(doc.amount_due), BOLD, "shaded"))
    left = CONTENT_RIGHT - TOTALS_WIDTH
    y = 0.0
    for label, value, font, look in rows:
        shaded = look == "shaded"
        size = SIZE_NAME if shaded else SIZE_BODY
        height = size * LEADING + 5
        if look == "ruled":
            sketch.hline(left, CONTENT_RIGHT, y, TEXT, 0.7)
        if shaded:
            sketch.fill_rect(left, y, TOTALS_WIDTH, height, SHADE)
        value_size = fit_size(value, font, size, TOTALS_WIDTH * 0.55)
        label_width = TOTALS_WIDTH - 18 - text_width(value, font, value_size)
        sketch.text(left + 6, y + 2.5, label, font, fit_size(label, font, size, label_width), TEXT)
        sketch.text(CONTENT_RIGHT - 6, y + 2.5, value, font, value_size, TEXT, "right")
        y += height
    return sketch


def payment_block(
    doc: InvoiceDocument, texts: DocumentTexts, formats: DocumentFormats, qr: segno.QRCode | None,
    pay_link: str | None = None,
) -> Sketch:
    """How to pay (invoices with something due), or that nothing is to be paid. With ``pay_link`` (the PDF
    goes with an email that has one) a "Pay online" row shows the address, clickable."""
    if doc.kind is InvoiceKind.CREDIT_NOTE:
        amount = formats.money(abs(doc.totals.total))
        return _message_box(texts.format("credited", amount=amount))
    if doc.amount_due <= 0:
        return _message_box(texts["paid_in_full"])
    sketch = Sketch()
    seller = doc.seller
    x = CONTENT_LEFT + BOX_PAD
    width = CONTENT_WIDTH - 2 * BOX_PAD - (QR_SIZE + 12 if qr is not None else 0)
    y = sketch.text(x, BOX_PAD, texts["payment_instructions"], BOLD, SIZE_NAME, ACCENT) + 2
    key = "please_transfer" if seller.iban else "please_pay"
    sentence = texts.format(key, amount=formats.money(doc.amount_due), due_date=formats.date(doc.due_date))
    y = sketch.paragraph(x, y, sentence, width, REGULAR, SIZE_BODY, TEXT) + 4
    reference = format_reference(doc.reference) if doc.reference else doc.number
    rows: list[tuple[str, str, str]] = []
    if seller.iban:
        rows.append((texts["account_holder"], seller.name, REGULAR))
        rows.append((texts["iban"], print_iban(seller.iban), BOLD))
        if seller.bic:
            rows.append((texts["bic"], seller.bic, REGULAR))
    rows.append((texts["reference"], reference, BOLD))
    labels = [label for label, _, _ in rows] + ([texts["pay_online"]] if pay_link else [])
    label_width = min(width * 0.4, max(text_width(label, REGULAR, SIZE_BODY - 0.5) for label in labels) + 12)
    for label, value, font in rows:
        sketch.paragraph(x, y, label, label_width - 6, REGULAR, SIZE_BODY - 0.5, MUTED)
        y = sketch.paragraph(x + label_width, y, value, width - label_width, font, SIZE_BODY, TEXT) + 1
    if pay_link:
        sketch.paragraph(x, y, texts["pay_online"], label_width - 6, REGULAR, SIZE_BODY - 0.5, MUTED)
        y = _link(sketch, x + label_width, y, pay_link, width - label_width) + 1
    if qr is not None:
        qr_left = CONTENT_RIGHT - BOX_PAD - QR_SIZE
        top_gap = BOX_PAD - 4

        def draw(writer: PageWriter, top: float) -> None:
            draw_qr(writer.canvas, qr, qr_left, top - top_gap - QR_SIZE, QR_SIZE)

        sketch.custom(draw, top_gap + QR_SIZE)
        sketch.paragraph(qr_left + QR_SIZE / 2, top_gap + QR_SIZE - 3, texts["scan_to_pay"], QR_SIZE, REGULAR,
                         SIZE_SMALL - 0.5, MUTED, "center")
    height = sketch.height + BOX_PAD - 2
    sketch.stroke_rect(CONTENT_LEFT, 0, CONTENT_WIDTH, height, RULE)
    return sketch


def _link(sketch: Sketch, x: float, line_top: float, url: str, width: float) -> float:
    """``url`` in the accent colour (set smaller to stay on one line where it can, else wrapped) with a
    link annotation over it; returns the bottom of its last line."""
    size = fit_size(url, REGULAR, SIZE_BODY, width, smallest=LINK_SMALLEST)
    bottom = sketch.paragraph(x, line_top, url, width, REGULAR, size, ACCENT)
    used = min(width, text_width(url, REGULAR, size))

    def annotate(writer: PageWriter, top: float) -> None:
        writer.canvas.linkURL(url, (x, top - bottom, x + used, top - line_top), relative=0, thickness=0)

    sketch.custom(annotate, bottom)
    return bottom


def _message_box(message: str) -> Sketch:
    sketch = Sketch()
    y = sketch.paragraph(CONTENT_LEFT + BOX_PAD, BOX_PAD - 2, message, CONTENT_WIDTH - 2 * BOX_PAD, BOLD, SIZE_BODY,
                         TEXT)
    sketch.fill_rect(CONTENT_LEFT, 0, CONTENT_WIDTH, y + BOX_PAD - 2, SHADE)
    return sketch


@dataclass(frozen=True, slots=True)
class TextLines:
    """Lines of running text (the notes) that may break across pages; the heading stays with them."""

    lines: tuple[tuple[str, str, float, Rgb], ...]  # text, font, size, colour

    @property
    def height(self) -> float:
        return sum(size * LEADING for _, _, size, _ in self.lines)

    def split(self, height: float) -> tuple[TextLines, TextLines] | None:
        used = 0.0
        for count, (_, _, size, _) in enumerate(self.lines):
            used += size * LEADING
            if used > height:
                return (TextLines(self.lines[:count]), TextLines(self.lines[count:])) if count >= 3 else None
        return None

    def draw(self, writer: PageWriter, top: float) -> None:
        for value, font, size, color in self.lines:
            leading = size * LEADING
            writer.text(CONTENT_LEFT, top - (leading - size) / 2 - 0.8 * size, value, font, size, color)
            top -= leading


def notes_block(notes: str, texts: DocumentTexts) -> TextLines:
    lines = [(texts["notes"], BOLD, SIZE_BODY, MUTED)]
    lines += [(line, REGULAR, SIZE_BODY, TEXT) for line in wrap_text(notes.strip(), REGULAR, SIZE_BODY, CONTENT_WIDTH)]
    return TextLines(tuple(lines))
