"""A composed email: MIME multipart/alternative (plain text and HTML, with inline images) plus
attachments, as the exact bytes that are stored in the outbox and sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the mail is from (the SMTP settings' name and address) and where replies go."""

    address: str
    name: str = ""
    reply_to: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2] or "paydesk.invalid"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes = field(repr=False)
    content_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class InlineImage:
    """An image the HTML shows with ``<img src="cid:...">``; ``cid`` without angle brackets."""

    cid: str
    data: bytes = field(repr=False)
    subtype: str = "png"


@dataclass(frozen=True, slots=True)
class ComposedEmail:
    message_id: str  # with angle brackets, as in the header
    sender: str  # the envelope sender (the From address)
    to: list[str]
    subject: str
    text: str
    html: str
    attachments: list[Attachment]
    raw: bytes = field(repr=False)


def new_message_id(sender: Sender) -> str:
    return make_msgid(domain=sender.domain)


def _address(address: str, name: str = "") -> Address:
    user, _, domain = address.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def build_message(
    sender: Sender, to: list[str], subject: str, text: str, html: str, *, attachments: list[Attachment] | None = None,
    images: list[InlineImage] | None = None, message_id: str | None = None, at: datetime | None = None,
) -> ComposedEmail:
    """The message as bytes with CRLF line ends; its Message-ID is made here once (or given)."""
    message_id = message_id or new_message_id(sender)
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender.address, sender.name)
    message["To"] = ", ".join(to)
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if at is not None:
        message["Date"] = format_datetime(at)
    message.set_content(text, subtype="plain", charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
        if images:
            html_part = message.get_payload()[-1]
            for image in images:
                html_part.add_related(image.data, maintype="image", subtype=image.subtype, cid=f"<{image.cid}>",
                                      disposition="inline")
    attached = list(attachments or [])
    for attachment in attached:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return ComposedEmail(
        message_id=message_id, sender=sender.address, to=list(to), subject=subject, text=text, html=html,
        attachments=attached, raw=message.as_bytes(),
    )
