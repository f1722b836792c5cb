"""Composing a reminder: the templates rendered with the plan's placeholders, the EPC QR code
inline (EUR), the invoice PDFs and the formal letter attached, as one MIME message with its
Message-ID. Pure (no database), so a run can compose in worker processes."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from datetime import date, datetime

from segno import QRCode

from desktop.documents.email_message import Attachment, ComposedEmail, InlineImage, Sender, build_message, new_message_id
from desktop.documents.email_render import TemplateSources, render
from desktop.documents.epc_qr import make_epc_qr
from desktop.documents.reminder_context import reminder_context
from desktop.documents.reminder_letter import epc_payment_for_plan, letter_texts, render_reminder_letter
from desktop.domain.company import Company
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.errors import PaydeskError

QR_SCALE = 4
QR_BORDER = 4


def plan_qr(plan: ReminderPlan, company: Company) -> QRCode | None:
    """The EPC QR symbol of a reminder (EUR only): made once per message, shown in the email and the letter."""
    payment = epc_payment_for_plan(plan, company)
    return make_epc_qr(payment) if payment is not None else None


def png_of(qr: QRCode, scale: int = QR_SCALE, border: int = QR_BORDER) -> bytes:
    """``qr`` as the PNG segno's ``save(kind="png")`` writes (greyscale, 1 bit, dark 0): the same bytes, made
    about 20 times faster than segno's pure-Python scanlines (checked against segno by the tests)."""
    size = len(qr.matrix)
    width = (size + 2 * border) * scale
    padding = "0" * (-width % 8)
    light_row = _scanline("1" * width + padding)
    edge = "1" * (border * scale)
    same_as_above = (b"\x02" + bytes((width + 7) // 8)) * (scale - 1)
    idat = bytearray(light_row * (border * scale))
    for row in qr.matrix:
        bits = bytes(row).translate(_MODULE_BITS).decode("ascii").replace("L", "1" * scale).replace("D", "0" * scale)
        idat += _scanline(edge + bits + edge + padding)
        idat += same_as_above
    idat += light_row * (border * scale)
    return b"".join((
        b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)),
        _chunk(b"IDAT", zlib.compress(bytes(idat), 9)), _chunk(b"IEND", b""),
    ))


_MODULE_BITS = bytes.maketrans(b"\x00\x01", b"LD")


def _scanline(bits: str) -> bytes:
    return b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")


def _chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))


def qr_png(plan: ReminderPlan, company: Company) -> bytes | None:
    qr = plan_qr(plan, company)
    return png_of(qr) if qr is not None else None


def letter_file_name(plan: ReminderPlan, today: date) -> str:
    title = letter_texts(plan.language)["labels"].get("file_name", "reminder")
    return f"{title}-{plan.customer_number}-{today.isoformat()}.pdf".replace("/", "_")


def compose_reminder(
    plan: ReminderPlan, company: Company, pay_link_url: str | None, *, sender: Sender, templates: TemplateSources,
    today: date, invoice_pdfs: Sequence[tuple[str, bytes]] = (), address: Sequence[str] = (),
    attach_letter: bool | None = None, message_id: str | None = None, at: datetime | None = None,
) -> ComposedEmail:
    """The email for ``plan``. ``invoice_pdfs`` are (file name, bytes); the letter is attached when
    the level asks for it (or ``attach_letter``). Raises ``TemplateProblem`` or ``PaydeskError``."""
    if not plan.emails:
        raise PaydeskError(f"Customer {plan.customer_number} ({plan.customer_name}) has no email address: add one "
                           "to the customer to send reminders by email.")
    message_id = message_id or new_message_id(sender)
    qr = plan_qr(plan, company)
    png = png_of(qr) if qr is not None else None
    cid = message_id.strip("<>").replace("@", ".qr@", 1) if png else ""
    context = reminder_context(plan, company, today, pay_link_url, sender_name=sender.name,
                               qr=f"cid:{cid}" if png else "")
    rendered = render(templates, context)
    attachments = [Attachment(name, data) for name, data in invoice_pdfs]
    if plan.level.attach_letter if attach_letter is None else attach_letter:
        letter = render_reminder_letter(plan, company, today, pay_link_url, address, sender.name, qr=qr,
                                        context={**context, "qr": ""})
        attachments.append(Attachment(letter_file_name(plan, today), letter))
    images = [InlineImage(cid, png)] if png else []
    return build_message(sender, plan.emails, rendered.subject, rendered.text, rendered.html, attachments=attachments,
                         images=images, message_id=message_id, at=at)
