"""The open invoices and known customers matching looks things up in, indexed for dictionary lookups.

Built once per import from what the database holds; ``settle`` and ``learn_iban`` keep it current
while a run books payments, so one invoice is never paid twice by two transactions of one import.
What a run works out once and uses again lives here too: a customer's open invoices sorted oldest
due first (kept current by ``settle``) and what a payer's IBAN and name say (``payer_reasons``).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from operator import attrgetter, lt
from typing import Any

from desktop.domain.errors import NotFound
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching.names import index_keys, name_words
from desktop.domain.matching.result import Reason
from desktop.domain.matching.tokens import amounts_in, compact, find_rf, one_edit_variants, shape, without_prefix
from desktop.domain.money import ZERO, precision

_CROWDED_NAME_KEY = 50  # a name key shared by more customers than this ("customer", "trading") finds nobody
_due = attrgetter("due_date", "number")  # oldest due first
_due_date = attrgetter("due_date")


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    invoice_id: InvoiceId
    number: str
    reference: str  # RF creditor reference, electronic form, or ""
    customer_id: CustomerId
    currency: str
    open_amount: Decimal
    issue_date: date
    due_date: date


_SETTERS = tuple(getattr(OpenInvoice, name).__set__ for name in OpenInvoice.__slots__)  # type: ignore[attr-defined]


def make_open_invoice(
    invoice_id: InvoiceId, number: str, reference: str, customer_id: CustomerId, currency: str, open_amount: Decimal,
    issue_date: date, due_date: date, _new: Any = object.__new__, _setters: tuple[Any, ...] = _SETTERS,
) -> OpenInvoice:
    """``OpenInvoice(...)``, about twice as fast, for books of 100,000: the frozen dataclass's ``__init__``
    fills each slot through ``object.__setattr__``; this fills them through the slots themselves."""
    invoice = _new(OpenInvoice)
    s0, s1, s2, s3, s4, s5, s6, s7 = _setters
    s0(invoice, invoice_id)
    s1(invoice, number)
    s2(invoice, reference)
    s3(invoice, customer_id)
    s4(invoice, currency)
    s5(invoice, open_amount)
    s6(invoice, issue_date)
    s7(invoice, due_date)
    return invoice  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class KnownCustomer:
    customer_id: CustomerId
    number: str  # the customer number, e.g. "1042"
    name: str
    ibans: tuple[str, ...] = ()  # compact, upper case; on record and learned

    @property
    def label(self) -> str:
        return f"customer {self.number} {self.name}"


def invoice_keys(invoice: OpenInvoice) -> list[str]:
    """The keys an invoice is found under: its number compacted, without a letter prefix, its reference's body."""
    key = invoice.number.upper()
    if not key.isalnum() or not key.isascii():
        key = compact(key)  # (else it is compact already)
    keys = [key]
    bare = without_prefix(key)
    if bare:
        keys.append(bare)
    if invoice.reference:
        body = invoice.reference[4:]
        if body != key:
            keys.append(body)
    return keys


class OpenBook:
    """Open invoices by key, amount and customer; customers by IBAN, number and name."""

    def __init__(self, invoices: Iterable[OpenInvoice], customers: Iterable[KnownCustomer]) -> None:
        self._invoices: dict[InvoiceId, OpenInvoice] = {}
        self._by_key: dict[str, _Ids] = {}
        self._by_amount: dict[str, dict[str, _Ids]] = {}  # currency -> amount_key -> ids
        self._by_customer: dict[CustomerId, OpenInvoice | dict[InvoiceId, OpenInvoice]] = {}  # (a lone one, or by id)
        self._closed: dict[str, InvoiceId] = {}  # keys of invoices settled in this run
        self._closed_numbers: dict[InvoiceId, str] = {}
        self._customers: dict[CustomerId, KnownCustomer] = {}
        self._by_iban: dict[str, tuple[CustomerId, ...]] = {}
        self._by_customer_number: dict[str, CustomerId] = {}
        self._by_name_key: dict[str, list[CustomerId]] | None = None  # built on first use
        # a customer's open invoices oldest due first, and whether they are in one currency; built on first use, kept by settle
        self._open_of: dict[CustomerId, tuple[list[OpenInvoice], bool]] = {}
        self.payer_reasons: dict[tuple[object, ...], list[tuple[CustomerId, Reason]]] = {}
        """What matching made of a payer's IBAN (and its owners) and name, kept for the payer's next payment."""
        collecting = gc.isenabled()
        gc.disable()  # building allocates ~300,000 small objects and owns none with cycles
        try:
            self._index(invoices)
            for customer in customers:
                self._add_customer(customer)
        finally:
            if collecting:
                gc.enable()

    def _index(self, invoices: Iterable[OpenInvoice]) -> None:
        """The hot loop of building, ~2 µs an invoice: it inlines the usual case of ``compact``, ``amount_key``
        and ``_add``, and stores a lone id rather than a one-element list (see ``_Ids``)."""
        by_id, by_key, by_amount, by_customer = self._invoices, self._by_key, self._by_amount, self._by_customer
        lengths: set[int] = set()
        currency = ""
        amounts: dict[str, _Ids] = {}
        digits = 2
        for invoice in invoices:
            amount = invoice.open_amount
            if amount <= ZERO:
                continue
            invoice_id = invoice.invoice_id
            by_id[invoice_id] = invoice
            key = invoice.number.upper()
            if not key.isalnum():
                key = key.replace("-", "").replace("/", "")
                if not key.isalnum():
                    key = compact(key)
            elif not key.isascii():
                key = compact(key)
            known = by_key.get(key)
            if known is None:
                by_key[key] = invoice_id
                lengths.add(len(key))
            elif known.__class__ is dict:
                known[invoice_id] = None
            else:
                by_key[key] = {known: None, invoice_id: None}
            if not key[0].isdigit():
                bare = without_prefix(key)
                if bare:
                    _add(by_key, bare, invoice_id)
                    lengths.add(len(bare))
            reference = invoice.reference
            if reference and not (len(reference) == len(key) + 4 and reference.endswith(key)):
                _add(by_key, reference[4:], invoice_id)
                lengths.add(len(reference) - 4)
            if invoice.currency != currency:
                currency = invoice.currency
                digits = precision(currency)
                amounts = by_amount.setdefault(currency, {})
            text = str(amount)
            if digits != 2 or len(text) < 4 or text[-3] != "." or "E" in text:
                text = amount_key(amount, digits)
            known = amounts.get(text)
            if known is None:
                amounts[text] = invoice_id
            elif known.__class__ is dict:
                known[invoice_id] = None
            else:
                amounts[text] = {known: None, invoice_id: None}
            customer_id = invoice.customer_id
            mine = by_customer.get(customer_id)
            if mine is None:
                by_customer[customer_id] = invoice
            elif mine.__class__ is dict:
                mine[invoice_id] = invoice  # type: ignore[index]
            else:
                by_customer[customer_id] = {mine.invoice_id: mine, invoice_id: invoice}  # type: ignore[union-attr]
        self.key_lengths = frozenset(lengths)
        self.min_key_length = min(lengths, default=0)
        self.max_key_length = max(lengths, default=0)
        self.key_shapes = frozenset(shape(key) for key in islice(by_key, 0, None, max(1, len(by_key) // 2000)))

    def _add_customer(self, customer: KnownCustomer) -> None:
        self._customers[customer.customer_id] = customer
        self._by_customer_number[customer.number] = customer.customer_id
        for iban in customer.ibans:
            self._remember_iban(iban, customer.customer_id)

    def _remember_iban(self, iban: str, customer_id: CustomerId) -> bool:
        known = self._by_iban.get(iban, ())
        if customer_id in known:
            return False
        self._by_iban[iban] = (*known, customer_id)
        return True

    # --- lookups -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._invoices)

    def __contains__(self, invoice_id: object) -> bool:
        return invoice_id in self._invoices

    def invoice(self, invoice_id: InvoiceId) -> OpenInvoice:
        try:
            return self._invoices[invoice_id]
        except KeyError:
            raise NotFound(f"Invoice {invoice_id} is not open.") from None

    def customer(self, customer_id: CustomerId) -> KnownCustomer:
        try:
            return self._customers[customer_id]
        except KeyError:
            raise NotFound(f"Customer {customer_id} is not known.") from None

    def has_customer(self, customer_id: CustomerId) -> bool:
        return customer_id in self._customers

    def by_key(self, key: str) -> tuple[InvoiceId, ...]:
        ids = self._by_key.get(key)
        if ids is None:
            return ()
        return tuple(ids) if ids.__class__ is dict else (ids,)  # type: ignore[arg-type,return-value]

    def closed_by_key(self, key: str) -> InvoiceId | None:
        """An invoice paid in full earlier in this run that ``key`` names."""
        return self._closed.get(key)

    def closed_number(self, invoice_id: InvoiceId) -> str:
        return self._closed_numbers.get(invoice_id, "")

    def by_amount(self, currency: str, amount: Decimal) -> tuple[InvoiceId, ...]:
        amounts = self._by_amount.get(currency)
        if amounts is None:
            return ()
        return _listed(amounts.get(amount_key(amount, precision(currency))))

    def open_of(self, customer_id: CustomerId) -> list[OpenInvoice]:
        """The customer's open invoices, oldest due first."""
        return list(self.sorted_open(customer_id)[0])

    def sorted_open(self, customer_id: CustomerId) -> tuple[list[OpenInvoice], bool]:
        """``open_of`` without the copy (the caller must not change the list), and whether its invoices are all
        in one currency. Sorted once per customer; ``settle`` keeps it current."""
        known = self._open_of.get(customer_id)
        if known is None:
            mine = self._by_customer.get(customer_id)
            if mine is None:
                return [], True
            if mine.__class__ is dict:
                invoices = list(mine.values())  # type: ignore[union-attr]
                dues = list(map(_due_date, invoices))
                if not all(map(lt, dues, islice(dues, 1, None))):  # (usually issued, so falling due, in order)
                    invoices.sort(key=_due)
                currency = invoices[0].currency
                one = all(i.currency == currency for i in invoices)
            else:
                invoices, one = [mine], True  # type: ignore[list-item]
            known = self._open_of[customer_id] = (invoices, one)
        return known

    def customers_of_iban(self, iban: str) -> tuple[CustomerId, ...]:
        return self._by_iban.get(iban, ())

    def customer_by_number(self, number: str) -> CustomerId | None:
        return self._by_customer_number.get(number)

    def customers_by_name(self, words: tuple[str, ...]) -> set[CustomerId]:
        """Customers sharing a name key with ``words`` (a few at most; common words find nobody)."""
        index = self._by_name_key
        if index is None:
            index = self._by_name_key = self._build_name_index()
        found: set[CustomerId] = set()
        for key in index_keys(words):
            ids = index.get(key)
            if ids and len(ids) <= _CROWDED_NAME_KEY:
                found.update(ids)
        return found

    def _build_name_index(self) -> dict[str, list[CustomerId]]:
        index: dict[str, list[CustomerId]] = {}
        for customer in self._customers.values():
            for key in _name_keys(customer.name):
                known = index.get(key)
                if known is None:
                    index[key] = [customer.customer_id]
                else:
                    known.append(customer.customer_id)
        return index

    # --- changes during a run ----------------------------------------------------------------
    def settle(self, invoice_id: InvoiceId, amount: Decimal) -> None:
        """Lower what is open after a booking; an invoice with nothing left open leaves the indexes."""
        invoice = self._invoices.get(invoice_id)
        if invoice is None:
            return
        currency, open_amount = invoice.currency, invoice.open_amount
        amounts = self._by_amount[currency]
        digits = precision(currency)
        _drop(amounts, amount_key(open_amount, digits), invoice_id)
        left = open_amount - amount
        customer_id = invoice.customer_id
        mine = self._by_customer[customer_id]
        cached = self._open_of.get(customer_id)
        if left > ZERO:
            self._invoices[invoice_id] = lower = replace(invoice, open_amount=left)
            _add(amounts, amount_key(left, digits), invoice_id)
            if mine.__class__ is dict:
                mine[invoice_id] = lower  # type: ignore[index]
            else:
                self._by_customer[customer_id] = lower
            if cached is not None:  # the due date and number, the sort key, stay
                _swap(cached[0], invoice, lower)
            return
        del self._invoices[invoice_id]
        if mine.__class__ is dict:
            del mine[invoice_id]  # type: ignore[union-attr]
            if len(mine) == 1:  # type: ignore[arg-type]
                self._by_customer[customer_id] = next(iter(mine.values()))  # type: ignore[union-attr]
        else:
            del self._by_customer[customer_id]
        if cached is not None:
            _swap(cached[0], invoice, None)
            if not cached[0]:
                del self._open_of[customer_id]
        by_key, closed = self._by_key, self._closed
        for key in invoice_keys(invoice):
            _drop(by_key, key, invoice_id)
            closed[key] = invoice_id
        self._closed_numbers[invoice_id] = invoice.number

    def learn_iban(self, iban: str, customer_id: CustomerId) -> None:
        """Remember that ``iban`` pays for this customer (after a confirmed match)."""
        iban = compact(iban)
        customer = self._customers.get(customer_id)
        if not iban or customer is None or not self._remember_iban(iban, customer_id):
            return  # (an unknown customer could not be named in a reason)
        if iban not in customer.ibans:
            self._customers[customer_id] = replace(customer, ibans=(*customer.ibans, iban))

    # --- the review screen -------------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[OpenInvoice]:
        """Open invoices for what a user types: a number or reference (also with one typo), a customer number or
        name, an amount (``1234.50``, ``1.234,50``), or part of a number. Answers in milliseconds on 100,000 invoices."""
        text = text.strip()
        if not text or limit <= 0:
            return []
        found: dict[InvoiceId, None] = {}
        key = compact(text)
        for mention in find_rf(text):
            for body in mention.valid_bodies or mention.bodies:
                found.update(dict.fromkeys(self.by_key(body)))
        if key:
            found.update(dict.fromkeys(self.by_key(key)))
            if not found and len(key) in self.key_lengths:  # a number typed with one typo
                near = {i for variant, _ in one_edit_variants(key) for i in self.by_key(variant)}
                found.update(dict.fromkeys(sorted(near, key=lambda i: self._invoices[i].number)))
            customer_id = self._by_customer_number.get(key)
            if customer_id is not None:
                found.update(dict.fromkeys(i.invoice_id for i in self.open_of(customer_id)))
        for amount in amounts_in(text):
            for currency in self._by_amount:
                found.update(dict.fromkeys(self.by_amount(currency, amount)))
        words = name_words(text)
        if words:
            needle = " ".join(words)
            for customer_id in sorted(self.customers_by_name(words), key=lambda c: self._customers[c].name):
                if needle in " ".join(name_words(self._customers[customer_id].name)):
                    found.update(dict.fromkeys(i.invoice_id for i in self.open_of(customer_id)))
        if len(found) < limit and len(key) >= 3 and any(ch.isdigit() for ch in key):
            for invoice in self._invoices.values():
                if key in compact(invoice.number):
                    found[invoice.invoice_id] = None
                    if len(found) >= limit:
                        break
        return [self._invoices[i] for i in list(found)[:limit]]


@lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, ...]:
    """``index_keys`` of the name's words, in the order the set gives them (names repeat: companies of one group)."""
    return tuple(index_keys(name_words(name)))


def amount_key(amount: Decimal, places: int) -> str:
    """``1234.50`` for any way of writing that amount (``1234.5``, ``1.2345E+3``), cheaply."""
    text = str(amount)
    dot = text.find(".")
    if (dot < 0 if places else dot >= 0) or (places and len(text) - dot - 1 != places) or "E" in text:
        text = str(amount.quantize(Decimal(1).scaleb(-places)))
    return text


def _swap(invoices: list[OpenInvoice], old: OpenInvoice, new: OpenInvoice | None) -> None:
    """Replace ``old`` (this very object) in ``invoices``, sorted oldest due first, by ``new``, or remove it."""
    for index in range(bisect_left(invoices, _due(old), key=_due), len(invoices)):
        if invoices[index] is old:
            if new is None:
                del invoices[index]
            else:
                invoices[index] = new
            return


_Ids = InvoiceId | dict[InvoiceId, None]
"""Index values: a lone id (the usual case, and cheap to build) or an insertion-ordered set of them
(a dict, so that settling removes an id in constant time even from a bucket of 100,000 invoices
of the same amount)."""


def _listed(ids: _Ids | None) -> tuple[InvoiceId, ...]:
    if ids is None:
        return ()
    return tuple(ids) if ids.__class__ is dict else (ids,)  # type: ignore[arg-type]


def _more(ids: _Ids, invoice_id: InvoiceId) -> dict[InvoiceId, None]:
    if isinstance(ids, dict):
        ids[invoice_id] = None
        return ids
    return {ids: None, invoice_id: None}


def _add(index: dict[Any, _Ids], key: object, invoice_id: InvoiceId) -> None:
    known = index.get(key)
    index[key] = invoice_id if known is None else _more(known, invoice_id)


def _drop(index: dict[Any, _Ids], key: object, invoice_id: InvoiceId) -> None:
    known = index.get(key)
    if known is None:
        return
    if not isinstance(known, dict):
        if known == invoice_id:
            del index[key]
        return
    known.pop(invoice_id, None)
    if len(known) == 1:
        index[key] = next(iter(known))
    elif not known:
        del index[key]
