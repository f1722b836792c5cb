"""The source text of each camt entry, for ``BankTransaction.raw``: what the bank wrote, kept compact.

Entries are cut from the bytes that were parsed (the file with its whitespace collapsed, see
``xml_safety.parse_compact_xml``) rather than re-serialized: ``ET.tostring`` would cost more
than the whole parse on a 20,000-entry file. ``<Ntry>`` elements never nest, so the k-th
opening tag and the k-th closing tag found in the bytes belong to the k-th entry of the tree;
that is only trusted when both counts equal the entries in the tree (a comment or CDATA
section quoting ``<Ntry>`` breaks the count, and then the entry is serialized instead).
For a batch, each transaction gets the entry without its sibling ``<TxDtls>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_FIRST_ENTRY = re.compile(rb"<([A-Za-z_][\w.\-]*:)?Ntry[\s/>]")
_BETWEEN_TAGS_TEXT = re.compile(r">\s+<")
_DECLARED_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


class EntrySources:
    """Source text of the entries of one file, by their position in document order."""

    def __init__(self, data: bytes, entry_count: int) -> None:
        self._data = data
        found = _DECLARED_ENCODING.match(data[:200])
        self._encoding = found.group(1).decode("ascii") if found else "utf-8"
        self._spans: list[tuple[int, int]] | None = None
        if not entry_count or self._encoding.lower().replace("-", "").replace("_", "") in ("utf16", "utf32", "ucs2"):
            return
        first = _FIRST_ENTRY.search(data)
        if first is None:
            return
        prefix = first.group(1) or b""  # "ns2:" where the file writes its tags with a namespace prefix
        self._tx_open, self._tx_close = _tag_patterns(prefix, b"TxDtls")
        entry_open, entry_close = _tag_patterns(prefix, b"Ntry")
        starts = [m.start() for m in entry_open.finditer(data, first.start())]
        ends = [m.end() for m in entry_close.finditer(data, first.start())]
        if len(starts) == len(ends) == entry_count and all(s < e for s, e in zip(starts, ends, strict=True)) and all(
                e <= s for e, s in zip(ends, starts[1:], strict=False)):
            self._spans = list(zip(starts, ends, strict=True))

    def entry(self, index: int, element: ET.Element) -> str:
        """The whole ``<Ntry>`` at ``index`` (0-based, in document order)."""
        if self._spans is None:
            return _serialized(element)
        start, end = self._spans[index]
        return self._decode(self._data[start:end])

    def batch(self, index: int, element: ET.Element, count: int) -> list[str]:
        """For each of the ``count`` ``<TxDtls>`` of a batch entry: the entry with only that one."""
        if self._spans is None:
            return [_serialized(element)] * count
        start, end = self._spans[index]
        chunk = self._data[start:end]
        opens = [m.start() for m in self._tx_open.finditer(chunk)]
        closes = [m.end() for m in self._tx_close.finditer(chunk)]
        if not (len(opens) == len(closes) == count):
            return [self._decode(chunk)] * count
        head, tail = chunk[:opens[0]], chunk[closes[-1]:]
        return [self._decode(head + chunk[s:e] + tail) for s, e in zip(opens, closes, strict=True)]

    def _decode(self, chunk: bytes) -> str:
        try:
            return chunk.decode(self._encoding, errors="replace")
        except LookupError:
            return chunk.decode("utf-8", errors="replace")


def _tag_patterns(prefix: bytes, name: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Opening and closing tag of ``name``; a literal start lets ``re`` scan for it at memchr speed."""
    return re.compile(re.escape(b"<" + prefix + name) + rb"[\s/>]"), re.compile(re.escape(b"</" + prefix + name) + rb"\s*>")


def _serialized(element: ET.Element) -> str:
    return _BETWEEN_TAGS_TEXT.sub("><", ET.tostring(element, encoding="unicode"))
