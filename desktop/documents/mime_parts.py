"""The MIME body of an email with an HTML part, written directly as bytes.

The stdlib's ``EmailMessage`` (``set_content``, ``add_alternative``, ``add_related``, ``add_attachment``)
sets some twenty part headers per message and parses each back into a header object, then folds
them all again when the message is written: about 2 ms per reminder, more than the email itself.
Here the same structure is written as the stdlib writes it, byte for byte (the tests compare both
over text in several scripts, long lines, images and attachments):

    multipart/mixed                      (only with attachments)
      multipart/alternative
        text/plain
        multipart/related                (only with inline images)
          text/html
          image/png ...
      application/pdf ...

Text parts get the transfer encoding the stdlib would choose (7bit, 8bit, quoted-printable or
base64, by its own heuristics); headers that need encoding or folding (an attachment name in
another script, a very long Content-ID) are made by the stdlib, one header at a time.
"""

from __future__ import annotations

import base64
import binascii
import random
import re
import sys
from email import quoprimime
from email.message import EmailMessage
from email.policy import SMTP
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.documents.email_message import Attachment, InlineImage

CRLF = b"\r\n"
MAX_LINE = SMTP.max_line_length  # 78
_TOKEN_WIDTH = len(repr(sys.maxsize - 1))
_SAFE_NAME = re.compile(r"[0-9A-Za-z._-]+")
_random = random.SystemRandom()


def boundary() -> str:
    """A boundary like the stdlib's (``email.generator._make_boundary``)."""
    return "=" * 15 + f"{_random.randrange(sys.maxsize):0{_TOKEN_WIDTH}d}" + "=="


def _multipart_type(subtype: str, marker: str) -> bytes:
    line = f'Content-Type: multipart/{subtype}; boundary="{marker}"'
    if len(line) <= MAX_LINE:
        return line.encode("ascii") + CRLF
    return f'Content-Type: multipart/{subtype};\r\n boundary="{marker}"'.encode("ascii") + CRLF


def _multipart(subtype: str, parts: list[bytes], mime_version: bool) -> bytes:
    """Headers and body of a multipart part; each of ``parts`` is a whole part (headers, blank line, body)."""
    marker = boundary()
    head = (b"MIME-Version: 1.0\r\n" if mime_version else b"") + _multipart_type(subtype, marker) + CRLF
    dash = b"--" + marker.encode("ascii")
    return head + dash + CRLF + (CRLF + dash + CRLF).join(parts) + CRLF + dash + b"--" + CRLF


def text_encoded(value: str) -> tuple[str, bytes]:
    """The transfer encoding and the body of a text part in UTF-8, as ``email.contentmanager``
    chooses and writes them with the SMTP policy (``_encode_text``)."""
    lines = value.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        body = CRLF.join(lines) + CRLF
        return ("7bit" if body.isascii() else "8bit"), body
    sniff = CRLF.join(lines[:10]) + CRLF
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        return "base64", base64.encodebytes(CRLF.join(lines) + CRLF).replace(b"\n", CRLF)
    whole = (b"\n".join(lines) + b"\n").decode("latin-1")
    encoded = sniff_qp if len(lines) <= 10 else quoprimime.body_encode(whole, MAX_LINE)
    return "quoted-printable", encoded.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def _text_part(subtype: str, value: str, mime_version: bool) -> bytes:
    encoding, body = text_encoded(value)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n'
    return head.encode("ascii") + (b"MIME-Version: 1.0\r\n" if mime_version else b"") + CRLF + body


def header(name: str, value: str) -> bytes:
    """``name: value`` as the stdlib writes it: unchanged when it is plain ASCII and fits on a line."""
    line = f"{name}: {value}"
    if len(line) <= MAX_LINE and value.isascii() and value == " ".join(value.split()) and value:
        return line.encode("ascii") + CRLF
    scratch = EmailMessage(policy=SMTP)
    scratch[name] = value
    return b"".join(SMTP.fold_binary(key, item) for key, item in scratch.raw_items())


def disposition(kind: str, filename: str) -> bytes:
    """The Content-Disposition of an attachment; names in other scripts are RFC 2231-encoded by the stdlib."""
    line = f'Content-Disposition: {kind}; filename="{filename}"'
    if len(line) <= MAX_LINE and _SAFE_NAME.fullmatch(filename):
        return line.encode("ascii") + CRLF
    scratch = EmailMessage(policy=SMTP)
    scratch["Content-Disposition"] = kind
    scratch.set_param("filename", filename, header="Content-Disposition", replace=True)
    return b"".join(SMTP.fold_binary(key, item) for key, item in scratch.raw_items())


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", CRLF)


def _image_part(image: InlineImage) -> bytes:
    return (f"Content-Type: image/{image.subtype}\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: inline\r\n").encode("ascii") + header("Content-ID", f"<{image.cid}>") \
        + b"MIME-Version: 1.0\r\n" + CRLF + _base64(image.data)


def _attachment_part(attachment: Attachment) -> bytes:
    maintype, _, subtype = attachment.content_type.partition("/")
    return f"Content-Type: {maintype}/{subtype}\r\nContent-Transfer-Encoding: base64\r\n".encode("ascii") \
        + disposition("attachment", attachment.filename) + b"MIME-Version: 1.0\r\n" + CRLF + _base64(attachment.data)


def mime_body(text: str, html: str, images: list[InlineImage], attachments: list[Attachment]) -> bytes:
    """Everything after the top headers (From ... Date): ``MIME-Version``, ``Content-Type`` and the parts."""
    if images:
        related = _multipart("related", [_text_part("html", html, False), *map(_image_part, images)], True)
        alternative_parts = [_text_part("plain", text, False), related]
    else:
        alternative_parts = [_text_part("plain", text, False), _text_part("html", html, True)]
    if not attachments:
        return _multipart("alternative", alternative_parts, True)
    alternative = _multipart("alternative", alternative_parts, False)
    return _multipart("mixed", [alternative, *map(_attachment_part, attachments)], True)
