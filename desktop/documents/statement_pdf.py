"""The statement of account as PDF (A4, ReportLab platypus): the letterhead, the customer's address,
every open item per currency (invoices, credit notes and payments not yet allocated, the latter two
as negative amounts), the balance, the aging summary, and how to pay (IBAN, BIC, an RF reference,
and the EPC QR code for a EUR balance). In the customer's language (``resources/i18n/documents``),
amounts and dates in their locale; set in DejaVu Sans, so Cyrillic prints.

Pure: the service gathers a ``Statement`` (``statement_model``); this module draws it.
"""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop import __version__
from desktop.documents.epc_qr import EpcPayment, draw_qr, make_epc_qr
from desktop.documents.fonts import BOLD, REGULAR, register_fonts
from desktop.documents.formatting import DocumentFormats, print_iban
from desktop.documents.statement_model import Statement, StatementSection
from desktop.documents.texts import DocumentTexts, document_texts

ACCENT = colors.HexColor("#1A4578")
MUTED = colors.HexColor("#5F6670")
SHADE = colors.HexColor("#EDF1F6")
RULE = colors.HexColor("#D7DBE0")
QR_SIZE = 32 * mm
AGING_KEYS = ("aging_not_due", "aging_1_30", "aging_31_60", "aging_61_90", "aging_over_90")


def epc_payment_for_statement(statement: Statement, section: StatementSection) -> EpcPayment | None:
    """The SEPA transfer the QR code asks for: a EUR balance to pay, a company with an IBAN."""
    amount = section.balance.quantize(Decimal("0.01"))
    iban = "".join(statement.company.iban.split()).upper()
    name = " ".join(statement.company.name.split())[:70]
    if section.currency != "EUR" or not iban or not name or not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        return None
    bic = "".join(statement.company.bic.split()).upper()
    reference = section.reference if len(section.reference) <= 25 else ""
    return EpcPayment(name=name, iban=iban, amount=amount, bic=bic if len(bic) in (8, 11) else "", reference=reference,
                      text="" if reference else statement.customer_number)


class _Qr(Flowable):
    def __init__(self, payment: EpcPayment) -> None:
        super().__init__()
        self.qr = make_epc_qr(payment)
        self.width = self.height = QR_SIZE

    def draw(self) -> None:
        draw_qr(self.canv, self.qr, 0, 0, QR_SIZE)


class _Styles:
    def __init__(self) -> None:
        self.body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13)
        self.small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10.5, textColor=MUTED)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=BOLD)
        self.title = ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=22, textColor=ACCENT)
        self.head = ParagraphStyle("head", fontName=BOLD, fontSize=11, leading=15, textColor=ACCENT, spaceBefore=6)
        self.company = ParagraphStyle("company", fontName=BOLD, fontSize=14, leading=18, textColor=ACCENT)
        self.right = ParagraphStyle("right", parent=self.small, alignment=2)
        self.cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=11)
        self.cell_r = ParagraphStyle("cell_r", parent=self.cell, alignment=2)
        self.th = ParagraphStyle("th", fontName=BOLD, fontSize=8, leading=10, textColor=MUTED)
        self.th_r = ParagraphStyle("th_r", parent=self.th, alignment=2)
        self.total = ParagraphStyle("total", fontName=BOLD, fontSize=9.5, leading=12)
        self.total_r = ParagraphStyle("total_r", parent=self.total, alignment=2)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _head(statement: Statement, texts: DocumentTexts, styles: _Styles) -> list[Flowable]:
    company = statement.company
    formats = statement.formats(company.currency or "EUR")
    seller = [_esc(line) for line in company.address_lines()]
    seller += [f"{_esc(texts['email'])}: {_esc(company.email)}"] if company.email else []
    seller += [f"{_esc(texts['phone'])}: {_esc(company.phone)}"] if company.phone else []
    seller += [f"{_esc(texts['vat_id'])}: {_esc(company.vat_id)}"] if company.vat_id else []
    top = Table([[Paragraph(_esc(company.name), styles.company), Paragraph("<br/>".join(seller), styles.right)]],
                colWidths=["55%", "45%"])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    address = "<br/>".join([f"<b>{_esc(statement.customer_name)}</b>", *(_esc(a) for a in statement.address)])
    meta = Table([[texts["customer_number"], statement.customer_number],
                  [texts["statement_date"], formats.date(statement.as_of)]], colWidths=[38 * mm, 32 * mm])
    meta.setStyle(TableStyle([("FONT", (0, 0), (0, -1), REGULAR, 8.5), ("FONT", (1, 0), (1, -1), BOLD, 8.5),
                              ("TEXTCOLOR", (0, 0), (0, -1), MUTED), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                              ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)]))
    block = Table([[Paragraph(address, styles.body), meta]], colWidths=["58%", "42%"])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return [top, Spacer(1, 14 * mm), block, Spacer(1, 10 * mm),
            Paragraph(_esc(texts["statement_title"]), styles.title),
            Paragraph(_esc(texts.format("statement_as_of", date=formats.date(statement.as_of))), styles.small),
            Spacer(1, 5)]


def _section(statement: Statement, section: StatementSection, texts: DocumentTexts, styles: _Styles,
             several: bool) -> list[Flowable]:
    formats = statement.formats(section.currency)
    flow: list[Flowable] = []
    if several:
        flow.append(Paragraph(_esc(texts.format("statement_currency", currency=section.currency)), styles.head))
    header = [Paragraph(_esc(texts[k]), styles.th) for k in ("statement_document", "statement_date", "due_date")]
    header += [Paragraph(_esc(texts[k]), styles.th_r) for k in ("statement_days_overdue", "total", "statement_open")]
    rows: list[list[object]] = [header]
    for item in section.items:
        label = texts["statement_payment"] if item.kind == "payment" else texts[item.kind]
        name = f"{_esc(label)} {_esc(item.number)}".strip()
        rows.append([
            Paragraph(name, styles.cell), Paragraph(formats.date(item.date), styles.cell),
            Paragraph(formats.date(item.due_date) if item.due_date else "", styles.cell),
            Paragraph(str(item.days_overdue) if item.days_overdue > 0 else "", styles.cell_r),
            Paragraph(formats.amount(item.total) if item.total is not None else "", styles.cell_r),
            Paragraph(formats.amount(item.open), styles.cell_r),
        ])
    rows.append([Paragraph(_esc(texts["statement_balance"]), styles.total), "", "", "", "",
                 Paragraph(_esc(formats.money(section.balance)), styles.total_r)])
    # Dates get 30 mm: "20 мар. 2026 г." is 67 pt wide and must not wrap.
    table = Table(rows, repeatRows=1, colWidths=[38 * mm, 30 * mm, 30 * mm, 20 * mm, 29 * mm, 29 * mm])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
        ("BACKGROUND", (0, -1), (-1, -1), SHADE), ("SPAN", (0, -1), (4, -1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    flow += [table, Spacer(1, 8)]
    aging_head = [Paragraph(_esc(texts[k]), styles.th_r) for k in AGING_KEYS]
    aging_row = [Paragraph(formats.amount(v), styles.cell_r) for v in section.buckets]
    aging = Table([aging_head, aging_row], colWidths=[35.2 * mm] * 5)
    aging.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE), ("BOX", (0, 0), (-1, -1), 0.4, RULE),
                               ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE)]))
    flow.append(KeepTogether([Paragraph(_esc(texts["statement_aging"]), styles.head), Spacer(1, 3), aging]))
    payment = _payment(statement, section, texts, styles, formats)
    if payment is not None:
        flow += [Spacer(1, 10), payment]
    return flow


def _payment(statement: Statement, section: StatementSection, texts: DocumentTexts, styles: _Styles,
             formats: DocumentFormats) -> Flowable | None:
    company = statement.company
    if section.balance <= 0 or not company.iban:
        return None
    lines = [Paragraph(_esc(texts["payment_instructions"]), styles.head),
             Paragraph(_esc(texts.format("statement_pay", amount=formats.money(section.balance))), styles.body)]
    details = [(texts["account_holder"], company.name), (texts["iban"], print_iban(company.iban))]
    if company.bic:
        details.append((texts["bic"], company.bic))
    details.append((texts["reference"], section.reference))
    grid = Table([[Paragraph(_esc(k), styles.small), Paragraph(f"<b>{_esc(v)}</b>", styles.body)] for k, v in details],
                 colWidths=[32 * mm, 85 * mm])
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    lines.append(grid)
    epc = epc_payment_for_statement(statement, section)
    right: list[Flowable] = []
    if epc is not None:
        right = [_Qr(epc), Paragraph(_esc(texts["scan_to_pay"]), styles.small)]
    box = Table([[lines, right]], colWidths=[125 * mm, 50 * mm])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    return KeepTogether([box])


def render_statement(statement: Statement) -> bytes:
    """The statement as PDF bytes."""
    register_fonts()
    texts = document_texts(statement.language)
    styles = _Styles()
    buffer = io.BytesIO()
    title = f"{texts['statement_title']} – {statement.customer_name}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=17 * mm, rightMargin=17 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=title, author=statement.company.name,
                            creator=f"Paydesk {__version__}", lang=statement.language)
    story: list[Flowable] = _head(statement, texts, styles)
    sections = [s for s in statement.sections if s.items]
    if not sections:
        story.append(Paragraph(_esc(texts["statement_nothing"]), styles.body))
    else:
        story.append(Paragraph(_esc(texts["statement_intro"]), styles.body))
        story.append(Spacer(1, 8))
        for section in sections:
            story += _section(statement, section, texts, styles, len(sections) > 1)
            story.append(Spacer(1, 8))
    story += [Spacer(1, 6), Paragraph(_esc(texts["statement_questions"]), styles.body)]
    footer_left = " · ".join(part for part in (statement.company.name, statement.company.email) if part)

    def footer(canvas: Canvas, _doc: object) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(17 * mm, 10 * mm, footer_left)
        canvas.drawRightString(A4[0] - 17 * mm, 10 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)  # type: ignore[arg-type]
    return buffer.getvalue()
