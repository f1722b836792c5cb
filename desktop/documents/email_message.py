"""A composed email: MIME multipart/alternative (plain text and HTML, with inline images) plus
attachments, as the exact bytes that are stored in the outbox and sent; and the same message
spooled to a file (``SpooledEmail``), for runs too large to keep every message in memory."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from desktop.documents.mime_parts import header, mime_body


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
    """The message as bytes with CRLF line ends; its Message-ID is made here once (or given).

    With an HTML part (every reminder) the MIME parts are written directly (``mime_parts``): the same bytes
    as the stdlib's ``EmailMessage`` makes, without parsing back some twenty headers it sets itself."""
    message_id = message_id or new_message_id(sender)
    attached = list(attachments or [])
    if html:
        raw = _top_headers(sender, to, subject, message_id, at) + mime_body(text, html, images or [], attached)
    else:
        raw = _stdlib_message(sender, to, subject, text, attached, message_id, at)
    return ComposedEmail(
        message_id=message_id, sender=sender.address, to=list(to), subject=subject, text=text, html=html,
        attachments=attached, raw=raw,
    )


def _top_headers(sender: Sender, to: list[str], subject: str, message_id: str, at: datetime | None) -> bytes:
    """From, To, Reply-To and Subject as the stdlib folds them (names and subjects in any script); the
    Message-ID and Date as they are when they fit on a line (the stdlib writes them unchanged then)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender.address, sender.name)
    message["To"] = ", ".join(to)
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Subject"] = subject
    lines = [SMTP.fold_binary(name, value) for name, value in message.raw_items()]
    lines.append(header("Message-ID", message_id))
    if at is not None:
        lines.append(header("Date", format_datetime(at)))
    return b"".join(lines)


def _stdlib_message(
    sender: Sender, to: list[str], subject: str, text: str, attached: list[Attachment], message_id: str,
    at: datetime | None,
) -> bytes:
    """A plain-text message (no HTML part) built by the stdlib, attachments spliced in."""
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
    markers: list[bytes] = []
    token = secrets.token_hex(12)
    for index, attachment in enumerate(attached):
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(b"", maintype=maintype, subtype=subtype, filename=attachment.filename)
        marker = f"PAYDESK{token}ATTACHMENT{index}"
        message.get_payload()[-1].set_payload(marker + "\n")
        markers.append(marker.encode("ascii") + b"\r\n")
    return _spliced(message.as_bytes(), markers, attached)


def _spliced(raw: bytes, markers: list[bytes], attached: list[Attachment]) -> bytes:
    """``raw`` with each attachment's marker line replaced by its base64 body.

    The stdlib would encode and then re-split the body line by line in Python (the slow part of a
    message with PDFs); ``base64.encodebytes`` makes the same 76-character lines in C, so the bytes
    are the same as ``add_attachment(data)`` gives (checked by the tests)."""
    if not markers:
        return raw
    pieces: list[bytes] = []
    start = 0
    for marker, attachment in zip(markers, attached, strict=True):
        at = raw.index(marker, start)
        pieces.append(raw[start:at])
        pieces.append(base64.encodebytes(attachment.data).replace(b"\n", b"\r\n"))
        start = at + len(marker)
    pieces.append(raw[start:])
    return b"".join(pieces)


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attachment of a spooled message: its name and size, not its bytes."""

    filename: str
    size: int
    content_type: str = "application/pdf"


@dataclass(slots=True)
class SpooledEmail:
    """A composed message kept in a file instead of memory (a run over thousands of customers): what
    the preview and the outbox need, and ``raw`` read back from ``path`` when it is recorded.

    ``keeper`` holds the run's spool folder alive (it is removed when no message refers to it)."""

    message_id: str
    sender: str
    to: list[str]
    subject: str
    attachments: list[AttachmentInfo]
    path: Path
    size: int
    keeper: object = field(default=None, repr=False, compare=False)

    @property
    def raw(self) -> bytes:
        return self.path.read_bytes()


_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z.-]+")


def spool(email: ComposedEmail, folder: Path) -> SpooledEmail:
    """Write ``email``'s bytes to a new file in ``folder`` (named after its Message-ID) and keep only its metadata."""
    path = folder / f"{_UNSAFE_NAME.sub('_', email.message_id.strip('<>'))}.eml"
    with path.open("xb") as file:
        file.write(email.raw)
    attachments = [AttachmentInfo(a.filename, len(a.data), a.content_type) for a in email.attachments]
    return SpooledEmail(email.message_id, email.sender, list(email.to), email.subject, attachments, path, len(email.raw))
