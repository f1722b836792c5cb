"""Reading camt field values: the tag names of one namespace, amounts, dates, texts and codes.

Every camt version uses its own namespace (``urn:iso:std:iso:20022:tech:xsd:camt.053.001.08``),
so the element names are built once per file (``Tags.of(namespace)``) and compared as plain
strings: ``Element.find`` with such a name runs in C, with no XPath parsing per entry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import cache

from desktop.domain.bank import UnreadableStatement


@dataclass(frozen=True, slots=True)
class Tags:
    """``tags.Ntry == "{urn:...camt.053.001.08}Ntry"``: qualified names of the elements Paydesk reads."""

    Acct: str
    AcctSvcrRef: str
    AddtlNtryInf: str
    AddtlRmtInf: str
    AddtlTxInf: str
    Amt: str
    AmtDtls: str
    BIC: str
    BICFI: str
    Bal: str
    BkTxCd: str
    BookgDt: str
    Ccy: str
    Cd: str
    CdOrPrtry: str
    CdtDbtInd: str
    Cdtr: str
    CdtrAcct: str
    CdtrAgt: str
    CdtrRefInf: str
    Dbtr: str
    DbtrAcct: str
    DbtrAgt: str
    Domn: str
    Dt: str
    DtTm: str
    ElctrncSeqNb: str
    EndToEndId: str
    FinInstnId: str
    Fmly: str
    IBAN: str
    Id: str
    InstdAmt: str
    LglSeqNb: str
    NbOfNtries: str
    Nb: str
    Nm: str
    Ntry: str
    NtryDtls: str
    Othr: str
    Prtry: str
    Pty: str
    Ref: str
    Refs: str
    RfrdDocInf: str
    RltdAgts: str
    RltdPties: str
    RmtInf: str
    RvslInd: str
    Strd: str
    Sts: str
    SubFmlyCd: str
    Svcr: str
    Tp: str
    TtlNtries: str
    TxAmt: str
    TxDtls: str
    TxsSummry: str
    UltmtCdtr: str
    UltmtDbtr: str
    Ustrd: str
    ValDt: str

    @staticmethod
    @cache
    def of(namespace: str) -> Tags:
        prefix = f"{{{namespace}}}" if namespace else ""
        return Tags(**{f.name: prefix + f.name for f in fields(Tags)})


_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_NOT_PROVIDED = "NOTPROVIDED"


def text(element: ET.Element | None) -> str:
    """The stripped text of an element, ``""`` when it is missing or empty."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def child_text(element: ET.Element, tag: str) -> str:
    """The stripped text of ``element``'s first ``tag`` child, ``""`` when there is none."""
    found = element.findtext(tag)
    return found.strip() if found else ""


def element_at(element: ET.Element | None, *path: str) -> ET.Element | None:
    """The element at ``path`` (qualified child names) below ``element``, ``None`` when missing."""
    for tag in path:
        if element is None:
            return None
        element = element.find(tag)
    return element


def text_at(element: ET.Element | None, *path: str) -> str:
    """The text of the element at ``path`` below ``element``."""
    return text(element_at(element, *path))


def compact(value: str) -> str:
    """An account number, BIC or reference without spaces, upper case (``"nl91 abna..."`` -> ``"NL91ABNA..."``)."""
    return value.upper() if value.isalnum() else "".join(value.split()).upper()


def provided(value: str) -> str:
    """``value``, or ``""`` where the bank wrote the placeholder ``NOTPROVIDED`` (in any case or spacing)."""
    if len(value) < len(_NOT_PROVIDED) or value[0] not in "Nn":
        return value
    return "" if compact(value) == _NOT_PROVIDED else value


def amount(element: ET.Element, where: str, what: str = "amount") -> tuple[Decimal, str]:
    """``(Decimal, currency)`` of an ``<Amt Ccy="EUR">12.50</Amt>``-like element."""
    value = (element.text or "").strip()
    plain = value.replace(".", "", 1)
    if not (plain.isdigit() and plain.isascii()) and not _AMOUNT.fullmatch(value):
        raise UnreadableStatement(f"the {what} {value!r} is not a number", where)
    currency = element.get("Ccy") or ""
    if len(currency) != 3 or not (currency.isalpha() and currency.isupper()):
        currency = currency.strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise UnreadableStatement(f"the {what} {value} has no valid currency (Ccy={currency!r})", where)
    return Decimal(value), currency


def sign(element: ET.Element | None, where: str) -> int:
    """``+1`` for ``CRDT`` (money in), ``-1`` for ``DBIT`` (money out)."""
    indicator = text(element)
    if indicator == "CRDT":
        return 1
    if indicator == "DBIT":
        return -1
    raise UnreadableStatement(f"the credit/debit indicator {indicator!r} is neither CRDT nor DBIT", where)


def date_of(element: ET.Element | None, tags: Tags, where: str) -> date | None:
    """The day of a ``DateAndDateTimeChoice`` (``<Dt>`` or ``<DtTm>``), ``None`` when absent."""
    if element is None:
        return None
    value = element.findtext(tags.Dt) or element.findtext(tags.DtTm)
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])  # the bank's own day; a DtTm's time and offset are dropped
    except ValueError:
        raise UnreadableStatement(f"the date {value.strip()!r} is not a date", where) from None


def bank_code(element: ET.Element, tags: Tags) -> str:
    """``"PMNT/RCDT/ESCT"`` from the ISO domain/family/sub-family, else the proprietary code (``"NTRF+166"``)."""
    domain = element.find(tags.Domn)
    if domain is not None:
        family = domain.find(tags.Fmly)
        code = (domain.findtext(tags.Cd) or "").strip()
        if family is not None:
            parts = (code, (family.findtext(tags.Cd) or "").strip(), (family.findtext(tags.SubFmlyCd) or "").strip())
            code = "/".join(filter(None, parts))
        if code:
            return code
    return provided(text_at(element, tags.Prtry, tags.Cd))


def account_id(account: ET.Element | None, tags: Tags) -> str:
    """``Id/IBAN`` or ``Id/Othr/Id`` of a cash account, compact."""
    identification = account.find(tags.Id) if account is not None else None
    if identification is None:
        return ""
    return compact(identification.findtext(tags.IBAN) or text_at(identification, tags.Othr, tags.Id))


def bic(agent: ET.Element | None, tags: Tags) -> str:
    """``FinInstnId/BICFI`` (v4 and later) or ``FinInstnId/BIC`` (v2, v3) of an agent, compact."""
    institution = agent.find(tags.FinInstnId) if agent is not None else None
    if institution is None:
        return ""
    return provided(compact(institution.findtext(tags.BICFI) or institution.findtext(tags.BIC) or ""))
