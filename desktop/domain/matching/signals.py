"""What one bank transaction says about invoices and customers, each finding with points and a reason.

- invoice hits: an RF reference or an invoice number in the text names an open invoice;
- customer reasons: the payer's IBAN is known for a customer, or the payer's name resembles one;
- amount fit: how a set of invoices takes the paid amount (equal, sum, within tolerance, more, less);
- sums: which 2..5 open invoices of one customer add up to the paid amount.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from desktop.domain.bank import BankTransaction
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching.book import KnownCustomer, OpenBook, OpenInvoice, invoice_keys
from desktop.domain.matching.names import name_words, similarity
from desktop.domain.matching.result import Reason, Signal
from desktop.domain.matching.settings import MatchSettings
from desktop.domain.matching.tokens import (
    Window,
    compact,
    edit_between,
    find_rf,
    near_shape,
    print_form,
    windows,
    zero_variants,
)
from desktop.domain.money import ZERO, precision
from desktop.domain.payment import Allocation

REFERENCE = 70  # a valid RF reference of the invoice
REFERENCE_BAD_CHECK = 60  # an RF reference with wrong check digits whose body is the invoice's number
REFERENCE_FUZZY = 45  # an RF reference one typo away from the invoice's
NUMBER = 60  # the invoice number in the text
NUMBER_FUZZY = 45  # one typo away from the invoice number
IBAN = 45  # the payer's IBAN is known for this customer (only)
IBAN_SHARED = 25  # ... for this customer and others
RULE = 45  # a user rule assigns the customer
NAME_SAME, NAME_CLOSE, NAME_LIKE = 25, 20, 12  # similarity >= 0.95, >= 0.8, >= the threshold
AMOUNT_EQUAL = 35  # equals the open amount (or the sum of the open amounts)
AMOUNT_WITHIN_TOLERANCE = 30  # short by no more than the write-off tolerance
AMOUNT_OVER = 15  # more than the open amount: the rest becomes customer credit
AMOUNT_PARTIAL = 10  # less than the open amount
_MAX_FUZZY_WINDOWS = 6
_MAX_SUM_STEPS = 20_000


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.{precision(currency)}f} {currency}"


print_iban = print_form


@dataclass(slots=True)
class Hit:
    """An open invoice the text names, with the best reason found for it."""

    reason: Reason
    exact: bool  # False for a one-typo match
    alone: bool = True  # may be suggested alone; a one-typo hit only when the amount agrees with it


class Findings:
    """What the text and the payer say, collected for one transaction."""

    __slots__ = ("customer_reasons", "fuzzy_done", "fuzzy_rf", "fuzzy_windows", "hits", "iban_customers", "named_windows",
                 "warnings")

    def __init__(self) -> None:
        self.hits: dict[InvoiceId, Hit] = {}
        self.customer_reasons: dict[CustomerId, list[Reason]] = {}
        self.iban_customers: tuple[CustomerId, ...] = ()
        self.warnings: list[str] = []  # what forbids booking without a named invoice (a paid invoice named...)
        self.fuzzy_windows: list[Window] = []  # number-like words that named no open invoice
        self.named_windows: list[Window] = []  # ... that did (a typo may land on another invoice)
        self.fuzzy_rf: list[tuple[str, str]] = []  # (print form, body) of corrupted RF references
        self.fuzzy_done = False

    def add_hit(self, invoice_id: InvoiceId, reason: Reason, exact: bool) -> None:
        known = self.hits.get(invoice_id)
        if known is None or reason.score > known.reason.score:
            self.hits[invoice_id] = Hit(reason, exact)

    def add_customer_reason(self, customer_id: CustomerId, reason: Reason) -> None:
        self.customer_reasons.setdefault(customer_id, []).append(reason)


def payment_text(tx: BankTransaction, with_rf: bool = True) -> str:
    """The fields that may name an invoice; `` | `` keeps a number from running on into the next field.

    Without ``with_rf``, a structured RF reference is left out (it is read as a reference, not as text).
    """
    structured = tx.structured_reference
    if not with_rf and structured[:2].upper() == "RF":
        structured = ""
    return " | ".join(p for p in (structured, tx.remittance, tx.end_to_end_id) if p)


def find_invoices(tx: BankTransaction, book: OpenBook, found: Findings) -> None:
    """Exact hits: RF references (also with wrong check digits) and invoice numbers in the text."""
    if not book.max_key_length:
        return
    text = " | ".join(p for p in (tx.structured_reference, tx.remittance) if p)
    for mention in find_rf(text) if "RF" in text.upper() else ():
        if mention.valid_bodies:
            body = next((b for b in mention.valid_bodies if book.by_key(b)), mention.valid_bodies[-1])
            shown = print_form(mention.electronic(body))
            ids = book.by_key(body)
            for invoice_id in ids:
                number = book.invoice(invoice_id).number
                reason = Reason(Signal.REFERENCE, REFERENCE, f"RF reference {shown} found (invoice {number})")
                found.add_hit(invoice_id, reason, True)
            if not ids:
                _note_unknown(book, found, body, f"RF reference {shown}")
            continue
        hit = False
        for body in mention.bodies:
            shown = print_form(mention.electronic(body))
            for invoice_id in book.by_key(body):
                hit = True
                number = book.invoice(invoice_id).number
                found.add_hit(invoice_id, Reason(
                    Signal.REFERENCE, REFERENCE_BAD_CHECK,
                    f"RF reference {shown} has wrong check digits, but its body is invoice {number}'s number",
                ), True)
            if hit:
                break
        if not hit:
            found.fuzzy_rf.extend((print_form(mention.electronic(body)), body) for body in mention.bodies
                                  if len(body) in book.key_lengths and near_shape(body, book.key_shapes))
    lengths = book.key_lengths
    for window in windows(payment_text(tx, with_rf=False), book.min_key_length, book.max_key_length + 2):
        keys = [window.key]
        if len(window.key) not in lengths and window.tail != window.key and window.tail.isdigit():
            keys.extend(zero_variants(window, lengths))
        named = False
        for key in keys:
            ids = book.by_key(key)
            for invoice_id in ids:
                named = True
                found.add_hit(invoice_id, _number_reason(book.invoice(invoice_id), window, key != window.key), True)
            if not ids and book.closed_by_key(key) is not None:
                named = True
                _note_unknown(book, found, key, f"'{window.written}'")
        if len(window.key) in lengths and near_shape(window.key, book.key_shapes):
            (found.named_windows if named else found.fuzzy_windows).append(window)


def _number_reason(invoice: OpenInvoice, window: Window, zeros: bool) -> Reason:
    as_written = f" (written '{window.written}')" if zeros else ""
    return Reason(Signal.INVOICE_NUMBER, NUMBER, f"invoice number {invoice.number} found in the text{as_written}")


def _note_unknown(book: OpenBook, found: Findings, key: str, what: str) -> None:
    closed = book.closed_by_key(key)
    if closed is not None:
        found.warnings.append(f"{what} names invoice {book.closed_number(closed)}, which is already paid")
    elif what.startswith("RF"):
        found.warnings.append(f"{what} belongs to no open invoice")


def find_invoices_with_typos(book: OpenBook, found: Findings, pool: Iterable[OpenInvoice], fits: Callable[[OpenInvoice], bool],
                             trusted: set[CustomerId]) -> None:
    """One-typo hits, asked for only when the exact hits don't explain the payment.

    Rather than look up every one-typo variant of every number-like word (a hundred lookups each),
    the words are compared with the numbers of a small ``pool``: open invoices of exactly the paid
    amount and those of customers already named. A typo'd number is near many others in a busy
    book, so a one-typo hit may stand alone only where ``fits`` says the amount agrees with it or
    its customer is ``trusted`` (IBAN, rule); otherwise it counts only beside an exactly named
    invoice of the same customer (several invoices paid together; their sum is checked later).
    """
    if found.fuzzy_done:
        return
    found.fuzzy_done = True
    words = list({w.key: w for w in found.fuzzy_windows}.values())[:_MAX_FUZZY_WINDOWS]
    named = list({w.key: w for w in found.named_windows}.values())[:_MAX_FUZZY_WINDOWS]
    bodies = found.fuzzy_rf[:_MAX_FUZZY_WINDOWS]
    if not words and not bodies and not named:
        return
    exact_customers = {book.invoice(i).customer_id for i, hit in found.hits.items() if hit.exact}
    for invoice in pool:
        if invoice.invoice_id in found.hits:
            continue
        agrees = fits(invoice)
        alone = agrees or invoice.customer_id in trusted
        reason = None
        if alone or invoice.customer_id in exact_customers:
            reason = _typo_reason(invoice, words, bodies)
        if reason is None and agrees:
            # a word that named one invoice exactly may be a typo of this one, whose amount is the one paid
            reason = _typo_reason(invoice, named, [])
        if reason is not None:
            found.hits[invoice.invoice_id] = Hit(reason, False, alone)


def _typo_reason(invoice: OpenInvoice, words: list[Window], bodies: list[tuple[str, str]]) -> Reason | None:
    for key in invoice_keys(invoice):
        for shown, body in bodies:
            edit = edit_between(body, key)
            if edit is not None:
                return Reason(Signal.REFERENCE, REFERENCE_FUZZY,
                              f"RF reference {shown} resembles invoice {invoice.number}'s reference ({edit.value})")
        for window in words:
            edit = edit_between(window.key, key)
            if edit is not None:
                return Reason(Signal.INVOICE_NUMBER, NUMBER_FUZZY,
                              f"'{window.written}' in the text resembles invoice number {invoice.number} ({edit.value})")
    return None


def find_customers(tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings) -> None:
    """The payer's IBAN known for customers; the payer's name resembling customer names."""
    iban = compact(tx.counterparty_iban)
    if iban:
        owners = book.customers_of_iban(iban)
        found.iban_customers = owners
        for customer_id in owners:
            customer = book.customer(customer_id)
            if len(owners) == 1:
                reason = Reason(Signal.IBAN, IBAN, f"IBAN {print_iban(iban)} known for {customer.label}")
            else:
                reason = Reason(Signal.IBAN, IBAN_SHARED,
                                f"IBAN {print_iban(iban)} known for {customer.label} and {len(owners) - 1} other customer(s)")
            found.add_customer_reason(customer_id, reason)
    words = name_words(tx.counterparty_name) if tx.counterparty_name else ()
    if not words:
        return
    # a known IBAN says who pays; the name then only adds to it (and the name index is not needed)
    for customer_id in found.iban_customers or book.customers_by_name(words):
        customer = book.customer(customer_id)
        alike = similarity(words, name_words(customer.name))
        if alike >= settings.name_threshold:
            points = NAME_SAME if alike >= 0.95 else NAME_CLOSE if alike >= 0.8 else NAME_LIKE
            found.add_customer_reason(customer_id, _name_reason(tx.counterparty_name, customer, points))


def _name_reason(payer: str, customer: KnownCustomer, points: int) -> Reason:
    return Reason(Signal.NAME, points, f"name '{payer.strip()}' resembles '{customer.name}' (customer {customer.number})")


class Fit(NamedTuple):
    allocations: tuple[Allocation, ...]
    reason: Reason
    credit: Decimal
    shortfall: Decimal


def amount_fit(invoices: list[OpenInvoice], paid: Decimal, currency: str, tolerance: Decimal, shown_paid: str) -> Fit:
    """How ``paid`` (in the invoices' ``currency``) settles ``invoices``, oldest due first."""
    total = invoices[0].open_amount if len(invoices) == 1 else sum((i.open_amount for i in invoices), ZERO)
    names = invoices[0].number if len(invoices) == 1 else _numbers(invoices)
    if paid >= total:
        allocations = tuple(Allocation(i.invoice_id, i.open_amount) for i in invoices)
        credit = paid - total
        if not credit:
            if len(invoices) == 1:
                return Fit(allocations, Reason(Signal.AMOUNT, AMOUNT_EQUAL,
                                               f"amount {shown_paid} equals the open amount of invoice {names}"), ZERO, ZERO)
            return Fit(allocations, Reason(Signal.AMOUNT_SUM, AMOUNT_EQUAL,
                                           f"amount {shown_paid} equals the sum of {len(invoices)} open invoices: {names}"),
                       ZERO, ZERO)
        return Fit(allocations, Reason(Signal.AMOUNT, AMOUNT_OVER, (
            f"amount {shown_paid} is {money(credit, currency)} more than the {money(total, currency)} open on "
            f"{_invoice_word(invoices)} {names}; {money(credit, currency)} becomes customer credit")), credit, ZERO)
    allocations_list: list[Allocation] = []
    left = paid
    for invoice in invoices:
        if left <= 0:
            break
        take = min(left, invoice.open_amount)
        allocations_list.append(Allocation(invoice.invoice_id, take))
        left -= take
    allocated = {a.invoice_id for a in allocations_list}
    shortfall = sum((i.open_amount for i in invoices if i.invoice_id in allocated), ZERO) - paid
    gap = total - paid
    if gap <= tolerance:
        reason = Reason(Signal.AMOUNT, AMOUNT_WITHIN_TOLERANCE, (
            f"amount {shown_paid} is {money(gap, currency)} less than the {money(total, currency)} open on "
            f"{_invoice_word(invoices)} {names}, within the write-off tolerance of {money(tolerance, currency)}"))
    else:
        reason = Reason(Signal.PARTIAL, AMOUNT_PARTIAL, (
            f"amount {shown_paid} is less than the {money(total, currency)} open on {_invoice_word(invoices)} {names}: "
            f"a partial payment, {money(gap, currency)} stays open"))
    return Fit(tuple(allocations_list), reason, ZERO, shortfall)


def _numbers(invoices: list[OpenInvoice]) -> str:
    numbers = [i.number for i in invoices]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _invoice_word(invoices: list[OpenInvoice]) -> str:
    return "invoice" if len(invoices) == 1 else "invoices"


def sums_to(invoices: list[OpenInvoice], paid: Decimal, currency: str, smallest: int, largest: int,
            limit: int = 3) -> list[list[OpenInvoice]]:
    """Up to ``limit`` sets of ``smallest``..``largest`` invoices whose open amounts add up to ``paid`` exactly."""
    if len(invoices) < smallest:
        return []
    scale = precision(currency)
    target = int(paid.scaleb(scale))
    items = sorted(((int(i.open_amount.scaleb(scale)), i) for i in invoices if i.open_amount <= paid),
                   key=lambda pair: -pair[0])
    amounts = [a for a, _ in items]
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

    if target > 0 and suffix[0] >= target:
        walk(0, target)
    return [sorted(r, key=lambda i: (i.due_date, i.number)) for r in results]
