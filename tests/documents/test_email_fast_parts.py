"""The fast paths of composing: attachments spliced in as base64 and the QR PNG written directly give
exactly the bytes the stdlib and segno give; spooled messages keep their bytes in a file."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from io import BytesIO
from pathlib import Path

import segno

from desktop.documents.email_compose import png_of
from desktop.documents.email_message import Attachment, InlineImage, Sender, build_message, spool

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
SENDER = Sender("reminders@acme.example", "Acme – Debiteuren", "ar@acme.example")


def _stdlib(message_id: str, attachments: list[Attachment], images: list[InlineImage]) -> bytes:
    """The message as the stdlib alone makes it (add_attachment with the data, as before)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = "Acme – Debiteuren <reminders@acme.example>"
    message["To"] = "buh@veter.example, ap@veter.example"
    message["Reply-To"] = SENDER.reply_to
    message["Subject"] = "Напоминание: счёт 2026-00042"
    message["Message-ID"] = message_id
    message["Date"] = email.utils.format_datetime(AT)
    message.set_content("Здравствуйте,\nоплатите счёт.\n", subtype="plain", charset="utf-8")
    message.add_alternative("<p>Здравствуйте</p><img src=\"cid:qr\">", subtype="html", charset="utf-8")
    html = message.get_payload()[-1]
    for image in images:
        html.add_related(image.data, maintype="image", subtype=image.subtype, cid=f"<{image.cid}>", disposition="inline")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message.as_bytes()


def _same_boundaries(raw: bytes) -> bytes:
    names: dict[bytes, bytes] = {}
    return re.sub(rb"={15}\d+==", lambda m: names.setdefault(m.group(0), b"BOUNDARY%d" % len(names)), raw)


def test_spliced_attachments_are_the_stdlibs_bytes_and_decode_to_the_pdfs() -> None:
    pdfs = [Attachment("2026-00042.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 300),
            Attachment("напоминание-2001.pdf", b"%PDF-1.4 short"), Attachment("empty.pdf", b""),
            Attachment("57.pdf", b"%PDF" + b"x" * 57)]
    images = [InlineImage("qr", b"\x89PNG fake")]
    composed = build_message(SENDER, ["buh@veter.example", "ap@veter.example"], "Напоминание: счёт 2026-00042",
                             "Здравствуйте,\nоплатите счёт.\n", "<p>Здравствуйте</p><img src=\"cid:qr\">",
                             attachments=pdfs, images=images, message_id="<1@acme.example>", at=AT)

    assert _same_boundaries(composed.raw) == _same_boundaries(_stdlib("<1@acme.example>", pdfs, images))
    parsed = email.message_from_bytes(composed.raw, policy=email.policy.default)
    found = [(part.get_filename(), part.get_content()) for part in parsed.iter_attachments()]
    assert found == [(a.filename, a.data) for a in pdfs]
    assert b"PAYDESK" not in composed.raw


def test_qr_png_is_segnos_png() -> None:
    for text in ("BCD\n002\n2\nSCT\n\nAcme\nNL91ABNA0417164300\nEUR121\n\n\n2026-00042", "x" * 300, "Ё"):
        qr = segno.make_qr(text.encode("utf-8"), error="m", boost_error=False)
        buffer = BytesIO()
        qr.save(buffer, kind="png", scale=4, border=4)
        assert png_of(qr) == buffer.getvalue()


def test_spooled_message_keeps_its_bytes_in_a_file(tmp_path: Path) -> None:
    composed = build_message(SENDER, ["a@b.example"], "Reminder", "Text\n", "", attachments=[Attachment("1.pdf", b"%PDF")],
                             message_id="<x/1@acme.example>", at=AT)
    spooled = spool(composed, tmp_path)
    assert spooled.path.parent == tmp_path and spooled.raw == composed.raw and spooled.size == len(composed.raw)
    assert (spooled.message_id, spooled.to, spooled.subject, spooled.sender) == (
        "<x/1@acme.example>", ["a@b.example"], "Reminder", "reminders@acme.example")
    assert [(a.filename, a.size) for a in spooled.attachments] == [("1.pdf", 4)]
