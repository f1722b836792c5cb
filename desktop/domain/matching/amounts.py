"""How a paid amount fits a set of open invoices, and which invoices of a customer add up to it.

The fit is worked out in two steps, because matching scores many sets and shows only a few: the
numbers (points, allocations, credit, shortfall) for every candidate, and the reason's words only
for the suggestions kept (``fit_reason``). ``amount_fit`` does both at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import NamedTuple

from desktop.domain.matching.book import OpenInvoice
from desktop.domain.matching.result import Reason, Signal
from desktop.domain.money import ZERO, precision
from desktop.domain.payment import Allocation

AMOUNT_EQUAL = 35  # equals the open amount (or the sum of the open amounts)
AMOUNT_WITHIN_TOLERANCE = 30  # short by no more than the write-off tolerance
AMOUNT_OVER = 15  # more than the open amount: the rest becomes customer credit
AMOUNT_PARTIAL = 10  # less than the open amount
_MAX_SUM_STEPS = 20_000


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.{precision(currency)}f} {currency}"


class FitKind(Enum):
    EQUAL = "equal"
    OVER = "over"
    WITHIN_TOLERANCE = "within tolerance"
    PARTIAL = "partial"


class Settlement(NamedTuple):
    """The numbers of a fit: what its reason scores, what is allocated, what becomes credit or stays open."""

    kind: FitKind
    score: int
    allocations: tuple[Allocation, ...]
    credit: Decimal
    shortfall: Decimal
    total: Decimal  # open on the invoices together


class Fit(NamedTuple):
    allocations: tuple[Allocation, ...]
    reason: Reason
    credit: Decimal
    shortfall: Decimal


def single_fit(open_amount: Decimal, paid: Decimal, tolerance: Decimal) -> tuple[FitKind, int]:
    """The kind and points of ``settlement`` for one invoice, without the rest."""
    if paid >= open_amount:
        return (FitKind.EQUAL, AMOUNT_EQUAL) if paid == open_amount else (FitKind.OVER, AMOUNT_OVER)
    if open_amount - paid <= tolerance:
        return FitKind.WITHIN_TOLERANCE, AMOUNT_WITHIN_TOLERANCE
    return FitKind.PARTIAL, AMOUNT_PARTIAL


def settlement(invoices: Sequence[OpenInvoice], paid: Decimal, tolerance: Decimal) -> Settlement:
    """How ``paid`` settles ``invoices`` (in their currency), oldest due first: the numbers of ``amount_fit``."""
    if len(invoices) == 1:
        invoice = invoices[0]
        total = invoice.open_amount
        if paid >= total:
            credit = paid - total
            allocations = (Allocation(invoice.invoice_id, total),)
            if not credit:
                return Settlement(FitKind.EQUAL, AMOUNT_EQUAL, allocations, ZERO, ZERO, total)
            return Settlement(FitKind.OVER, AMOUNT_OVER, allocations, credit, ZERO, total)
    else:
        total = sum((i.open_amount for i in invoices), ZERO)
        if paid >= total:
            allocations = tuple(Allocation(i.invoice_id, i.open_amount) for i in invoices)
            credit = paid - total
            if not credit:
                return Settlement(FitKind.EQUAL, AMOUNT_EQUAL, allocations, ZERO, ZERO, total)
            return Settlement(FitKind.OVER, AMOUNT_OVER, allocations, credit, ZERO, total)
    taken: list[Allocation] = []
    left = paid
    for invoice in invoices:
        if left <= 0:
            break
        take = min(left, invoice.open_amount)
        taken.append(Allocation(invoice.invoice_id, take))
        left -= take
    allocated = {a.invoice_id for a in taken}
    shortfall = sum((i.open_amount for i in invoices if i.invoice_id in allocated), ZERO) - paid
    if total - paid <= tolerance:
        return Settlement(FitKind.WITHIN_TOLERANCE, AMOUNT_WITHIN_TOLERANCE, tuple(taken), ZERO, shortfall, total)
    return Settlement(FitKind.PARTIAL, AMOUNT_PARTIAL, tuple(taken), ZERO, shortfall, total)


def fit_reason(invoices: Sequence[OpenInvoice], fit: Settlement, paid: Decimal, currency: str, tolerance: Decimal,
               shown_paid: str) -> Reason:
    """The words for a ``settlement`` of ``invoices`` by ``paid`` (``shown_paid`` as the reason shows it)."""
    one = len(invoices) == 1
    names = invoices[0].number if one else _numbers(invoices)
    kind = fit.kind
    if kind is FitKind.EQUAL:
        if one:
            return Reason(Signal.AMOUNT, AMOUNT_EQUAL, f"amount {shown_paid} equals the open amount of invoice {names}")
        return Reason(Signal.AMOUNT_SUM, AMOUNT_EQUAL,
                      f"amount {shown_paid} equals the sum of {len(invoices)} open invoices: {names}")
    total = fit.total
    word = "invoice" if one else "invoices"
    if kind is FitKind.OVER:
        credit = fit.credit
        return Reason(Signal.AMOUNT, AMOUNT_OVER, (
            f"amount {shown_paid} is {money(credit, currency)} more than the {money(total, currency)} open on "
            f"{word} {names}; {money(credit, currency)} becomes customer credit"))
    gap = total - paid
    if kind is FitKind.WITHIN_TOLERANCE:
        return Reason(Signal.AMOUNT, AMOUNT_WITHIN_TOLERANCE, (
            f"amount {shown_paid} is {money(gap, currency)} less than the {money(total, currency)} open on "
            f"{word} {names}, within the write-off tolerance of {money(tolerance, currency)}"))
    return Reason(Signal.PARTIAL, AMOUNT_PARTIAL, (
        f"amount {shown_paid} is less than the {money(total, currency)} open on {word} {names}: "
        f"a partial payment, {money(gap, currency)} stays open"))


def amount_fit(invoices: list[OpenInvoice], paid: Decimal, currency: str, tolerance: Decimal, shown_paid: str) -> Fit:
    """How ``paid`` (in the invoices' ``currency``) settles ``invoices``, oldest due first."""
    fit = settlement(invoices, paid, tolerance)
    return Fit(fit.allocations, fit_reason(invoices, fit, paid, currency, tolerance, shown_paid), fit.credit, fit.shortfall)


def _numbers(invoices: Sequence[OpenInvoice]) -> str:
    numbers = [i.number for i in invoices]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


def sums_to(invoices: list[OpenInvoice], paid: Decimal, currency: str, smallest: int, largest: int,
            limit: int = 3) -> list[list[OpenInvoice]]:
    """Up to ``limit`` sets of ``smallest``..``largest`` invoices whose open amounts add up to ``paid`` exactly."""
    if len(invoices) < smallest:
        return []
    scale = precision(currency)
    target = int(paid.scaleb(scale))
    if target <= 0:
        return []
    amounts = sorted([int(a.scaleb(scale)) for a in [i.open_amount for i in invoices] if a <= paid], reverse=True)
    if not _may_add_up(amounts, target, smallest, largest):
        return []  # (the usual answer, found without the search below)
    items = sorted(((int(i.open_amount.scaleb(scale)), i) for i in invoices if i.open_amount <= paid),
                   key=lambda pair: -pair[0])
    suffix = [0] * (len(amounts) + 1)
    for index in range(len(amounts) - 1, -1, -1):
        suffix[index] = suffix[index + 1] + amounts[index]
    results: list[list[OpenInvoice]] = []
    chosen: list[int] = []
    steps = 0

    def walk(start: int, left: int) -> None:
        nonlocal steps
        for index in range(start, len(amounts)):
            steps += 1
            if steps > _MAX_SUM_STEPS or len(results) >= limit or suffix[index] < left:
                return
            amount = amounts[index]
            if amount > left:
                continue
            chosen.append(index)
            if amount == left:
                if len(chosen) >= smallest:
                    results.append([items[i][1] for i in chosen])
            elif len(chosen) < largest:
                walk(index + 1, left - amount)
            chosen.pop()

    if suffix[0] >= target:
        walk(0, target)
    return [sorted(r, key=lambda i: (i.due_date, i.number)) for r in results]


def _may_add_up(amounts: list[int], target: int, smallest: int, largest: int) -> bool:
    """Whether some ``smallest``..``largest`` of ``amounts`` (largest first) add up to ``target``; False only when
    none do.

    The search in ``sums_to`` walks every combination below the target to find that none fits, the
    usual case. This tells it several times faster, from the sums reachable with 1, 2, ... of the
    amounts, kept in one set as ``sum * 8 + count`` and grown amount by amount.
    """
    if not amounts or amounts[-1] < 0:
        return bool(amounts)  # (what follows assumes amounts only add up; the search decides)
    most = max(largest, 1)  # the search takes at least one item, and one alone whatever ``largest`` says
    least = max(smallest, 1)
    size = len(amounts)
    if size < least or sum(amounts[:most]) < target or sum(amounts[-least:]) > target:
        return False
    lowest = amounts[-1]
    if amounts[0] == lowest and lowest > 0:  # all the same (a subscription): a multiple of it
        count, rest = divmod(target, lowest)
        return not rest and least <= count <= min(most, size)
    if most > 7:
        return True  # (the counts would not fit in three bits; the search decides)
    reached = {0}  # sum * 8 + count, for the sums of ``count`` amounts among those seen
    counts = range(least - 1, most)
    for amount in amounts:
        rest = target - amount  # what others must add up to with this amount
        if rest < 0:
            continue
        base = rest * 8
        for count in counts:
            if base + count in reached:
                return True
        keep = rest - lowest  # a sum kept must leave room for one more amount
        if keep >= 0:
            limit, step, full = (keep + 1) * 8, amount * 8 + 1, most - 1
            reached.update([state + step for state in reached if state < limit and state & 7 < full])
    return False
