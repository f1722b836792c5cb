"""The fixed-layout MT940/MT942 fields: statement line ``:61:``, balances, account ``:25:``, ``:90D:``/``:90C:``.

Each parser takes the field text and raises ``FieldProblem`` with a reason the caller prefixes with the line.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum import iban as iban_check

from desktop.domain.bank import Balance

_DATE = re.compile(r"(\d\d)(\d\d)(\d\d)")
_ENTRY_DATE = re.compile(r"\s*(\d\d)(\d\d)")
_MARK = re.compile(r"(RC|RD|EC|ED|C|D)([A-Z](?=[\d,.]))?")
_AMOUNT = re.compile(r"\d+(?:[,.]\d*)?|[,.]\d+")
_TYPE = re.compile(r"[NFS](?:[A-Z0-9]{3}|[A-Z0-9]{2}(?= ))")  # old ING files: "NIC MARF"
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d+(?:[,.]\d*)?|[,.]\d+)")
_COUNT = re.compile(r"(\d+)([A-Z]{3})(\d+(?:[,.]\d*)?|[,.]\d+)")
_NUMBER_WITH_CURRENCY = re.compile(r"([\d/.-]+?)/?([A-Z]{3})")
_WHOLE_LINE = re.compile(r"(\d{6})(\d{4})?(RC|RD|EC|ED|C|D)(?:[A-Z](?=[\d,.]))?(\d+(?:[,.]\d*)?|[,.]\d+)"
                         r"([NFS](?:[A-Z0-9]{3}|[A-Z0-9]{2}(?= )))")
_SIGN = {"C": 1, "D": -1, "RC": -1, "RD": 1, "EC": 1, "ED": -1}  # RC: a credit taken back = money out


class FieldProblem(ValueError):
    """A field that cannot be read; ``str()`` is the reason for the user."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    value_date: date
    booking_date: date
    amount: Decimal  # signed: + money in
    bank_code: str  # "NTRF", "N196"
    customer_reference: str
    bank_reference: str


def statement_line(text: str) -> StatementLine:
    """``:61:`` value date, entry date (MMDD), mark, funds code, amount, type, references."""
    whole = _WHOLE_LINE.match(text)
    if whole:  # the usual case in one match; the steps below say what is wrong with the others
        value_date = _date(whole.group(1), "':61:'")
        entry = whole.group(2)
        booking_date = _entry_date(value_date, int(entry[:2]), int(entry[2:])) if entry else value_date
        customer, _, bank = text[whole.end():].partition("//")
        return StatementLine(value_date, booking_date, _SIGN[whole.group(3)] * _decimal(whole.group(4)), whole.group(5),
                             customer.strip(), bank.strip())
    found = _DATE.match(text)
    if not found:
        raise FieldProblem("':61:' does not start with a value date (YYMMDD)")
    value_date = _date(found.group(), "':61:'")
    position = found.end()
    booking_date = value_date
    entry = _ENTRY_DATE.match(text, position)
    if entry and _MARK.match(text, entry.end()):
        booking_date = _entry_date(value_date, int(entry.group(1)), int(entry.group(2)))
        position = entry.end()
    mark = _MARK.match(text, position)
    if not mark:
        raise FieldProblem("':61:' has no C or D (credit or debit) mark after the date")
    amount = _AMOUNT.match(text, mark.end())
    if not amount:
        raise FieldProblem("':61:' has no amount")
    kind = _TYPE.match(text, amount.end())
    if not kind:
        raise FieldProblem("':61:' has no transaction type (like NTRF) after the amount")
    customer, _, bank = text[kind.end():].partition("//")
    return StatementLine(value_date, booking_date, _SIGN[mark.group(1)] * _decimal(amount.group()), kind.group(),
                         customer.strip(), bank.strip())


def balance(text: str, tag: str) -> tuple[Balance, str]:
    """A balance (``C261115EUR1234,56``) and its currency."""
    found = _BALANCE.fullmatch(text.strip())
    if not found:
        raise FieldProblem(f"':{tag}:' is not a balance like 'C261115EUR1234,56'")
    sign = 1 if found.group(1) == "C" else -1
    day = _date(found.group(2), f"':{tag}:'")
    return Balance(sign * _decimal(found.group(4)), day), found.group(3)


def account(text: str) -> tuple[str, str]:
    """``:25:`` as (account, currency or ""): IBAN, bank code/account, ING's ``NL69INGB0123456789EUR``."""
    tokens = text.split()
    if not tokens:
        raise FieldProblem("':25:' has no account number")
    currency = tokens.pop() if len(tokens) > 1 and re.fullmatch(r"[A-Z]{3}", tokens[-1]) else ""
    compact = "".join(tokens).upper()
    if iban_check.is_valid(compact):
        return compact, currency
    suffixed = re.fullmatch(r"([A-Z]{2}\d\d[A-Z0-9]+?)/?([A-Z]{3})", compact)
    if suffixed and iban_check.is_valid(suffixed.group(1)):
        return suffixed.group(1), suffixed.group(2)
    numbered = _NUMBER_WITH_CURRENCY.fullmatch(compact)
    if numbered:
        return numbered.group(1), numbered.group(2)
    return compact, currency


def entry_count(text: str, tag: str) -> tuple[int, str]:
    """``:90D:``/``:90C:`` (``5EUR1234,56``): the number of entries and the currency."""
    found = _COUNT.fullmatch(text.strip())
    if not found:
        raise FieldProblem(f"':{tag}:' is not a count and sum like '3EUR150,00'")
    return int(found.group(1)), found.group(2)


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ".") or "0")


def _date(yymmdd: str, what: str) -> date:
    year, month, day = 2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if month == 2 and 28 < day <= 30:  # some banks date month-end interest 30 February
        day = calendar.monthrange(year, 2)[1]
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldProblem(f"{what} has an impossible date {yymmdd}") from None


def _entry_date(value_date: date, month: int, day: int) -> date:
    """The booking date (MMDD) takes the value date's year, across a year end where needed."""
    year = value_date.year
    if value_date.month == 12 and month == 1:
        year += 1
    elif value_date.month == 1 and month == 12:
        year -= 1
    if month == 2 and 28 < day <= 30:
        day = calendar.monthrange(year, 2)[1]
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldProblem(f"':61:' has an impossible entry date {month:02d}{day:02d}") from None
