"""The hand-written MIME parts are the stdlib's bytes: text in several scripts, long lines (quoted-printable
and base64), with and without inline images and attachments, attachment names in other scripts."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import pytest

from desktop.documents.email_message import Attachment, InlineImage, Sender, build_message

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
SENDERS = [Sender("reminders@acme.example", "Acme – Debiteuren", "ar@acme.example"),
           Sender("ar@acme.example"), Sender("ar@acme.example", "Acme, Inc. (Accounts)")]


def _stdlib(sender: Sender, to: list[str], subject: str, text: str, html: str, message_id: str,
            attachments: list[Attachment], images: list[InlineImage]) -> bytes:
    """The message as the stdlib alone makes it."""
    message = EmailMessage(policy=SMTP)
    user, _, domain = sender.address.partition("@")
    message["From"] = email.headerregistry.Address(display_name=sender.name, username=user, domain=domain)
    message["To"] = ", ".join(to)
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(AT)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    html_part = message.get_payload()[-1]
    for image in images:
        html_part.add_related(image.data, maintype="image", subtype=image.subtype, cid=f"<{image.cid}>",
                              disposition="inline")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message.as_bytes()


def _same_boundaries(raw: bytes) -> bytes:
    names: dict[bytes, bytes] = {}
    return re.sub(rb"={15}\d+==", lambda m: names.setdefault(m.group(0), b"BOUNDARY%d" % len(names)), raw)


LONG = "Bitte überweisen Sie den offenen Betrag " * 6
TEXTS = [
    ("Dear customer,\nplease pay.\n", "<p>Dear customer</p>"),  # 7bit
    ("Здравствуйте,\nоплатите счёт.\n", "<p>Здравствуйте</p><img src=\"cid:qr\">"),  # 8bit
    (LONG + "\n" + "kurz\n" * 3, "<p>" + LONG + "</p>\n" * 14),  # quoted-printable (latin text, long lines)
    ("Оплатите " * 30 + "\n", "<p>" + "Оплатите счёт " * 20 + "</p>"),  # base64 (cyrillic, long lines)
    ("x" * 78 + "\n" + "y" * 79, "a\r\nb\rc\n\n"),  # the edges of a line's length, other line ends
    ("", "<p></p>"),
]
ATTACHMENTS = [
    [],
    [Attachment("2026-00042.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 30)],
    [Attachment("2026-00042.pdf", b"%PDF"), Attachment("напоминание-1042-2026-11-21.pdf", b"%PDF letter"),
     Attachment("empty.pdf", b""), Attachment("a name with spaces and a very long tail to fold it somewhere.pdf", b"x"),
     Attachment("data.csv", b"a;b\n", "text/csv")],
]
IMAGES = [[], [InlineImage("1762.qr@acme.example", b"\x89PNG fake" * 40)],
          [InlineImage("a" * 90 + "@acme.example", b"png1"), InlineImage("b@acme.example", b"png2", "gif")]]


@pytest.mark.parametrize("texts", TEXTS)
@pytest.mark.parametrize("attachments", ATTACHMENTS)
@pytest.mark.parametrize("images", IMAGES)
def test_same_bytes_as_the_stdlib(texts, attachments, images) -> None:
    text, html = texts
    for sender, subject in zip(SENDERS, ["Напоминание: счёт 2026-00042", "Reminder 2026-00042",
                                         "Zahlungserinnerung – Rechnungen 2026-00042, 2026-00043 " * 3], strict=True):
        to = ["buh@veter.example", "ap@veter.example"]
        composed = build_message(sender, to, subject, text, html, attachments=attachments, images=images,
                                 message_id="<1762.abc@acme.example>", at=AT)
        expected = _stdlib(sender, to, subject, text, html, "<1762.abc@acme.example>", attachments, images)
        assert _same_boundaries(composed.raw) == _same_boundaries(expected)


def test_parsed_back_gives_the_parts() -> None:
    pdfs = ATTACHMENTS[2]
    composed = build_message(SENDERS[0], ["a@b.example"], "Reminder", TEXTS[3][0], TEXTS[2][1], attachments=pdfs,
                             images=IMAGES[1], message_id="<2@acme.example>", at=AT)
    parsed = email.message_from_bytes(composed.raw, policy=email.policy.default)
    assert [(part.get_filename(), part.get_content()) for part in parsed.iter_attachments()] == [
        (a.filename, a.data if a.content_type == "application/pdf" else a.data.decode()) for a in pdfs]
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == TEXTS[3][0]  # base64 keeps CRLF, as the stdlib
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == TEXTS[2][1]
    boundaries = re.findall(rb'boundary="([^"]+)"', composed.raw)
    assert len(set(boundaries)) == 3
