"""Bank statements as Paydesk reads them, whatever the file format.

Every importer turns a file into ``ParsedFile``: statements of one account each, holding
transactions with a signed amount (``+`` money in, ``-`` money out). What the bank wrote is
kept in ``raw`` beside what Paydesk made of it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.domain.errors import PaydeskError
from desktop.domain.money import ZERO


class StatementKind(StrEnum):
    STATEMENT = "statement"  # end of day: camt.053, MT940, OFX, most CSV exports
    INTRADAY = "intraday"  # camt.052, MT942
    NOTIFICATION = "notification"  # camt.054: debit/credit notifications


class TransactionState(StrEnum):
    UNMATCHED = "unmatched"  # an incoming payment with no good candidate
    REVIEW = "review"  # candidates, but none clearly best: the user decides
    MATCHED = "matched"  # booked as a payment (by Paydesk or by the user)
    IGNORED = "ignored"  # not a customer payment (fees, outgoing, payouts, a rule)


class IgnoreCategory(StrEnum):
    OUTGOING = "outgoing"
    REFUND = "refund"
    BANK_FEE = "bank_fee"
    PROVIDER_PAYOUT = "provider_payout"
    SALARY = "salary"
    TAX = "tax"
    INTERNAL = "internal_transfer"
    OTHER = "other"


class UnreadableStatement(PaydeskError):
    """A file that cannot be read whole; ``where`` names the line or element."""

    def __init__(self, reason: str, where: str = "", file_name: str = "") -> None:
        self.reason = reason
        self.where = where
        self.file_name = file_name
        parts = [p for p in (file_name, where) if p]
        super().__init__(f"{': '.join(parts)}: {reason}" if parts else reason)


@dataclass(frozen=True, slots=True)
class BankTransaction:
    booking_date: date
    amount: Decimal  # signed, in ``currency``: + money in, - money out
    currency: str
    value_date: date | None = None
    counterparty_name: str = ""
    counterparty_iban: str = ""  # compact, upper case; may be a non-IBAN account number
    counterparty_bic: str = ""
    remittance: str = ""  # unstructured remittance text, lines joined with spaces
    structured_reference: str = ""  # a creditor reference (CdtrRefInf, e.g. RF18...), compact
    bank_reference: str = ""  # the bank's own reference of the entry (AcctSvcrRef, :61: //ref, FITID)
    end_to_end_id: str = ""  # the payer's EndToEndId (never "NOTPROVIDED")
    bank_code: str = ""  # bank transaction code as sent: "PMNT/RCDT/ESCT", "NTRF", "N196", "DEBIT"...
    instructed_amount: Decimal | None = None  # the original amount where the payer paid another currency
    instructed_currency: str = ""
    raw: str = ""  # the source text of this entry (XML fragment, MT940 lines, CSV row)

    @property
    def incoming(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal  # signed
    date: date


@dataclass(slots=True)
class Statement:
    account: str  # IBAN (compact) or the bank's account number
    currency: str
    kind: StatementKind = StatementKind.STATEMENT
    statement_id: str = ""  # camt Stmt/Id, MT940 :20: / :28C:
    sequence: str = ""  # ElctrncSeqNb, the :28C: statement number/sequence
    opening: Balance | None = None
    closing: Balance | None = None
    declared_count: int | None = None  # number of entries the file says it holds
    transactions: list[BankTransaction] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFile:
    format: str  # "camt.053.001.08", "mt940", "mt942", "ofx-1", "ofx-2", "csv", "xlsx"
    statements: list[Statement]
    dialect: str = ""  # the bank's dialect where it matters: "ING", "Rabobank", "ABN AMRO", "Sparkasse"...
    encoding: str = ""  # for text formats: "UTF-8", "Windows-1252", "Latin-1"
    warnings: list[str] = field(default_factory=list)

    @property
    def transaction_count(self) -> int:
        return sum(len(s.transactions) for s in self.statements)


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    """Whether a statement adds up. ``difference`` is closing - (opening + entries)."""

    difference: Decimal | None  # None where the file has no balances
    declared_count: int | None
    actual_count: int

    @property
    def balanced(self) -> bool:
        return not self.difference

    @property
    def count_ok(self) -> bool:
        return self.declared_count is None or self.declared_count == self.actual_count

    @property
    def ok(self) -> bool:
        return self.balanced and self.count_ok

    def problems(self) -> list[str]:
        found = []
        if not self.balanced:
            found.append(f"opening balance + entries differs from the closing balance by {self.difference}")
        if not self.count_ok:
            found.append(f"the file declares {self.declared_count} entries but holds {self.actual_count}")
        return found


def check_balance(statement: Statement) -> BalanceCheck:
    difference = None
    if statement.opening is not None and statement.closing is not None:
        moved = sum((t.amount for t in statement.transactions), ZERO)
        difference = statement.closing.amount - (statement.opening.amount + moved)
    return BalanceCheck(difference, statement.declared_count, len(statement.transactions))


_SPACE = re.compile(r"\s+")


def dedupe_keys(account: str, transactions: list[BankTransaction]) -> list[str]:
    """A key per transaction that is the same when the bank sends the entry again.

    The bank's reference where there is one, else the end-to-end id, else account + dates +
    amount + text; the last carries how often the same entry occurred before it in this list,
    so two real 5.00 fees on one day stay two.
    """
    seen: Counter[str] = Counter()
    keys = []
    for t in transactions:
        if t.bank_reference:
            basis = f"ref|{account}|{t.bank_reference}|{t.amount}"
        elif t.end_to_end_id:
            basis = f"e2e|{account}|{t.end_to_end_id}|{t.amount}"
        else:
            text = _SPACE.sub(" ", f"{t.counterparty_name}|{t.counterparty_iban}|{t.remittance}|{t.structured_reference}")
            basis = f"data|{account}|{t.booking_date}|{t.amount}|{t.currency}|{text.strip().upper()}"
            seen[basis] += 1
            basis = f"{basis}|{seen[basis]}"
        keys.append(hashlib.sha256(basis.encode()).hexdigest()[:32])
    return keys
