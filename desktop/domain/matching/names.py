"""Comparing a payer's name with customer names: accents, Cyrillic, legal forms and initials aside.

``J. Garcia SL`` resembles ``García y Asociados S.L.``; ``OOO Severnyi veter`` resembles
``ООО «Северный ветер»``. A weak signal: names are shared, shortened and misspelt.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh",
     "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True,
))
_TRANSLIT = str.maketrans({**{ord(k): v for k, v in _CYRILLIC.items()}, ord("ß"): "ss", ord("ø"): "o", ord("æ"): "ae",
                           ord("ł"): "l", ord("đ"): "d"})
_LEGAL_FORMS = frozenset({
    "sl", "sa", "slu", "sll", "scp", "bv", "nv", "vof", "cv", "ltd", "limited", "plc", "llp", "lp", "ab", "hb", "kb",
    "srl", "srls", "spa", "sas", "snc", "sapa", "ooo", "oao", "zao", "ao", "pao", "ip", "gmbh", "ag", "kg", "ohg", "ug",
    "inc", "llc", "co", "corp", "sarl", "sasu", "eurl", "bvba", "oy", "as", "aps", "asa", "holding", "group",
})
_STOP_WORDS = frozenset({
    "y", "e", "and", "und", "en", "och", "et", "the", "of", "de", "del", "la", "le", "il", "di", "da", "van", "der", "den",
    "het", "von", "zu", "mr", "mrs", "ms", "sr", "sra", "sig",
})
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words of a name that tell it apart: no accents, Latin letters, no legal form or initials."""
    lowered = name.lower()
    if lowered.isascii():  # nothing to transliterate or fold
        plain = lowered.replace(".", "")
    else:
        folded = unicodedata.normalize("NFKD", lowered.translate(_TRANSLIT))
        plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(".", "")
    return tuple(w for w in _WORD.findall(plain) if len(w) > 1 and not w.isdigit() and w not in _LEGAL_FORMS
                 and w not in _STOP_WORDS)


def index_keys(words: tuple[str, ...]) -> set[str]:
    """Keys under which a customer is found by name: each word's first four letters."""
    return {w[:4] for w in words if len(w) >= 3}


def _word_likeness(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)):
        return 0.9  # an abbreviation: "asoc" for "asociados"
    longest = max(len(a), len(b))
    limit = longest // 5  # at most one edit in five letters: "severnyi" ~ "severnyy"
    if not limit or a[:2] != b[:2] or abs(len(a) - len(b)) > limit:
        return 0.0
    distance = _edits(a, b, limit)
    return 1 - distance / longest if distance <= limit else 0.0


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (``limit + 1``) once it must exceed ``limit``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=65536)
def similarity(payer: tuple[str, ...], customer: tuple[str, ...]) -> float:
    """0-1: how much of the payer's name is in the customer's, and of the customer's in the payer's."""
    if not payer or not customer:
        return 0.0
    payer_share = sum(max(_word_likeness(p, c) for c in customer) for p in payer) / len(payer)
    customer_share = sum(max(_word_likeness(c, p) for p in payer) for c in customer) / len(customer)
    return round((payer_share + customer_share) / 2, 2)
