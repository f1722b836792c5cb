"""A composed email taken apart for showing it: recipients, subject, the plain text and HTML bodies,
the inline images the HTML refers to by ``cid:``, and the attachments (name, size, bytes).

Everything is read from the message's exact bytes (what the outbox stores and the server gets),
so what the window shows is what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass(frozen=True, slots=True)
class AttachedFile:
    name: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class EmailParts:
    to: str
    subject: str
    sender: str
    text: str
    html: str
    attachments: list[AttachedFile]
    images: dict[str, bytes] = field(repr=False)  # content id (without angle brackets) -> image bytes
    raw: bytes = field(repr=False, default=b"")


def parse_email(raw: bytes) -> EmailParts:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    images: dict[str, bytes] = {}
    for part in message.walk():
        cid = part.get("Content-ID")
        if cid and part.get_content_maintype() == "image":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                images[str(cid).strip().strip("<>")] = data
    attachments: list[AttachedFile] = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            attachments.append(AttachedFile(part.get_filename() or "attachment", part.get_content_type(), data))
    return EmailParts(
        to=str(message.get("To", "")), subject=str(message.get("Subject", "")), sender=str(message.get("From", "")),
        text=_content(text_part), html=_content(html_part), attachments=attachments, images=images, raw=raw,
    )


def _content(part: object) -> str:
    if part is None:
        return ""
    content = part.get_content()  # type: ignore[attr-defined]
    return content if isinstance(content, str) else ""


def size_text(size: int) -> str:
    """``2048`` -> ``2 KB`` (file sizes as people read them)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
