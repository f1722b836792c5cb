"""Composing a reminder: the templates rendered with the plan's placeholders, the EPC QR code
inline (EUR), the invoice PDFs and the formal letter attached, as one MIME message with its
Message-ID. Pure (no database), so a run can compose in worker processes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO

from desktop.documents.email_message import Attachment, ComposedEmail, InlineImage, Sender, build_message, new_message_id
from desktop.documents.email_render import TemplateSources, render
from desktop.documents.epc_qr import make_epc_qr
from desktop.documents.reminder_context import reminder_context
from desktop.documents.reminder_letter import epc_payment_for_plan, letter_texts, render_reminder_letter
from desktop.domain.company import Company
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.errors import PaydeskError

QR_SCALE = 4


def qr_png(plan: ReminderPlan, company: Company) -> bytes | None:
    payment = epc_payment_for_plan(plan, company)
    if payment is None:
        return None
    buffer = BytesIO()
    make_epc_qr(payment).save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


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
    png = qr_png(plan, company)
    cid = message_id.strip("<>").replace("@", ".qr@", 1) if png else ""
    context = reminder_context(plan, company, today, pay_link_url, sender_name=sender.name,
                               qr=f"cid:{cid}" if png else "")
    rendered = render(templates, context)
    attachments = [Attachment(name, data) for name, data in invoice_pdfs]
    if plan.level.attach_letter if attach_letter is None else attach_letter:
        letter = render_reminder_letter(plan, company, today, pay_link_url, address, sender.name)
        attachments.append(Attachment(letter_file_name(plan, today), letter))
    images = [InlineImage(cid, png)] if png else []
    return build_message(sender, plan.emails, rendered.subject, rendered.text, rendered.html, attachments=attachments,
                         images=images, message_id=message_id, at=at)
