"""What one bank transaction says about invoices and customers, each finding with points and a reason.

- invoice hits: an RF reference or an invoice number in the text names an open invoice;
- customer reasons: the payer's IBAN is known for a customer, or the payer's name resembles one.

How the amount fits a set of invoices, and which invoices add up to it, is in ``amounts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop.domain.bank import BankTransaction
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching.book import OpenBook, OpenInvoice, invoice_keys
from desktop.domain.matching.names import name_words, similarity
from desktop.domain.matching.result import Reason, Signal
from desktop.domain.matching.settings import MatchSettings
from desktop.domain.matching.tokens import (
    Window,
    compact,
    edit_between,
    find_rf,
    near_shape,
    plain_rf,
    print_form,
    windows,
    zero_variants,
)

REFERENCE = 70  # a valid RF reference of the invoice
REFERENCE_BAD_CHECK = 60  # an RF reference with wrong check digits whose body is the invoice's number
REFERENCE_FUZZY = 45  # an RF reference one typo away from the invoice's
NUMBER = 60  # the invoice number in the text
NUMBER_FUZZY = 45  # one typo away from the invoice number
IBAN = 45  # the payer's IBAN is known for this customer (only)
IBAN_SHARED = 25  # ... for this customer and others
RULE = 45  # a user rule assigns the customer
NAME_SAME, NAME_CLOSE, NAME_LIKE = 25, 20, 12  # similarity >= 0.95, >= 0.8, >= the threshold
_MAX_FUZZY_WINDOWS = 6


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
    return " | ".join([p for p in (structured, tx.remittance, tx.end_to_end_id) if p])


def find_invoices(tx: BankTransaction, book: OpenBook, found: Findings) -> None:
    """Exact hits: RF references (also with wrong check digits) and invoice numbers in the text."""
    if not book.max_key_length:
        return
    structured, remittance = tx.structured_reference, tx.remittance
    alone = None if remittance else plain_rf(structured)
    if alone is not None and alone[2]:  # the usual structured reference: what _find_references finds, directly
        _found_reference(book, found, alone[0], alone[1])
    else:
        text = f"{structured} | {remittance}" if structured and remittance else structured or remittance
        if "RF" in text.upper():
            _find_references(text, book, found)
    payment = payment_text(tx, with_rf=False)
    if payment:
        _find_numbers(payment, book, found)


def _find_references(text: str, book: OpenBook, found: Findings) -> None:
    for mention in find_rf(text):
        valid = mention.valid_bodies
        if valid:
            body = valid[0] if len(valid) == 1 else next((b for b in valid if book.by_key(b)), valid[-1])
            _found_reference(book, found, mention.check, body)
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


def _found_reference(book: OpenBook, found: Findings, check: str, body: str) -> None:
    """A valid RF reference: a hit on the invoice it belongs to, or a warning."""
    shown = print_form(f"RF{check}{body}")
    ids = book.by_key(body)
    for invoice_id in ids:
        number = book.invoice(invoice_id).number
        found.add_hit(invoice_id, Reason(Signal.REFERENCE, REFERENCE, f"RF reference {shown} found (invoice {number})"), True)
    if not ids:
        _note_unknown(book, found, body, f"RF reference {shown}")


def _find_numbers(payment: str, book: OpenBook, found: Findings) -> None:
    lengths, longest = book.key_lengths, book.max_key_length
    for window in windows(payment, book.min_key_length, longest + 2):
        written_key, tail = window.key, window.tail
        known = len(written_key) in lengths
        named = _name_invoices(book, found, window, written_key)
        if (not known and tail != written_key and tail.isdigit()
                and longest - len(written_key) + len(tail) >= len(tail.lstrip("0") or "0")):  # (room for the digits)
            for key in zero_variants(window, lengths):
                named = _name_invoices(book, found, window, key) or named
        if known and near_shape(written_key, book.key_shapes):
            (found.named_windows if named else found.fuzzy_windows).append(window)


def _name_invoices(book: OpenBook, found: Findings, window: Window, key: str) -> bool:
    """Hits on the invoices ``key`` (from ``window``) names; whether it names one, open or paid in this run."""
    ids = book.by_key(key)
    for invoice_id in ids:
        found.add_hit(invoice_id, _number_reason(book.invoice(invoice_id), window, key != window.key), True)
    if ids:
        return True
    if book.closed_by_key(key) is not None:
        _note_unknown(book, found, key, f"'{window.written}'")
        return True
    return False


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
    """The payer's IBAN known for customers; the payer's name resembling customer names.

    The same payers pay again and again: what their IBAN and their name say is worked out once per run.
    """
    iban = compact(tx.counterparty_iban) if tx.counterparty_iban else ""
    owners = book.customers_of_iban(iban) if iban else ()
    found.iban_customers = owners
    remembered = book.payer_reasons
    if owners:
        key: tuple[object, ...] = (iban, owners)
        reasons = remembered.get(key)
        if reasons is None:
            reasons = remembered[key] = _iban_reasons(book, iban, owners)
        for customer_id, reason in reasons:
            found.add_customer_reason(customer_id, reason)
    payer = tx.counterparty_name
    if payer:
        key = (owners, payer, settings.name_threshold)
        reasons = remembered.get(key)
        if reasons is None:
            reasons = remembered[key] = _name_reasons(book, owners, payer, settings.name_threshold)
        for customer_id, reason in reasons:
            found.add_customer_reason(customer_id, reason)


def _iban_reasons(book: OpenBook, iban: str, owners: tuple[CustomerId, ...]) -> list[tuple[CustomerId, Reason]]:
    reasons = []
    for customer_id in owners:
        customer = book.customer(customer_id)
        reasons.append((customer_id, _iban_reason(iban, customer.number, customer.name, len(owners) - 1)))
    return reasons


def _name_reasons(book: OpenBook, owners: tuple[CustomerId, ...], payer: str,
                  name_threshold: float) -> list[tuple[CustomerId, Reason]]:
    reasons: list[tuple[CustomerId, Reason]] = []
    words = name_words(payer)
    if not words:
        return reasons
    # a known IBAN says who pays; the name then only adds to it (and the name index is not needed)
    for customer_id in owners or book.customers_by_name(words):
        customer = book.customer(customer_id)
        alike = similarity(words, name_words(customer.name))
        if alike >= name_threshold:
            points = NAME_SAME if alike >= 0.95 else NAME_CLOSE if alike >= 0.8 else NAME_LIKE
            reasons.append((customer_id, _name_reason(payer, customer.name, customer.number, points)))
    return reasons


def _iban_reason(iban: str, number: str, name: str, others: int) -> Reason:
    if not others:
        return Reason(Signal.IBAN, IBAN, f"IBAN {print_iban(iban)} known for customer {number} {name}")
    return Reason(Signal.IBAN, IBAN_SHARED,
                  f"IBAN {print_iban(iban)} known for customer {number} {name} and {others} other customer(s)")


def _name_reason(payer: str, name: str, number: str, points: int) -> Reason:
    return Reason(Signal.NAME, points, f"name '{payer.strip()}' resembles '{name}' (customer {number})")
