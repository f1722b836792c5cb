"""SWIFT MT940 end-of-day statements and MT942 intraday reports: the ``MT940`` and ``MT942`` formats.

A file holds one or more statements, each ``:20:`` reference, ``:25:`` account, ``:28C:`` number,
``:60F:`` opening balance, entries (``:61:`` + ``:86:``), ``:62F:`` closing balance; an MT942
has floor limits (``:34F:``), a time (``:13D:``) and entry counts (``:90D:``/``:90C:``) instead
of balances. Cutting into fields is in ``mt940_scan``, the fixed-layout fields in ``mt940_entry``,
the banks' ``:86:`` dialects in ``mt940_fields``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.domain.bank import Balance, BankTransaction, ParsedFile, Statement, StatementKind, UnreadableStatement
from desktop.importers import mt940_entry
from desktop.importers.base import MAX_FILE_BYTES
from desktop.importers.encoding import decode_text
from desktop.importers.mt940_banks import bank_name
from desktop.importers.mt940_entry import FieldProblem, StatementLine
from desktop.importers.mt940_fields import Details, parse_details, reference
from desktop.importers.mt940_scan import Envelope, Field, scan
from desktop.importers.xml_safety import gc_paused

_REFERENCE = re.compile(rb"(?:^|[\r\n]|\{4:)[ \t]*:20:")
_ACCOUNT = re.compile(rb"[\r\n][ \t]*:25:")
_LOOKS_942 = re.compile(rb"\{2:[IO]942|[\r\n]\s*:34F:")
_LOOKS_940 = re.compile(rb"\{2:[IO]940|[\r\n]\s*:6[02][FM]:")
_CODE_WORDS = frozenset({"EREF", "PREF", "MARF", "NONREF", "NOTPROVIDED"})  # :61: "see :86:" markers
_COUNTER_ACCOUNT = re.compile(r"[A-Z]{2}\d\d[A-Z0-9]{11,30}|P?\d{6,10}")  # Rabobank's line below :61:
_CUT_OFF = "the file seems cut off; download it from your bank again"


@dataclass(slots=True)
class _Entry:
    line: StatementLine
    lines: list[str]  # the :61: field as written
    details: list[str] = field(default_factory=list)  # the :86: lines after the tag
    raw_details: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    line: int
    reference: str
    message_type: str
    account: str = ""
    currency: str = ""
    sequence: str = ""
    opening: Balance | None = None
    closing: Balance | None = None
    floor_limit: bool = False  # :34F:, only in MT942
    report_fields: bool = False  # :13D:, :90D:, :90C:: MT942, though some MT940 carry them too
    declared: int | None = None
    entries: list[_Entry] = field(default_factory=list)
    last_tag: str = ""


class _Mt94x:
    def __init__(self, name: str, extensions: tuple[str, ...], *, intraday: bool) -> None:
        self.name = name
        self.extensions = extensions
        self.intraday = intraday

    def sniff(self, head: bytes) -> bool:
        if not (_REFERENCE.search(head) and _ACCOUNT.search(head)):
            return False
        return bool(_LOOKS_942.search(head)) if self.intraday else bool(_LOOKS_940.search(head) and not _LOOKS_942.search(head))

    def parse(self, data: bytes, file_name: str) -> ParsedFile:
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableStatement(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB", file_name=file_name)
        text, encoding = decode_text(data)
        try:
            with gc_paused():  # many small objects, none of them garbage
                statements, bank = _read(text)
        except _Problem as problem:
            raise UnreadableStatement(problem.reason, f"line {problem.line}", file_name) from None
        kind = "mt942" if all(s.kind is StatementKind.INTRADAY for s in statements) else "mt940"
        return ParsedFile(kind, statements, dialect=bank, encoding=encoding)


MT940 = _Mt94x("mt940", (".sta", ".mt940", ".940", ".swi", ".txt"), intraday=False)
MT942 = _Mt94x("mt942", (".mt942", ".942"), intraday=True)


class _Problem(Exception):
    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


def _read(text: str) -> tuple[list[Statement], str]:
    scanned = scan(text)
    statements: list[Statement] = []
    draft: _Draft | None = None
    envelope: Envelope | None = None
    for item in scanned.items:
        if isinstance(item, Field) and item.tag != "20":
            if draft is None:
                raise _Problem(f"':{item.tag}:' comes before the statement's ':20:' reference", item.line)
            _take(draft, item)
            continue
        if draft is not None:  # a new statement, envelope or message end closes the statement before it
            statements.append(_finish(draft, item.line, at_end=False))
            draft = None
        if isinstance(item, Envelope):
            if envelope is not None and envelope.closed_at is None:
                raise _Problem(_unclosed(envelope), item.line)
            envelope = item
        elif isinstance(item, Field):
            open_type = envelope.message_type if envelope is not None and envelope.closed_at is None else ""
            draft = _Draft(item.line, item.first, open_type)
        elif envelope is not None and envelope.closed_at == item.line:
            envelope = None
    if envelope is not None and envelope.closed_at is None:
        raise _Problem(_unclosed(envelope), scanned.last_line)
    if draft is not None:
        statements.append(_finish(draft, scanned.last_line, at_end=True))
    if not statements:
        raise _Problem("no statement found: the file has no ':20:' field", scanned.last_line)
    headers = [item.header for item in scanned.items if isinstance(item, Envelope)]
    return statements, bank_name(statements[0].account, headers + scanned.preamble)


def _unclosed(envelope: Envelope) -> str:
    return f"the SWIFT message opened at line {envelope.line} has no closing '-}}'; {_CUT_OFF}"


def _take(draft: _Draft, item: Field) -> None:
    tag, value = item.tag, item.first
    try:
        if tag == "25":
            draft.account, currency = mt940_entry.account(value)
            draft.currency = draft.currency or currency
        elif tag in ("28C", "28"):
            draft.sequence = value
        elif tag in ("60F", "60M", "62F", "62M"):
            balance, draft.currency = mt940_entry.balance(value, tag)
            if tag.startswith("60"):
                draft.opening = draft.opening or balance
            else:
                draft.closing = balance
        elif tag == "61":
            draft.entries.append(_Entry(mt940_entry.statement_line(value), [f":61:{item.lines[0]}", *item.lines[1:]]))
        elif tag == "86" and draft.last_tag == "61":
            draft.entries[-1].details = item.lines
            draft.entries[-1].raw_details = [f":86:{item.lines[0]}", *item.lines[1:]]
        elif tag == "34F":
            draft.floor_limit, draft.currency = True, draft.currency or value[:3]
        elif tag in ("13D", "13"):
            draft.report_fields = True
        elif tag in ("90D", "90C"):
            count, currency = mt940_entry.entry_count(value, tag)
            draft.report_fields, draft.declared, draft.currency = True, (draft.declared or 0) + count, draft.currency or currency
    except FieldProblem as problem:
        raise _Problem(str(problem), item.line) from None
    draft.last_tag = tag


def _finish(draft: _Draft, end_line: int, *, at_end: bool) -> Statement:
    balances = draft.opening is not None or draft.closing is not None
    intraday = draft.message_type == "942" or draft.floor_limit or (draft.report_fields and not balances)
    start = f"the statement that starts at line {draft.line}"
    if not draft.account:
        raise _Problem(f"{start} has no account (':25:')", draft.line)
    if not intraday and draft.opening is None:
        raise _Problem(f"{start} has no opening balance (':60F:')", draft.line)
    if not intraday and draft.closing is None:
        raise _Problem(f"{start} ends without a closing balance (':62F:')" + (f"; {_CUT_OFF}" if at_end else ""), end_line)
    if not draft.currency:
        raise _Problem(f"{start} names no currency", draft.line)
    return Statement(account=draft.account, currency=draft.currency,
                     kind=StatementKind.INTRADAY if intraday else StatementKind.STATEMENT,
                     statement_id=draft.reference, sequence=draft.sequence, opening=draft.opening,
                     closing=draft.closing, declared_count=draft.declared,
                     transactions=[_transaction(entry, draft.currency) for entry in draft.entries])


def _transaction(entry: _Entry, currency: str) -> BankTransaction:
    line = entry.line
    details = parse_details(entry.details) if entry.details else Details()
    counter_account = details.iban
    supplementary = "".join(entry.lines[1:]).strip()
    if not counter_account and details.style == "slash" and _COUNTER_ACCOUNT.fullmatch(supplementary):
        counter_account = supplementary
    customer = "" if line.customer_reference.upper() in _CODE_WORDS else line.customer_reference
    return BankTransaction(
        booking_date=line.booking_date, amount=line.amount, currency=currency, value_date=line.value_date,
        counterparty_name=details.name, counterparty_iban=counter_account, counterparty_bic=details.bic,
        remittance=details.remittance, structured_reference=details.structured_reference,
        bank_reference=reference(line.bank_reference), end_to_end_id=details.end_to_end_id or reference(customer),
        bank_code=line.bank_code, raw="\n".join(entry.lines + entry.raw_details))
