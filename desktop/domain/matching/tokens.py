"""Bank text as lookup keys: invoice-number keys, RF references, fuzzy variants, typed amounts.

An invoice is indexed under its number with only letters and digits kept (``2026-00042`` ->
``202600042``, ``INV-2026-0042`` -> ``INV20260042`` and ``20260042``). A payment text is cut into
*windows*: runs of one to four letter/digit pieces joined across spaces, dashes, slashes and dots,
so ``INV 2026 0042`` and ``2026/0042`` give the same keys. Typos are handled from the text's side:
a window that finds nothing is varied by one substituted or two swapped characters, a few dozen
dictionary lookups, instead of indexing every variant of every invoice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_PIECE = re.compile(r"[0-9A-Z]+")
_PIECES = re.compile(r"([0-9A-Z]+)")  # splits text into gaps and pieces
_DIGIT = re.compile(r"[0-9]")
_SOFT_CHARS = " -/._:#"
_SOFT_GAP = re.compile(r"[ \-/._:#]{1,3}")
_RF = re.compile(r"(?<![0-9A-Z])RF ?([0-9]{2})")
_MAX_PIECES = 4
_MAX_RF_BODY = 21
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CONFUSABLE = {"0": "O", "O": "0", "1": "IL", "I": "1", "L": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2"}


def compact(text: str) -> str:
    """Letters and digits only, upper case: ``2026-00042`` -> ``202600042``."""
    upper = text.upper()
    if not upper.isalnum():
        upper = upper.replace("-", "").replace("/", "").replace(" ", "")
    return upper if upper.isalnum() and upper.isascii() else _NOT_ALNUM.sub("", upper)


def without_prefix(key: str) -> str:
    """The key without its leading letters (``INV20260042`` -> ``20260042``), or ``""`` if it has none."""
    if not key or key[0].isdigit():
        return ""
    rest = key.lstrip(LETTERS)
    return rest if rest and rest != key else ""


class Window(NamedTuple):
    key: str  # compact letters and digits
    written: str  # as it stands in the text
    tail: str  # the last piece, for restoring dropped leading zeros ("2026-42")


def windows(text: str, min_len: int, max_len: int) -> list[Window]:
    """Every run of 1-4 adjacent pieces with a digit in it, ``min_len`` to ``max_len`` long once compacted.

    A shorter run of several pieces ending in digits is kept too: its zeros may have been dropped.
    """
    upper = text.upper()
    if _DIGIT.search(upper) is None:
        return []  # (a window needs a digit)
    parts = _PIECES.split(upper)  # a gap, a piece, a gap, ..., a piece, a gap
    ends = list(accumulate(map(len, parts)))  # where each part ends: piece i is parts[2i + 1]
    words = parts[1::2]
    count = len(words)
    found: list[Window] = []
    for i in range(count):
        key = words[i]
        size = len(key)
        if size > max_len:
            continue
        letters_only = key.isalpha()
        start = ends[2 * i]
        if size >= min_len and not letters_only:
            found.append(Window(key, text[start:ends[2 * i + 1]], key))
        for j in range(i + 1, min(i + _MAX_PIECES, count)):
            gap = parts[2 * j]
            if len(gap) > 3 or gap.strip(_SOFT_CHARS):  # pieces run on across a few spaces, dashes, slashes, dots...
                break
            tail = words[j]
            key += tail
            size = len(key)
            if size > max_len:
                break
            letters_only = letters_only and tail.isalpha()
            if (size >= min_len or tail.isdigit()) and not letters_only:
                found.append(Window(key, text[start:ends[2 * j + 1]], tail))
    return found


def zero_variants(window: Window, lengths: frozenset[int]) -> Iterator[str]:
    """The window with the leading zeros of its last piece restored or removed to fit a key length.

    ``2026-42`` -> ``202600042`` when numbers are 9 long; ``INV-2026-00042`` -> ``INV20260042``.
    """
    tail = window.tail
    if len(window.key) == len(tail) or not tail.isdigit():
        return
    head = window.key[: len(window.key) - len(tail)]
    digits = tail.lstrip("0") or "0"
    for length in lengths:
        room = length - len(head)
        if length != len(window.key) and room >= len(digits):
            yield head + digits.zfill(room)


class Edit(StrEnum):
    SUBSTITUTED = "one character differs"
    SWAPPED = "two characters are swapped"


def one_edit_variants(key: str) -> Iterator[tuple[str, Edit]]:
    """Every key one substituted character or one swapped neighbour pair away from ``key``."""
    for i, ch in enumerate(key):
        head, tail = key[:i], key[i + 1:]
        pool = DIGITS if ch.isdigit() else LETTERS
        for other in pool:
            if other != ch:
                yield head + other + tail, Edit.SUBSTITUTED
        for other in _CONFUSABLE.get(ch, ""):
            yield head + other + tail, Edit.SUBSTITUTED
    for i in range(len(key) - 1):
        a, b = key[i], key[i + 1]
        if a != b:
            yield key[:i] + b + a + key[i + 2:], Edit.SWAPPED


def edit_between(written: str, key: str) -> Edit | None:
    """How ``written`` (compacted) differs from ``key`` by one edit, if it does."""
    if len(written) != len(key):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(written, key, strict=True)) if a != b]
    if len(diffs) == 1:
        return Edit.SUBSTITUTED
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and written[diffs[0]] == key[diffs[1]] and written[diffs[1]] == key[diffs[0]]:
        return Edit.SWAPPED
    return None


def print_form(reference: str) -> str:
    """Groups of four, as on a payment slip: ``RF89 2026 0004 2`` (also for an IBAN)."""
    return " ".join([reference[i:i + 4] for i in range(0, len(reference), 4)])


_SHAPE = str.maketrans(DIGITS + LETTERS, "9" * 10 + "A" * 26)


def shape(key: str) -> str:
    """Where a key has digits and letters: ``INV2026`` -> ``AAA9999``."""
    return key.translate(_SHAPE)


def near_shape(key: str, shapes: frozenset[str]) -> bool:
    """Whether ``key`` has a known shape, or one letter/digit confusion (O for 0) away from one."""
    mine = shape(key)
    return mine in shapes or _one_off(mine, shapes)


@lru_cache(maxsize=4096)
def _one_off(mine: str, shapes: frozenset[str]) -> bool:
    """Whether the shape ``mine`` is one letter/digit confusion away from one of ``shapes`` (few: remembered)."""
    return any(len(known) == len(mine) and sum(a != b for a, b in zip(known, mine, strict=True)) == 1 for known in shapes)


_AS_NUMBERS = str.maketrans({letter: str(10 + n) for n, letter in enumerate(LETTERS)})


def rf_is_valid(check: str, body: str) -> bool:
    """ISO 11649: ``body + "RF" + check``, letters as 10-35, leaves 1 modulo 97."""
    if not body or not body.isalnum() or not body.isascii() or len(check) != 2 or not check.isdigit():
        return False
    return int(body.upper().translate(_AS_NUMBERS) + "2715" + check) % 97 == 1


@dataclass(frozen=True, slots=True)
class RfMention:
    """An ``RF`` creditor reference as written in a payment, possibly corrupted."""

    check: str  # the two check digits as written
    bodies: tuple[str, ...]  # possible bodies, longest first: where the reference ends is unknown
    valid_bodies: tuple[str, ...]  # those whose check digits fit (a longer one may fit by chance)

    def electronic(self, body: str = "") -> str:
        return f"RF{self.check}{body or (self.valid_bodies or self.bodies)[-1]}"


def plain_rf(text: str) -> tuple[str, str, bool] | None:
    """For the usual structured reference, an RF reference alone in electronic form (``RF18539007547034``):
    its check digits, its body and whether they fit; what ``find_rf`` finds in it, cheaply. Else ``None``."""
    if not 4 < len(text) <= 4 + _MAX_RF_BODY or not text.isalnum() or not text.isascii():
        return None
    upper = text.upper()
    if not upper.startswith("RF") or not upper[2:4].isdigit():
        return None
    check, body = upper[2:4], upper[4:]
    return check, body, int(body.translate(_AS_NUMBERS) + "2715" + check) % 97 == 1  # as rf_is_valid


def find_rf(text: str) -> list[RfMention]:
    """RF references in ``text`` (print or electronic form)."""
    alone = plain_rf(text)
    if alone is not None:
        check, body, valid = alone
        return [RfMention(check, (body,), (body,) if valid else ())]
    upper = text.upper()
    found: list[RfMention] = []
    for match in _RF.finditer(upper):
        position = match.end()
        body = ""
        bodies: list[str] = []
        while True:
            gap = _SOFT_GAP.match(upper, position)
            if gap is not None and gap.group().strip(" -"):
                break
            piece = _PIECE.match(upper, gap.end() if gap else position)
            if piece is None or len(body) + len(piece.group()) > _MAX_RF_BODY:
                break
            body += piece.group()
            bodies.append(body)
            position = piece.end()
        if not bodies:
            continue
        bodies.reverse()
        check = match.group(1)
        valid = tuple(b for b in bodies if rf_is_valid(check, b))
        found.append(RfMention(check, tuple(bodies), valid))
    return found


def amounts_in(text: str) -> list[Decimal]:
    """What a user may mean by an amount they type: ``1234.50``, ``1.234,50``, ``1,234.50``, ``1234,5``."""
    cleaned = re.sub(r"[\s€$£]|EUR|SEK|GBP|USD", "", text.strip().upper())
    if not cleaned or not re.fullmatch(r"-?[0-9][0-9.,']*", cleaned):
        return []
    options = []
    dot, comma = cleaned.rfind("."), cleaned.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal_mark = "." if dot > comma else ","
        options.append(_plain(cleaned, decimal_mark))
    elif dot >= 0 or comma >= 0:
        mark = "." if dot >= 0 else ","
        if cleaned.count(mark) == 1:
            options.append(_plain(cleaned, mark))
        if len(cleaned) - max(dot, comma) - 1 == 3:
            options.append(_plain(cleaned, "," if mark == "." else "."))
    else:
        options.append(cleaned)
    result: list[Decimal] = []
    for option in options:
        try:
            value = Decimal(option)
        except InvalidOperation:
            continue
        if value.is_finite() and value not in result:
            result.append(value)
    return result


def _plain(text: str, decimal_mark: str) -> str:
    grouping = "," if decimal_mark == "." else "."
    return text.replace(grouping, "").replace("'", "").replace(decimal_mark, ".")
