"""What every statement format plug-in offers, and the limits that protect Paydesk from hostile files.

A format is a module-level object with a ``name``, the file ``extensions`` it usually comes
with, ``sniff`` (does this content look like mine?) and ``parse`` (the whole file, or
``UnreadableStatement`` naming the line or element; never a partial result).
"""

from __future__ import annotations

from typing import Protocol

from desktop.domain.bank import ParsedFile, UnreadableStatement

__all__ = ["MAX_FILE_BYTES", "MAX_XML_DEPTH", "StatementFormat", "UnreadableStatement"]

MAX_FILE_BYTES = 200 * 1024 * 1024
"""The largest statement file (or unpacked zip member) Paydesk reads."""

MAX_XML_DEPTH = 64
"""Deeper nesting than any ISO 20022 message uses is refused as hostile."""


class StatementFormat(Protocol):
    name: str
    extensions: tuple[str, ...]  # lower case, with the dot: (".xml", ".053")

    def sniff(self, head: bytes) -> bool:
        """Whether the first 64 KiB of a file look like this format."""
        ...

    def parse(self, data: bytes, file_name: str) -> ParsedFile:
        """The whole file, or ``UnreadableStatement`` with the reason and where."""
        ...
