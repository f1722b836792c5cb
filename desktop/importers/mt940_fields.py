"""The ``:86:`` text of an MT940/MT942 entry (information to account owner), in the dialects banks write.

* Slash codes, Dutch banks' structured SEPA text. Shapes as in ING's "Mijn ING Zakelijk" MT940 spec
  example (gingerpayments/python-libmt94x, tests/examples/ming-from-spec.txt) and the ABN AMRO and
  Rabobank samples of zilverline/mt940 (spec/fixtures/abn/, rabobank_mt940_structured.txt, 14aug2014.swi):
    ING   ``/EREF/ref//CNTP/iban/bic/name/city///REMI/USTD//text/`` or ``.../REMI/STRD/CUR/RF18.../``
    ABN   ``/TRTP/SEPA OVERBOEKING/IBAN/NL../BIC/ABNANL2A/NAME/name/REMI/text/EREF/ref``
    Rabo  ``/EREF/ref/TRCD/541/ORDP//NAME/name/ADDR/street/REMI/text/ISDT/2014-07-23``; the
          counter account stands on the line below ``:61:``. Values may hold ``/``, so a value runs
          up to the next known code word.
* German ``?``-subfields (Sparkassen, Deutsche Bank, Commerzbank, Volksbanken): ``166?00GUTSCHRIFT
  ?10prima nota?20EREF+..?21SVWZ+..?22..?30BIC?31IBAN?32name?33name``; purpose lines ``?20``-``?29``
  and ``?60``-``?63`` carry the SEPA keywords (``EREF+``, ``SVWZ+``...), keyword list as in
  wolph/mt940 (mt940/processors.py, GVC_KEYS).
* Free text: ABN AMRO's older ``SEPA OVERBOEKING  IBAN: .. BIC: .. NAAM: .. OMSCHRIJVING: ..
  KENMERK: ..`` and whatever else a bank writes, searched for an IBAN and a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iban as iban_check
from stdnum import iso11649

LINE_WIDTH = 65  # a :86: line holds up to 65 characters; a full line was wrapped mid-word
_PURPOSE_WIDTH = 27  # a German ?2x subfield holds 27 characters
_EMPTY_REFS = frozenset({"", "NONREF", "NOTPROVIDED", "NONE"})

_CODE_WORDS = ("EREF", "PREF", "MARF", "CSID", "CNTP", "REMI", "RTRN", "BUSP", "PURP", "ULTC", "ULTD", "ULTB",
               "BENM", "ORDP", "NAME", "ADDR", "ISDT", "TRCD", "TRTP", "IBAN", "BIC", "ID", "OCMT", "EXCH",
               "CHGS", "INIT", "SWOC", "SWOF", "SUM")
_SLASH_CODE = re.compile(r"/(" + "|".join(_CODE_WORDS) + r")(?=/)")
_SUBFIELDS = re.compile(r"^(?:\d{3})?([?>])\d\d")  # Triodos writes ">" for "?"
_SEPA_KEYWORD = re.compile(r"(?:^|(?<=\s))(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|COAM|OAMT)\+")
_LABEL = re.compile(r"\b(IBAN|BIC|NAAM|NAME|REK|OMSCHRIJVING|KENMERK|BETALINGSKENM(?:\.|ERK)|ID DEBITEUR|MACHTIGING"
                    r"|INCASSANT|ID BEGUNSTIGDE|REFERENTIE)\s?:", re.IGNORECASE)
_IBAN_LIKE = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")
_RF_LIKE = re.compile(r"\bRF\d{2}(?: ?[0-9A-Z]{1,4}){1,6}\b")
_ISSUER_REF = re.compile(r"ISSUER:\s*\S+\s+REF:\s*([0-9A-Z]+)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Details:
    """What Paydesk reads from one ``:86:``; ``style`` names the dialect found."""

    style: str = ""  # "slash", "subfields", "labels", "text"
    name: str = ""
    iban: str = ""
    bic: str = ""
    remittance: str = ""
    structured_reference: str = ""
    end_to_end_id: str = ""


def parse_details(lines: list[str]) -> Details:
    """The ``:86:`` lines (tag removed, continuation lines as written) as ``Details``."""
    joined = "".join(lines)
    subfields = _SUBFIELDS.match(joined)
    if subfields:
        return _subfields(joined, subfields.group(1))
    if joined.startswith("/") and _SLASH_CODE.match(joined):
        return _slash_codes(joined)
    return _free_text(_join_wrapped(lines))


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def reference(text: str) -> str:
    """A reference as given, or "" for the banks' placeholders (NONREF, NOTPROVIDED)."""
    value = text.strip()
    return "" if value.upper() in _EMPTY_REFS else value


def account(text: str) -> str:
    return "".join(text.split()).upper()


def find_rf(text: str) -> str:
    """The first valid ISO 11649 creditor reference (``RF..``) in a text, compact; or ""."""
    for match in _RF_LIKE.finditer(text.upper()):
        groups = match.group().split(" ")
        for count in range(len(groups), 0, -1):  # "RF18 5390 0754 7034 12": the last groups may be other text
            candidate = "".join(groups[:count])
            if len(candidate) >= 5 and iso11649.is_valid(candidate):
                return candidate
    return ""


def _join_wrapped(lines: list[str]) -> str:
    """Free text: a full line was wrapped mid-word, a shorter one (or one before a label) ended at a word."""
    parts: list[str] = []
    for index, line in enumerate(lines):
        parts.append(line)
        if index < len(lines) - 1 and (len(line) < LINE_WIDTH or _LABEL.match(lines[index + 1])):
            parts.append(" ")
    return "".join(parts)


def _slash_codes(text: str) -> Details:
    values: dict[str, str] = {}
    matches = list(_SLASH_CODE.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        values.setdefault(match.group(1), text[match.end() + 1:end])
    name, iban, bic = values.get("NAME", ""), values.get("IBAN", ""), values.get("BIC", "")
    if "CNTP" in values:  # ING: /CNTP/account/bic/name/city/
        parts = [*values["CNTP"].split("/"), "", "", ""]
        iban, bic, name = iban or parts[0], bic or parts[1], name or parts[2]
    remittance, structured = values.get("REMI", ""), ""
    kind, _, rest = remittance.partition("/")
    if kind == "USTD":  # ING: /REMI/USTD//text/
        remittance = rest[1:] if rest.startswith("/") else rest
    elif kind == "STRD":  # ING: /REMI/STRD/CUR/reference/
        structured, remittance = rest.partition("/")[2].rstrip("/"), ""
    remittance = clean(remittance.rstrip("/"))
    issuer = _ISSUER_REF.search(remittance)  # ABN AMRO acceptgiro: /REMI/ISSUER: CUR  REF: 1234.../
    if issuer and not structured:
        structured, remittance = issuer.group(1), ""
    return _finish("slash", name=clean(name.rstrip("/")), iban=iban, bic=bic, remittance=remittance,
                   structured=structured, e2e=values.get("EREF", "").rstrip("/"))


def _subfields(text: str, separator: str) -> Details:
    fields: dict[str, list[str]] = {}
    pieces = re.split(re.escape(separator) + r"(\d\d)", text)
    for code, value in zip(pieces[1::2], pieces[2::2], strict=True):
        fields.setdefault(code, []).append(value)
    purpose = _join_fixed([value for code in sorted(fields) if code[0] == "2" or "60" <= code <= "63"
                           for value in fields[code]])
    keywords: dict[str, str] = {}
    found = list(_SEPA_KEYWORD.finditer(purpose))
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(purpose)
        keywords.setdefault(match.group(1), purpose[match.end():end])
    untagged = purpose[:found[0].start()] if found else purpose  # text without a keyword: the remittance
    remittance = keywords.get("SVWZ", untagged)
    name = _join_fixed(fields.get("32", []) + fields.get("33", []))
    return _finish("subfields", name=clean(name) or clean(keywords.get("ABWA", "")),
                   iban="".join(fields.get("31", [])) or keywords.get("IBAN", ""),
                   bic="".join(fields.get("30", [])) or keywords.get("BIC", ""),
                   remittance=clean(remittance), structured="", e2e=keywords.get("EREF", ""))


def _join_fixed(values: list[str]) -> str:
    """German subfields are 27 wide: a full one continues in the next, a shorter one ended at a word.

    A subfield that starts with a SEPA keyword (``SVWZ+``) starts a new part either way.
    """
    parts: list[str] = []
    for index, value in enumerate(values):
        parts.append(value)
        if index < len(values) - 1 and (len(value) < _PURPOSE_WIDTH or _SEPA_KEYWORD.match(values[index + 1])):
            parts.append(" ")
    return "".join(parts)


def _free_text(text: str) -> Details:
    labels = list(_LABEL.finditer(text))
    values: dict[str, str] = {}
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        values.setdefault(match.group(1).upper(), clean(text[match.end():end]).strip("/,;"))
    iban = (values.get("IBAN") or values.get("REK", "")).partition(" ")[0]  # as labelled, even if no valid IBAN
    if not iban:
        iban = next((m.group() for m in _IBAN_LIKE.finditer(text.upper()) if iban_check.is_valid(m.group())), "")
    name = values.get("NAAM") or values.get("NAME", "")
    if "OMSCHRIJVING" in values or (labels and name):
        leading = clean(text[:labels[0].start()]).strip("/,;")
        return _finish("labels", name=name, iban=iban, bic=values.get("BIC", ""),
                       remittance=values.get("OMSCHRIJVING", leading),
                       structured=_first_word(values.get("BETALINGSKENM.") or values.get("BETALINGSKENMERK") or ""),
                       e2e=values.get("KENMERK", ""))
    return _finish("text", name=name, iban=iban, bic="", remittance=clean(text), structured="", e2e="")


def _first_word(text: str) -> str:
    return text.replace(",", " ").partition(" ")[0]


def _finish(style: str, *, name: str, iban: str, bic: str, remittance: str, structured: str, e2e: str) -> Details:
    structured = account(structured)
    return Details(style=style, name=name, iban=account(iban), bic=account(bic), remittance=remittance,
                   structured_reference=structured or find_rf(remittance), end_to_end_id=reference(e2e))
