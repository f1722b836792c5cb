"""Text statements come as UTF-8, Latin-1 or Windows-1252; tell them apart and decode."""

from __future__ import annotations

import codecs

# Bytes 0x80-0x9F are printable in Windows-1252 (the euro sign is 0x80) but control characters
# in Latin-1; these five are undefined in Windows-1252.
_UNDEFINED_IN_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding name for the user)``. Never fails: Latin-1 decodes every byte."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return data.decode(codec), label
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    high_controls = {b for b in data if 0x80 <= b <= 0x9F}
    if high_controls and not high_controls & _UNDEFINED_IN_CP1252:
        return data.decode("cp1252"), "Windows-1252"
    return data.decode("latin-1"), "Latin-1"
