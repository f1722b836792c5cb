"""The formal reminder letter as PDF (A4), in the customer's language, in the invoices' style:
letterhead, address, title, the letter's text, the invoices with fee and interest as their own
lines, and how to pay (bank details, the pay link, the EPC QR code for EUR).

The letter's words come from ``resources/templates/email/{language}/letter.json``: jinja strings
with the same placeholders as the email templates (``reminder_context``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any, Literal

from reportlab.pdfgen.canvas import Canvas
from segno import QRCode

from desktop import __version__
from desktop.documents.email_render import TEMPLATES_FOLDER, render_string
from desktop.documents.epc_qr import EpcPayment, draw_qr, make_epc_qr
from desktop.documents.flow import FlowItem, paginate
from desktop.documents.fonts import BOLD, REGULAR, register_fonts
from desktop.documents.formatting import print_iban
from desktop.documents.letterhead import draw_footer, footer_text, seller_lines
from desktop.documents.logo import logo_size, prepared_logo
from desktop.documents.page_writer import PageWriter, fit_size, text_width
from desktop.documents.reminder_context import formats_for, payment_reference, reminder_context
from desktop.documents.resources import resource_path
from desktop.documents.sketch import Sketch
from desktop.documents.style import (
    ACCENT,
    CONTENT_BOTTOM,
    CONTENT_LEFT,
    CONTENT_RIGHT,
    CONTENT_TOP,
    CONTENT_WIDTH,
    LEADING,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_SIZE,
    RULE,
    SHADE,
    SIZE_BODY,
    SIZE_NAME,
    SIZE_SMALL,
    SIZE_TABLE,
    SIZE_TITLE,
    TEXT,
)
from desktop.documents.texts import document_texts
from desktop.domain.company import Company
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

SELLER_WIDTH = 220.0
ADDRESS_WIDTH = 250.0
TOTALS_WIDTH = 250.0
BOX_PAD = 10.0
LEVEL_KEYS = ("friendly", "reminder_1", "reminder_2", "final")


@cache
def letter_texts(language: str) -> dict[str, Any]:
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    path = resource_path(*TEMPLATES_FOLDER, language, "letter.json")
    with path.open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


def _level_key(plan: ReminderPlan) -> str:
    """The letter text for the plan's level: its template if shipped, else by its place in the procedure."""
    if plan.level.template in LEVEL_KEYS:
        return plan.level.template
    if plan.level.final:
        return "final"
    if plan.level.day_offset < 0:
        return "friendly"
    return "reminder_1" if plan.level.position <= 2 else "reminder_2"


def epc_payment_for_plan(plan: ReminderPlan, company: Company) -> EpcPayment | None:
    """The SEPA transfer a reminder's QR code asks for: EUR only, from a company with an IBAN."""
    amount = plan.amount.quantize(plan.amount.__class__("0.01"))
    iban = "".join(company.iban.split()).upper()
    name = " ".join(company.name.split())[:70]
    if plan.currency != "EUR" or not iban or not name or not plan.invoices or amount <= 0 or amount > 999999999:
        return None
    bic = "".join(company.bic.split()).upper()
    return EpcPayment(name=name, iban=iban, amount=amount, bic=bic if len(bic) in (8, 11) else "",
                      text=payment_reference(plan))


class _Text:
    """Renders the letter's jinja strings with the reminder's placeholders."""

    def __init__(self, plan: ReminderPlan, context: dict[str, Any]) -> None:
        self.plan = plan
        self.context = context
        texts = letter_texts(plan.language)
        self.labels: dict[str, str] = texts["labels"]
        self.level: dict[str, str] = texts[_level_key(plan)]

    def __call__(self, source: str, part: str = "letter") -> str:
        return render_string(source, self.context, "letter", self.plan.language, part)

    def label(self, key: str) -> str:
        return self(self.labels[key])


def _head(plan: ReminderPlan, company: Company, text: _Text, today: date, address: Sequence[str]) -> Sketch:
    formats = formats_for(plan)
    doc_texts = document_texts(plan.language)
    sketch = Sketch()
    logo = prepared_logo(company.logo) if company.logo else None
    y = 0.0
    if logo is not None:
        width, height = logo_size(*logo.getSize())
        sketch.image(logo, CONTENT_LEFT, 0, width, height)
        y = sketch.paragraph(CONTENT_RIGHT, y, company.name, SELLER_WIDTH, BOLD, SIZE_BODY + 0.5, TEXT, "right")
    else:
        sketch.paragraph(CONTENT_LEFT, 0, company.name, CONTENT_WIDTH - SELLER_WIDTH - 20, BOLD, 15, ACCENT)
        y = 2.0
    for line in seller_lines(company, doc_texts, formats):
        y = sketch.paragraph(CONTENT_RIGHT, y, line, SELLER_WIDTH, REGULAR, SIZE_SMALL + 0.5, MUTED, "right")
    top = sketch.height + 22
    y = sketch.paragraph(CONTENT_LEFT, top, plan.customer_name, ADDRESS_WIDTH, BOLD, SIZE_NAME, TEXT)
    for line in address:
        y = sketch.paragraph(CONTENT_LEFT, y, line, ADDRESS_WIDTH, REGULAR, SIZE_BODY, TEXT)
    meta = ((text.label("date"), formats.date(today)), (text.label("customer_no"), plan.customer_number))
    meta_y = top
    for label, value in meta:
        sketch.text(CONTENT_RIGHT - 190, meta_y, label, REGULAR, SIZE_BODY - 0.5, MUTED)
        meta_y = sketch.text(CONTENT_RIGHT, meta_y, value, REGULAR, SIZE_BODY, TEXT, "right")
        sketch.hline(CONTENT_RIGHT - 190, CONTENT_RIGHT, meta_y + 2, RULE, 0.4)
        meta_y += 4
    y = max(y, meta_y) + 26
    y = sketch.paragraph(CONTENT_LEFT, y, text(text.level["title"]), CONTENT_WIDTH, BOLD, SIZE_TITLE, ACCENT) + 10
    y = sketch.paragraph(CONTENT_LEFT, y, text.label("greeting"), CONTENT_WIDTH, REGULAR, SIZE_BODY + 0.5, TEXT) + 6
    sketch.paragraph(CONTENT_LEFT, y, text(text.level["intro"]), CONTENT_WIDTH, REGULAR, SIZE_BODY + 0.5, TEXT)
    return sketch


def _columns(plan: ReminderPlan) -> list[tuple[str, float, str]]:
    """(label key, right or left edge, alignment) of the invoice table."""
    columns = [("th_invoice", CONTENT_LEFT + 4, "left"), ("th_date", CONTENT_LEFT + 95, "left"),
               ("th_due", CONTENT_LEFT + 185, "left")]
    if plan.level.day_offset >= 0:
        columns.append(("th_overdue", CONTENT_RIGHT - 170 if plan.interest else CONTENT_RIGHT - 110, "right"))
    if plan.interest:
        columns.append(("interest", CONTENT_RIGHT - 90, "right"))
    columns.append(("th_open", CONTENT_RIGHT - 4, "right"))
    return columns


def _table(plan: ReminderPlan, text: _Text) -> tuple[Sketch, list[Sketch]]:
    formats = formats_for(plan)
    columns = _columns(plan)
    header = Sketch()
    header.fill_rect(CONTENT_LEFT, 0, CONTENT_WIDTH, SIZE_SMALL * LEADING + 6, SHADE)
    for index, (key, x, align) in enumerate(columns):
        label = text.label(key)
        if align == "right":  # long labels (Russian, Swedish) shrink to their column's room
            previous = columns[index - 1]
            room = x - previous[1] - (70 if previous[2] == "left" else 6)
        else:
            room = (columns[index + 1][1] - x - 8) if columns[index + 1][2] == "left" else 80
        header.text(x, 3, label, BOLD, fit_size(label, BOLD, SIZE_SMALL, room), MUTED, align)  # type: ignore[arg-type]
    header.pad(SIZE_SMALL * LEADING + 8)
    rows: list[Sketch] = []
    for invoice in plan.invoices:
        values = {"th_invoice": invoice.number, "th_date": formats.date(invoice.issue_date),
                  "th_due": formats.date(invoice.due_date), "th_overdue": str(max(0, invoice.days_overdue)),
                  "interest": formats.money(invoice.interest) if invoice.interest else "",
                  "th_open": formats.money(invoice.open_amount)}
        row = Sketch()
        for key, x, align in columns:
            row.text(x, 2, values[key], BOLD if key == "th_invoice" else REGULAR, SIZE_TABLE, TEXT, align)  # type: ignore[arg-type]
        row.hline(CONTENT_LEFT, CONTENT_RIGHT, SIZE_TABLE * LEADING + 4, RULE, 0.4)
        rows.append(row)
    return header, rows


def _totals(plan: ReminderPlan, text: _Text) -> Sketch:
    formats = formats_for(plan)
    rows: list[tuple[str, str, bool]] = [(text.label("open_total"), formats.money(plan.open_amount), False)]
    if plan.credits:
        rows.append((text.label("credits"), "−" + formats.money(plan.credits), False))
    if plan.fee:
        rows.append((text.label("fee"), formats.money(plan.fee), False))
    if plan.interest:
        rows.append((text.label("interest"), formats.money(plan.interest), False))
    rows.append((text.label("total"), formats.money(plan.amount), True))
    sketch = Sketch()
    left = CONTENT_RIGHT - TOTALS_WIDTH
    y = 0.0
    for label, value, total in rows:
        size = SIZE_NAME if total else SIZE_BODY
        height = size * LEADING + 5
        if total:
            sketch.fill_rect(left, y, TOTALS_WIDTH, height, SHADE)
        font = BOLD if total else REGULAR
        value_size = fit_size(value, font, size, TOTALS_WIDTH * 0.45)
        label_width = TOTALS_WIDTH - 18 - text_width(value, font, value_size)
        sketch.text(left + 6, y + 2.5, label, font, fit_size(label, font, size, label_width), TEXT)
        sketch.text(CONTENT_RIGHT - 6, y + 2.5, value, font, value_size, TEXT, "right")
        y += height
    return sketch


def _paragraph(value: str, gap: float = 0.0, font: str = REGULAR) -> Sketch:
    sketch = Sketch()
    sketch.paragraph(CONTENT_LEFT, gap, value, CONTENT_WIDTH, font, SIZE_BODY + 0.5, TEXT)
    return sketch


def _payment(plan: ReminderPlan, company: Company, text: _Text, pay_link_url: str | None,
             made: QRCode | Literal[False] | None) -> Sketch | None:
    if not company.iban and not pay_link_url:
        return None
    if made is False:
        payment = epc_payment_for_plan(plan, company)
        made = make_epc_qr(payment) if payment is not None else None
    qr = made if company.iban else None
    sketch = Sketch()
    x = CONTENT_LEFT + BOX_PAD
    width = CONTENT_WIDTH - 2 * BOX_PAD - (QR_SIZE + 12 if qr is not None else 0)
    y = BOX_PAD
    if pay_link_url:
        y = sketch.paragraph(x, y, text.label("pay_online_text"), width, REGULAR, SIZE_BODY, TEXT)
        y = sketch.paragraph(x, y, pay_link_url, width, BOLD, SIZE_BODY, ACCENT) + 6
    if company.iban:
        y = sketch.text(x, y, text.label("bank_title"), BOLD, SIZE_NAME, ACCENT) + 2
        rows = [(text.label("holder"), company.name, REGULAR), ("IBAN", print_iban(company.iban), BOLD)]
        if company.bic:
            rows.append(("BIC", company.bic, REGULAR))
        rows.append((text.label("reference"), payment_reference(plan), BOLD))
        label_width = min(width * 0.4, max(text_width(label, REGULAR, SIZE_BODY - 0.5) for label, _, _ in rows) + 12)
        for label, value, font in rows:
            sketch.paragraph(x, y, label, label_width - 6, REGULAR, SIZE_BODY - 0.5, MUTED)
            y = sketch.paragraph(x + label_width, y, value, width - label_width, font, SIZE_BODY, TEXT) + 1
    if qr is not None:
        qr_left = CONTENT_RIGHT - BOX_PAD - QR_SIZE

        def draw(writer: PageWriter, top: float) -> None:
            draw_qr(writer.canvas, qr, qr_left, top - BOX_PAD + 4 - QR_SIZE, QR_SIZE)

        sketch.custom(draw, BOX_PAD - 4 + QR_SIZE)
        sketch.paragraph(qr_left, BOX_PAD - 4 + QR_SIZE, text.label("qr_text"), QR_SIZE, REGULAR, SIZE_SMALL - 0.5, MUTED)
    sketch.stroke_rect(CONTENT_LEFT, 0, CONTENT_WIDTH, sketch.height + BOX_PAD - 2, RULE)
    return sketch


def render_reminder_letter(
    plan: ReminderPlan, company: Company, today: date, pay_link_url: str | None = None,
    address: Sequence[str] = (), sender_name: str = "", *, qr: QRCode | Literal[False] | None = False,
    context: dict[str, Any] | None = None,
) -> bytes:
    """The letter for ``plan`` as PDF bytes. Raises ``TemplateProblem`` if a letter text is broken.

    ``qr`` (the plan's EPC QR symbol, or None for none) and ``context`` (``reminder_context`` of the same
    arguments) spare making them again when the email was composed with them; by default they are made here."""
    register_fonts()
    if context is None:
        context = reminder_context(plan, company, today, pay_link_url, sender_name=sender_name)
    text = _Text(plan, context)
    header, rows = _table(plan, text)
    items = [FlowItem(_head(plan, company, text, today, address))]
    items += [FlowItem(row, gap_before=16 if index == 0 else 0, header=header) for index, row in enumerate(rows)]
    items.append(FlowItem(_totals(plan, text), gap_before=10))
    items.append(FlowItem(_paragraph(text(text.level["action"]), font=BOLD), gap_before=14))
    payment = _payment(plan, company, text, pay_link_url, qr)
    if payment is not None:
        items.append(FlowItem(payment, gap_before=12))
    items.append(FlowItem(_paragraph(text(text.level["closing"])), gap_before=12))
    closing = Sketch()
    y = closing.text(CONTENT_LEFT, 0, text.label("signoff"), REGULAR, SIZE_BODY + 0.5, TEXT) + 14
    if sender_name:
        y = closing.text(CONTENT_LEFT, y, sender_name, REGULAR, SIZE_BODY + 0.5, TEXT)
    closing.text(CONTENT_LEFT, y, company.name, BOLD, SIZE_BODY + 0.5, TEXT)
    items.append(FlowItem(closing, gap_before=12))
    pages = paginate(items, CONTENT_TOP, CONTENT_TOP, CONTENT_BOTTOM)

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=0, lang=plan.language)
    title = f"{text(text.level['title'])} – {plan.customer_name}"
    canvas.setTitle(title)
    canvas.setAuthor(company.name)
    canvas.setSubject(", ".join(plan.invoice_numbers))
    canvas.setCreator(f"Paydesk {__version__}")
    writer = PageWriter(canvas)
    doc_texts = document_texts(plan.language)
    footer = footer_text(company, doc_texts)
    for number, placed in enumerate(pages, start=1):
        for item in placed:
            item.block.draw(writer, item.top)
        draw_footer(writer, footer, doc_texts.format("page_of", page=number, pages=len(pages)))
        writer.end_page()
    canvas.save()
    return buffer.getvalue()
