"""ISO 20022 camt bank files: camt.053 statements, camt.052 intraday reports, camt.054 notifications.

Versions 001.02 to 001.08 are read by one lenient reader: where versions differ it accepts
either form (``<Sts>BOOK</Sts>`` / ``<Sts><Cd>BOOK</Cd></Sts>``, ``Dbtr/Nm`` / ``Dbtr/Pty/Nm``,
``BIC`` / ``BICFI``, ``BookgDt/Dt`` / ``BookgDt/DtTm``, ``TxDtls/Amt`` / ``TxDtls/AmtDtls/TxAmt``).

Where the layout knowledge comes from:
* the ISO 20022 message definitions of BankToCustomerStatement / AccountReport /
  DebitCreditNotification V02-V08 (element names, choices, the ReversalIndicator usage rule),
  as browsable at mx-message.com and in the generated models of prowide/prowide-iso20022;
* the sample messages of the genkgo/camt test suite (camt052 v1-v8, camt053 v2-v8, camt054 v2-v8);
* the public format descriptions of the dialects the fixtures imitate (tests/fixtures/bank/camt):
  ING's "Format Description CAMT052 CAMT053 NL", the German DK "DFÜ-Abkommen Anlage 3" used by
  the Sparkassen (camt.05x.001.08, ``NTRF+166``-style proprietary codes), and the Swiss Payment
  Standards of UBS and PostFinance (camt.053/054.001.04, ``QRR`` references).

Runs of whitespace in texts are read as one space (the file is parsed with its whitespace
collapsed, see ``xml_safety.parse_compact_xml``): padded remittance lines read cleanly.

Balances: the opening balance is ``OPBD``, else ``PRCD`` (previous closing), else the first
``ITBD`` when a later balance closes the period; the closing balance is ``CLBD``, else the last
``ITBD`` (an intraday report's "booked so far"; a page of a paginated statement). Available
balances (``CLAV``, ``OPAV``, ``FWAV``) are not booked balances and are not used.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

from desktop.domain.bank import Balance, BankTransaction, ParsedFile, Statement, StatementKind, UnreadableStatement
from desktop.importers.camt_entries import read_entry
from desktop.importers.camt_fields import Tags, account_id, amount, bic, date_of, sign, text, text_at
from desktop.importers.camt_raw import EntrySources
from desktop.importers.xml_safety import gc_paused, local_name, namespace_of, parse_compact_xml

__all__ = ["FORMAT", "CamtFormat"]

# Message element -> (message number, statement element, kind)
_MESSAGES = {
    "BkToCstmrStmt": ("053", "Stmt", StatementKind.STATEMENT),
    "BkToCstmrAcctRpt": ("052", "Rpt", StatementKind.INTRADAY),
    "BkToCstmrDbtCdtNtfctn": ("054", "Ntfctn", StatementKind.NOTIFICATION),
}
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4})\.(\d{3})\.001\.(\d{2})")
_SNIFF = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.|<(?:[\w.\-]+:)?BkToCstmr(?:Stmt|AcctRpt|DbtCdtNtfctn)[\s>]")
VERSIONS = range(2, 9)
_NOT_BOOKED_WHY = {"PDNG": "pending, not booked yet", "INFO": "for information only, not booked",
                   "FUTR": "to be booked on a later day"}


class CamtFormat:
    name = "camt"
    extensions = (".xml", ".053", ".052", ".054", ".camt")

    def sniff(self, head: bytes) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
        return _SNIFF.search(head) is not None

    def parse(self, data: bytes, file_name: str) -> ParsedFile:
        root, parsed = parse_compact_xml(data, file_name)
        try:
            with gc_paused():
                return _read(root, parsed)
        except UnreadableStatement as error:
            raise UnreadableStatement(error.reason, error.where, file_name) from None


FORMAT = CamtFormat()


def _read(root: ET.Element, data: bytes) -> ParsedFile:
    message = _message(root)
    if message is None or local_name(message.tag) not in _MESSAGES:
        found = message if message is not None else root
        iso = _NAMESPACE.fullmatch(namespace_of(found.tag))
        what = f"an ISO 20022 {iso.group(1)}.{iso.group(2)} message" if iso else f"XML with a <{local_name(found.tag)}> element"
        raise UnreadableStatement(f"this is {what}, not a camt bank statement (camt.052, camt.053 or camt.054)")
    number, statement_tag, kind = _MESSAGES[local_name(message.tag)]
    namespace = namespace_of(message.tag)
    warnings: list[str] = []
    file_format = _format(namespace, number, warnings)
    tags = Tags.of(namespace)
    elements = message.findall(f"{{{namespace}}}{statement_tag}" if namespace else statement_tag)
    if not elements:
        raise UnreadableStatement(f"the file holds no statement (<{statement_tag}>)")
    entries = [element.findall(tags.Ntry) for element in elements]
    sources = EntrySources(data, sum(map(len, entries)))
    statements = []
    first = 0
    for position, (element, its_entries) in enumerate(zip(elements, entries, strict=True), 1):
        where = f"{statement_tag}[{position}]"
        statements.append(_statement(element, its_entries, where, kind, tags, sources, first, warnings))
        first += len(its_entries)
    return ParsedFile(format=file_format, statements=statements, dialect=_dialect(elements[0], tags), warnings=warnings)


def _message(root: ET.Element) -> ET.Element | None:
    """The message element: the child of ``Document``, also inside an envelope (``AppHdr`` + ``Document``)."""
    if local_name(root.tag) in _MESSAGES:
        return root
    for element in (root, *root, *(grandchild for child in root for grandchild in child)):
        if local_name(element.tag) == "Document":
            return next(iter(element), None)
    return None


def _format(namespace: str, number: str, warnings: list[str]) -> str:
    if not namespace:
        warnings.append(f"The file names no camt version (no XML namespace); it was read as camt.{number}.")
        return f"camt.{number}"
    found = _NAMESPACE.fullmatch(namespace)
    if found is None:
        raise UnreadableStatement(f"the namespace {namespace!r} is not an ISO 20022 camt namespace")
    area, message, version = found.group(1), found.group(2), int(found.group(3))
    name = f"{area}.{message}.001.{version:02d}"
    if (area, message) != ("camt", number):
        raise UnreadableStatement(f"the namespace says {name} but the message is a camt.{number}")
    if version not in VERSIONS:
        raise UnreadableStatement(
            f"the file is {name}; Paydesk reads camt.{number} versions 001.{VERSIONS[0]:02d} to 001.{VERSIONS[-1]:02d}. "
            "Ask the bank for one of those versions.")
    return name


def _statement(element: ET.Element, entries: list[ET.Element], where: str, kind: StatementKind, tags: Tags,
               sources: EntrySources, first: int, warnings: list[str]) -> Statement:
    account_element = element.find(tags.Acct)
    account = account_id(account_element, tags)
    if not account:
        raise UnreadableStatement("the statement names no account (Acct/Id)", where)
    opening, closing, balance_currency = _balances(element, where, tags)
    statement = Statement(
        account=account, currency=text_at(account_element, tags.Ccy).upper() or balance_currency, kind=kind,
        statement_id=text(element.find(tags.Id)),
        sequence=text(element.find(tags.ElctrncSeqNb)) or text(element.find(tags.LglSeqNb)),
        opening=opening, closing=closing)
    notes: list[str] = []
    transactions, skipped, reversals = _entries(entries, where, tags, sources, first, notes, flip=False)
    if reversals and opening is not None and closing is not None:
        moved = sum((t.amount for t in transactions), Decimal(0))
        if closing.amount != opening.amount + moved:
            notes = []
            flipped, _, _ = _entries(entries, where, tags, sources, first, notes, flip=True)
            if closing.amount == opening.amount + sum((t.amount for t in flipped), Decimal(0)):
                transactions = flipped
                notes.append(f"{where}: the bank marks reversals with the original direction; Paydesk booked the "
                             f"{reversals} reversal(s) the other way, so the statement adds up.")
    statement.transactions = transactions
    if not statement.currency and transactions:
        statement.currency = transactions[0].currency
    warnings.extend(notes)
    for status, count in sorted(skipped.items()):
        warnings.append(f"{where}: {count} {'entry' if count == 1 else 'entries'} with status {status} left out "
                        f"({_NOT_BOOKED_WHY[status]}).")
    _declared_count(statement, element, len(entries), where, tags, warnings)
    return statement


def _entries(entries: list[ET.Element], where: str, tags: Tags, sources: EntrySources, first: int, notes: list[str],
             *, flip: bool) -> tuple[list[BankTransaction], Counter[str], int]:
    transactions: list[BankTransaction] = []
    skipped: Counter[str] = Counter()
    reversals = 0
    for position, ntry in enumerate(entries):
        result = read_entry(ntry, f"{where}/Ntry[{position + 1}]", tags, sources, first + position, flip_reversals=flip)
        if result.transactions:
            transactions.extend(result.transactions)
        else:
            skipped[result.status] += 1
        reversals += result.reversal
        if result.note:
            notes.append(result.note)
    return transactions, skipped, reversals


def _balances(element: ET.Element, where: str, tags: Tags) -> tuple[Balance | None, Balance | None, str]:
    """``(opening, closing, currency)``; see the module docstring for which balance is which."""
    found: dict[str, list[Balance]] = {}
    currency = ""
    for position, balance in enumerate(element.findall(tags.Bal), 1):
        here = f"{where}/Bal[{position}]"
        kind_element = balance.find(tags.Tp)
        code = (text_at(kind_element, tags.CdOrPrtry, tags.Cd) or text_at(kind_element, tags.CdOrPrtry, tags.Prtry)).upper()
        if code not in ("OPBD", "PRCD", "CLBD", "ITBD"):
            continue
        amount_element = balance.find(tags.Amt)
        if amount_element is None:
            raise UnreadableStatement(f"the {code} balance has no amount", here)
        value, currency = amount(amount_element, here, f"{code} balance")
        day = date_of(balance.find(tags.Dt), tags, here)
        if day is None:
            raise UnreadableStatement(f"the {code} balance has no date", here)
        found.setdefault(code, []).append(Balance(value * sign(balance.find(tags.CdtDbtInd), here), day))
    opening = (found.get("OPBD") or found.get("PRCD") or [None])[0]
    closing = (found.get("CLBD") or [None])[0]
    interim = found.get("ITBD", [])
    if opening is None and interim and (closing is not None or len(interim) > 1):
        opening, interim = interim[0], interim[1:]
    if closing is None and interim:
        closing = interim[-1]
    return opening, closing, currency


def _declared_count(statement: Statement, element: ET.Element, entry_count: int, where: str, tags: Tags,
                    warnings: list[str]) -> None:
    """``TxsSummry/TtlNtries/NbOfNtries`` counts entries (``Ntry``), not the transactions they split into.

    ``check_balance`` compares ``declared_count`` with ``len(transactions)``, so it is set only where
    each entry is one transaction; otherwise the file's count is checked here against its entries.
    """
    declared = text_at(element, tags.TxsSummry, tags.TtlNtries, tags.NbOfNtries)
    if not declared.isdigit():
        return
    if entry_count == len(statement.transactions):
        statement.declared_count = int(declared)
    elif int(declared) != entry_count:
        warnings.append(f"{where}: the file declares {int(declared)} entries but holds {entry_count}.")


# First four letters of a BIC -> the bank whose dialect a file is written in.
_BANKS = {"INGB": "ING", "BBRU": "ING", "INGD": "ING", "RABO": "Rabobank", "ABNA": "ABN AMRO", "KNAB": "Knab",
          "BUNQ": "bunq", "TRIO": "Triodos", "SNSB": "de Volksbank", "ASNB": "de Volksbank", "DEUT": "Deutsche Bank",
          "COBA": "Commerzbank", "UBSW": "UBS", "POFI": "PostFinance", "KRED": "KBC", "GEBA": "BNP Paribas Fortis"}
# The fourth digit of a German bank code (IBAN characters 5-12) names the group of banks.
_GERMAN_GROUPS = {"5": "Sparkasse", "6": "Volksbank", "9": "Volksbank", "7": "Deutsche Bank", "4": "Commerzbank"}


def _dialect(statement: ET.Element, tags: Tags) -> str:
    """The bank that wrote the file, from the account servicer's BIC or the account's IBAN ("" if unknown)."""
    account = statement.find(tags.Acct)
    servicer = bic(account.find(tags.Svcr), tags) if account is not None else ""
    if servicer[:4] in _BANKS:
        return _BANKS[servicer[:4]]
    iban = account_id(account, tags)
    if iban.startswith("NL") and iban[4:8] in _BANKS:
        return _BANKS[iban[4:8]]
    if iban.startswith("DE") and len(iban) == 22:
        return _GERMAN_GROUPS.get(iban[7], "")
    return ""
