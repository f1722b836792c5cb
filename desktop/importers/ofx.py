"""OFX and QFX bank and credit card statements: the ``FORMAT`` plug-in.

OFX 1.x (``OFXHEADER:100``, SGML) is read by ``ofx_sgml``; OFX 2.x (``<?OFX OFXHEADER="200"?>``,
XML) by ``xml_safety.parse_xml``, which refuses DTDs and entities. QFX is OFX with Intuit's extra
elements (``INTU.BID``...), which are ignored. Each ``STMTRS`` / ``CCSTMTRS`` becomes a statement:
OFX gives the closing (ledger) balance but no opening balance.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from stdnum import iban as iban_check

from desktop.domain.bank import Balance, BankTransaction, ParsedFile, Statement, UnreadableStatement
from desktop.importers.base import MAX_FILE_BYTES
from desktop.importers.encoding import decode_text
from desktop.importers.mt940_fields import clean, find_rf
from desktop.importers.ofx_sgml import Node, from_xml, parse_sgml
from desktop.importers.xml_safety import gc_paused, parse_xml

_OFX_MARK = re.compile(rb"OFXHEADER|<OFX>", re.IGNORECASE)
_OFX_TEXT_MARK = re.compile(r"OFXHEADER|<OFX>", re.IGNORECASE)
_XML_HEAD = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<\?(?:xml|OFX)\b", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)")
_RESPONSES = frozenset({"STMTTRNRS", "CCSTMTTRNRS"})
_ENCODING_NAMES = {"UTF8": "UTF-8", "WINDOWS-1252": "Windows-1252", "CP1252": "Windows-1252",
                   "ISO-8859-1": "Latin-1", "LATIN-1": "Latin-1", "LATIN1": "Latin-1"}
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\s*(\d{4})(\d\d)(\d\d)")


class _OfxFormat:
    name = "ofx"
    extensions = (".ofx", ".qfx")

    def sniff(self, head: bytes) -> bool:
        return bool(_OFX_MARK.search(head))

    def parse(self, data: bytes, file_name: str) -> ParsedFile:
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableStatement(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB", file_name=file_name)
        if _XML_HEAD.match(data):
            element = parse_xml(data, file_name)
            with gc_paused():
                root = from_xml(element)
            declared = _XML_ENCODING.search(data[:200])
            label = declared.group(1).decode().upper() if declared else "UTF-8"
            kind, encoding = "ofx-2", _ENCODING_NAMES.get(label, label)
        else:
            text, encoding = decode_text(data)
            if not _OFX_TEXT_MARK.search(text):
                raise UnreadableStatement("this is not an OFX file: it has no OFX header and no <OFX> element",
                                          file_name=file_name)
            with gc_paused():
                root, kind = parse_sgml(text, file_name), "ofx-1"
        with gc_paused():
            statements, warnings = _statements(root, file_name)
        return ParsedFile(kind, statements, dialect=_organisation(root), encoding=encoding, warnings=warnings)


FORMAT = _OfxFormat()


def _statements(root: Node, file_name: str) -> tuple[list[Statement], list[str]]:
    statements: list[Statement] = []
    refusals: list[str] = []
    for wrapper in root.walk(lambda node: node.name not in _RESPONSES):
        if wrapper.name not in _RESPONSES:
            continue
        response = wrapper.child("STMTRS", "CCSTMTRS")
        if response is None:
            status = wrapper.value("STATUS", "MESSAGE") or f"status code {wrapper.value('STATUS', 'CODE') or '?'}"
            refusals.append(f"the bank sent no statement: {status}")
        else:
            statements.append(_statement(response, wrapper.value("TRNUID"), file_name))
    if not statements:
        reason = refusals[0] if refusals else "the OFX file holds no bank or credit card statement"
        raise UnreadableStatement(reason, file_name=file_name)
    return statements, refusals


def _organisation(root: Node) -> str:
    """The bank as the sign-on response names it (``<FI><ORG>``), for ``ParsedFile.dialect``."""
    ofx = root.child("OFX")
    signon = ofx.child("SIGNONMSGSRSV1") if ofx else None
    return signon.value("SONRS", "FI", "ORG") if signon else ""


def _statement(response: Node, transaction_uid: str, file_name: str) -> Statement:
    where = _where(response, "STMTRS")
    currency = response.value("CURDEF").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise UnreadableStatement("the statement has no currency (<CURDEF>)", where, file_name)
    account_node = response.child("BANKACCTFROM", "CCACCTFROM")
    account = _account(account_node.value("ACCTID"), account_node.value("BANKID")) if account_node else ""
    if not account:
        raise UnreadableStatement("the statement has no account number (<ACCTID>)", where, file_name)
    closing = None
    ledger = response.child("LEDGERBAL")
    if ledger is not None and ledger.value("BALAMT"):
        closing = Balance(_amount(ledger, "BALAMT", "LEDGERBAL", file_name), _date(ledger, "DTASOF", "LEDGERBAL", file_name))
    entries = response.child("BANKTRANLIST")
    transactions = [_transaction(entry, index, currency, file_name)
                    for index, entry in enumerate((e for e in (entries.children if entries else []) if e.name == "STMTTRN"),
                                                  start=1)]
    return Statement(account=account, currency=currency, statement_id="" if transaction_uid == "0" else transaction_uid,
                     closing=closing, transactions=transactions)


def _transaction(entry: Node, index: int, currency: str, file_name: str) -> BankTransaction:
    fitid = entry.value("FITID")
    where = f"STMTTRN {index}" + (f" (FITID {fitid})" if fitid else "")
    if not entry.value("DTPOSTED"):
        raise UnreadableStatement("the transaction has no date (<DTPOSTED>)", _where(entry, where), file_name)
    if not entry.value("TRNAMT"):
        raise UnreadableStatement("the transaction has no amount (<TRNAMT>)", _where(entry, where), file_name)
    memo, check = clean(entry.value("MEMO")), entry.value("CHECKNUM")
    remittance = " ".join(part for part in (memo, f"check {check}" if check else "") if part)
    counter = entry.child("BANKACCTTO", "CCACCTTO")
    return BankTransaction(
        booking_date=_date(entry, "DTPOSTED", where, file_name), amount=_amount(entry, "TRNAMT", where, file_name),
        currency=currency, value_date=_date(entry, "DTUSER", where, file_name) if entry.value("DTUSER") else None,
        counterparty_name=clean(entry.value("NAME") or entry.value("PAYEE", "NAME")),
        counterparty_iban=_account(counter.value("ACCTID"), "") if counter else "",
        remittance=remittance, structured_reference=find_rf(memo), bank_reference=fitid,
        end_to_end_id=entry.value("REFNUM"), bank_code=entry.value("TRNTYPE").upper(), raw=entry.raw)


def _account(account_id: str, bank_id: str) -> str:
    compact = re.sub(r"\s", "", account_id).upper()
    if not compact or iban_check.is_valid(compact) or not bank_id.strip():
        return compact
    return f"{bank_id.strip()}/{compact}"


def _amount(node: Node, name: str, where: str, file_name: str) -> Decimal:
    """A decimal point or comma; where both occur, the last one is the decimal mark."""
    text = node.value(name).replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):  # no exponents, NaN or Infinity
        raise UnreadableStatement(f"<{name}> is not an amount: '{node.value(name)}'", _where_leaf(node, name, where),
                                  file_name)
    return Decimal(text)


def _date(node: Node, name: str, where: str, file_name: str) -> date:
    """``20261115``, ``20261115120000.000[-5:EST]``: the date as the bank wrote it, time zone ignored."""
    found = _DATE.match(node.value(name))
    try:
        if found:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        pass
    raise UnreadableStatement(f"<{name}> is not a date: '{node.value(name)}'", _where_leaf(node, name, where), file_name)


def _where(node: Node, fallback: str) -> str:
    return f"line {node.line}" if node.line else fallback


def _where_leaf(node: Node, name: str, fallback: str) -> str:
    leaf = node.child(name)
    return _where(leaf, fallback) if leaf is not None else fallback
