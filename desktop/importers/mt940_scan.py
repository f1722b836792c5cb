"""Cut an MT940/MT942 file into fields (``:61:`` with its continuation lines...) and SWIFT envelopes.

Handles the ``{1:..}{2:..}{4:`` header / ``-}`` trailer envelope, bare messages ended by ``-`` or
``-XXX``, bank preamble lines (ABN AMRO ``ABNANL2A``/``940``, ING ``0000 01INGBNL2AXXXX00001``,
Rabobank ``:940:``), CRLF, LF or CR line ends, and empty lines anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE_END = re.compile(r"\r\n|\n|\r")
_TAG = re.compile(r":(\d\d[A-Z]?):")
_BANK_TAG = re.compile(r":\d{3}:")  # Rabobank's ":940:" first line
_MESSAGE_TYPE = re.compile(r"\{2:[IO](\d{3})")
_SOFT_END = re.compile(r"-(XXX)?\s*")


@dataclass(slots=True)
class Field:
    tag: str  # "20", "25", "28C", "60F", "61", "86"...
    line: int  # 1-based line of the tag
    lines: list[str] = field(default_factory=list)  # the text after the tag, then continuation lines as written

    @property
    def first(self) -> str:
        return self.lines[0].strip()


@dataclass(slots=True)
class Envelope:
    """``{1:...}{2:...}{4:`` opened at ``line``; ``closed_at`` is the line of its ``-}``."""

    line: int
    header: str
    message_type: str  # "940", "942", or "" where block 2 is missing
    closed_at: int | None = None


@dataclass(slots=True)
class MessageEnd:
    line: int


@dataclass(slots=True)
class Scan:
    items: list[Field | Envelope | MessageEnd]
    preamble: list[str]  # lines before the first field and outside envelopes: bank names, "940"...
    last_line: int


def scan(text: str) -> Scan:
    items: list[Field | Envelope | MessageEnd] = []
    preamble: list[str] = []
    current: Field | None = None
    header_line, header = 0, ""
    open_envelope: Envelope | None = None
    lines = _LINE_END.split(text.rstrip("\x1a\x00"))
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("{5:", "{S:")):  # empty, or the trailer's checksums
            continue
        first = stripped[0]
        if first == ":":
            tag = _TAG.match(stripped)
            if tag:
                content = line.lstrip()
                current = Field(tag.group(1), number, [content[tag.end():]])
                items.append(current)
                continue
        elif first == "{" and (current is None or stripped.startswith(("{1:", "{2:", "{4:"))):
            header_line, header = header_line or number, header + stripped
            opened = header.find("{4:")
            if opened < 0:
                continue
            match = _MESSAGE_TYPE.search(header)
            open_envelope = Envelope(header_line, header[:opened], match.group(1) if match else "")
            items.append(open_envelope)
            rest, header_line, header, current = header[opened + 3:].strip(), 0, "", None
            if not rest:
                continue
            tag = _TAG.match(rest)
            if tag:  # "{4::20:..." on one line
                current = Field(tag.group(1), number, [rest[tag.end():]])
                items.append(current)
            continue
        elif first == "-" or stripped == "}":
            if stripped.startswith("-}") or stripped == "}":
                if open_envelope is not None:
                    open_envelope.closed_at = number
                    open_envelope = None
                items.append(MessageEnd(number))
                current = None
                continue
            if _SOFT_END.fullmatch(stripped):
                items.append(MessageEnd(number))
                current = None
                continue
        if current is not None:
            current.lines.append(line)
        elif not items or isinstance(items[-1], MessageEnd) or _BANK_TAG.match(stripped):
            preamble.append(stripped)
    return Scan(items, preamble, len(lines))
