"""Candidates for one bank transaction: sets of open invoices of one customer, each scored.

Scored the same way whatever found them: how the invoices are named (identification) + what is
known about the customer + how the amount fits. A candidate's reasons are put into words only when
it is among the suggestions shown; most candidates are not. Used by ``matcher``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter

from desktop.domain.bank import BankTransaction
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching.amounts import (
    AMOUNT_EQUAL,
    AMOUNT_WITHIN_TOLERANCE,
    FitKind,
    Settlement,
    fit_reason,
    money,
    settlement,
    single_fit,
    sums_to,
)
from desktop.domain.matching.book import OpenBook, OpenInvoice
from desktop.domain.matching.result import Reason, Signal, Suggestion
from desktop.domain.matching.settings import MatchSettings
from desktop.domain.matching.signals import NUMBER_FUZZY, Findings, Hit
from desktop.domain.payment import Allocation

_MAX_HITS_PER_CUSTOMER = 8
_MAX_SAME_AMOUNT = 200  # more open invoices of one amount than this: the amount tells too little to search them
_MAX_CUSTOMER_POOL = 200
NAMED_LEAD = NUMBER_FUZZY + AMOUNT_WITHIN_TOLERANCE - AMOUNT_EQUAL  # 40: see settled_customers
_due = attrgetter("due_date", "number")


@dataclass(slots=True)
class Candidate:
    """A set of invoices of one customer, scored; its reasons are put into words only if it is suggested."""

    customer_id: CustomerId
    invoices: list[OpenInvoice]  # oldest due first
    named: Sequence[Hit]  # the hits among the invoices, in their order
    raw: int
    ident: int
    paid: Decimal | None  # in the invoices' currency; None when nothing was paid in it
    fit: Settlement | None  # how ``paid`` settles the invoices (for one invoice, worked out when it is suggested)
    foreign: bool  # the invoices are in another currency than the payment
    agrees: bool  # the amount equals what is open (alone or as a sum) or is within the tolerance


def _full(invoice: OpenInvoice) -> Allocation:
    return Allocation(invoice.invoice_id, invoice.open_amount)


class Candidates:
    """The candidates for one transaction, by their set of invoices, gathered step by step (see ``match_transaction``)."""

    __slots__ = ("_customer_points", "_explains", "_settled", "_shown", "_with_candidates", "book", "by_set", "found",
                 "hits", "only", "settings", "tolerance", "tx")

    def __init__(self, tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings,
                 only: CustomerId | None) -> None:
        self.tx, self.book, self.settings, self.found, self.only = tx, book, settings, found, only
        self.hits = found.hits
        self.tolerance = settings.write_off_tolerance
        self.by_set: dict[frozenset[InvoiceId], Candidate] = {}
        self._with_candidates: set[CustomerId] = set()
        self._explains = False  # see explained
        self._settled: set[CustomerId] = set()  # see settled_customers
        self._shown: dict[str, str] = {}
        self._customer_points: dict[CustomerId, int] = {}

    def clear(self) -> None:
        self.by_set.clear()
        self._with_candidates.clear()
        self._explains = False
        self._settled.clear()

    def paid(self, currency: str) -> tuple[Decimal | None, bool]:
        """The amount paid in ``currency``, and whether that is another currency than the payment's."""
        tx = self.tx
        if currency == tx.currency:
            return tx.amount, False
        if tx.instructed_amount is not None and tx.instructed_amount > 0 and tx.instructed_currency == currency:
            return tx.instructed_amount, True
        return None, True

    def shown(self, currency: str, paid: Decimal, foreign: bool) -> str:
        text = self._shown.get(currency)
        if text is None:
            text = money(paid, currency)
            if foreign:
                text += f" (instructed; paid as {money(self.tx.amount, self.tx.currency)})"
            self._shown[currency] = text
        return text

    def add(self, invoices: Sequence[OpenInvoice]) -> None:
        if not invoices:
            return
        first = invoices[0]
        named: Sequence[Hit]
        if len(invoices) == 1:
            key = frozenset((first.invoice_id,))
            if key in self.by_set:
                return
            customer_id = first.customer_id
            if self.only is not None and customer_id != self.only:
                return
            ordered = [first]
            hit = self.hits.get(first.invoice_id)
            named = () if hit is None else (hit,)
            ident = 0 if hit is None else hit.reason.score
        else:
            key = frozenset(i.invoice_id for i in invoices)
            if key in self.by_set:
                return
            customer_id = first.customer_id
            if self.only is not None and customer_id != self.only:
                return
            ordered = sorted(invoices, key=_due)
            hits = self.hits
            named = [hit for hit in (hits.get(i.invoice_id) for i in ordered) if hit is not None]
            ident = min(h.reason.score for h in named) * len(named) // len(ordered) if named else 0
        points = self._customer_points.get(customer_id)
        if points is None:
            points = self._customer_points[customer_id] = sum(
                r.score for r in self.found.customer_reasons.get(customer_id, ()))
        paid, foreign = self.paid(ordered[0].currency)
        fit = None
        agrees = False
        raw = ident + points
        if paid is not None:
            if len(ordered) == 1:
                kind, score = single_fit(first.open_amount, paid, self.tolerance)
            else:
                fit = settlement(ordered, paid, self.tolerance)
                kind, score = fit.kind, fit.score
            raw += score
            agrees = score >= AMOUNT_WITHIN_TOLERANCE  # equal, a sum, or short within the tolerance
            if ident and kind is FitKind.EQUAL:  # (nothing stays open)
                self._explains = True
        self.by_set[key] = Candidate(customer_id, ordered, named, raw, ident, paid, fit, foreign, agrees)
        self._with_candidates.add(customer_id)
        if ident >= NUMBER_FUZZY and agrees:
            self._settled.add(customer_id)

    def suggestion(self, candidate: Candidate) -> Suggestion:
        """The candidate as the user sees it, with its reasons in words."""
        reasons: list[Reason] = []
        named, invoices = candidate.named, candidate.invoices
        if len(named) == 1 and len(invoices) == 1:
            reasons.append(named[0].reason)
        elif named:
            weakest = min(named, key=lambda h: h.reason.score).reason
            text = "; ".join(h.reason.text for h in named)
            if len(named) < len(invoices):
                text += f" ({len(named)} of the {len(invoices)} invoices named)"
            reasons.append(Reason(weakest.signal, candidate.ident, text))
        reasons.extend(self.found.customer_reasons.get(candidate.customer_id, ()))
        currency = invoices[0].currency
        paid = candidate.paid
        if paid is not None:
            fit = candidate.fit or settlement(invoices, paid, self.tolerance)
            shown = self.shown(currency, paid, candidate.foreign)
            reasons.append(fit_reason(invoices, fit, paid, currency, self.tolerance, shown))
            allocations, credit, shortfall = fit.allocations, fit.credit, fit.shortfall
        else:
            allocations = tuple(_full(i) for i in invoices)
            credit = shortfall = Decimal(0)
        return Suggestion(candidate.customer_id, allocations, min(100, candidate.raw), tuple(reasons), credit, shortfall,
                          currency)

    def explained(self) -> bool:
        """Whether a named invoice (or several) takes exactly the amount paid.

        Short by a write-off is not enough: a typo may have named a neighbour whose amount is close
        by chance, while the invoice meant has exactly the amount paid.
        """
        return self._explains

    def settled_customers(self) -> set[CustomerId]:
        """Customers with a named invoice the amount agrees with: a candidate from their other invoices
        (no name, no better customer signals, an amount at best as good) trails it by 40 points or more."""
        if self.settings.margin > NAMED_LEAD:
            return set()
        return set(self._settled)

    def fits(self, invoice: OpenInvoice) -> bool:
        """Whether the payment alone settles ``invoice`` (exactly or within the write-off tolerance)."""
        paid, _ = self.paid(invoice.currency)
        return paid is not None and 0 <= invoice.open_amount - paid <= self.settings.write_off_tolerance

    def from_hits(self) -> None:
        hits = self.found.hits
        if len(hits) == 1:  # the usual case: one named invoice (alone, it is no sum)
            [(invoice_id, hit)] = hits.items()
            if hit.alone:
                self.add([self.book.invoice(invoice_id)])
            return
        per_customer: dict[CustomerId, list[tuple[int, OpenInvoice]]] = {}
        for invoice_id, hit in hits.items():
            invoice = self.book.invoice(invoice_id)
            per_customer.setdefault(invoice.customer_id, []).append((hit.reason.score, invoice))
        for scored in per_customer.values():
            scored.sort(key=lambda pair: -pair[0])
            invoices = [invoice for _, invoice in scored[:_MAX_HITS_PER_CUSTOMER]]
            for invoice in invoices:
                if hits[invoice.invoice_id].alone:
                    self.add([invoice])
            for currency in {i.currency for i in invoices}:
                same = [i for i in invoices if i.currency == currency]
                if len(same) < 2:
                    continue
                named = [i for i in same if hits[i.invoice_id].exact]
                if 2 <= len(named) <= self.settings.max_combination:
                    self.add(named)
                paid, _ = self.paid(currency)
                if paid is not None:
                    for group in sums_to(same, paid, currency, 2, self.settings.max_combination):
                        self.add(group)

    def trusted(self) -> set[CustomerId]:
        """Customers the payer is known to be by IBAN or a rule (a name is not enough)."""
        return {c for c, reasons in self.found.customer_reasons.items()
                if any(r.signal in (Signal.IBAN, Signal.RULE) for r in reasons)}

    def pool(self, trusted: set[CustomerId]) -> list[OpenInvoice]:
        """Where a typo'd number may point: invoices of exactly the paid amount, and of the customers in play."""
        book, tx = self.book, self.tx
        ids: dict[InvoiceId, None] = {}
        options = [(tx.currency, tx.amount)]
        if tx.instructed_amount is not None and tx.instructed_currency:
            options.append((tx.instructed_currency, tx.instructed_amount))
        for currency, amount in options:
            same = book.by_amount(currency, amount)
            if len(same) <= _MAX_SAME_AMOUNT:
                ids.update(dict.fromkeys(same))
        named = {book.invoice(i).customer_id for i, hit in self.found.hits.items() if hit.exact}
        for customer_id in named | trusted:
            ids.update(dict.fromkeys(i.invoice_id for i in book.sorted_open(customer_id)[0][:_MAX_CUSTOMER_POOL]))
        return [book.invoice(i) for i in ids]

    def customers(self, with_named: bool) -> Iterable[CustomerId]:
        if self.only is not None:
            return [self.only]
        if not with_named or not self.found.hits:
            return self.found.customer_reasons  # (its keys, in order; not changed meanwhile)
        named = {self.book.invoice(i).customer_id for i in self.found.hits}
        return list(dict.fromkeys([*self.found.customer_reasons, *named]))

    def from_customers(self, with_named: bool) -> None:
        """Candidates among the open invoices of the customers in play: the amount alone, as a sum, or oldest first.

        Customers known only through a named invoice are searched only when that invoice doesn't explain the payment.
        """
        settings = self.settings
        tolerance = self.tolerance
        done = self.settled_customers()
        for customer_id in self.customers(with_named):
            if customer_id in done:
                continue
            invoices, one_currency = self.book.sorted_open(customer_id)
            if not invoices:
                continue
            by_currency: dict[str, list[OpenInvoice]]
            if one_currency:
                by_currency = {invoices[0].currency: invoices}
            else:
                by_currency = {}
                for invoice in invoices:
                    by_currency.setdefault(invoice.currency, []).append(invoice)
            identified = customer_id in self.found.customer_reasons
            for currency, same in by_currency.items():
                paid, _ = self.paid(currency)
                if paid is None:
                    continue
                highest = paid + tolerance if tolerance > 0 else paid  # the open amount may exceed the payment by this
                for invoice in [i for i in same if paid <= i.open_amount <= highest]:
                    self.add([invoice])
                for group in sums_to(same[: settings.max_sum_invoices], paid, currency, 2, settings.max_combination):
                    self.add(group)
                if identified and customer_id not in self._with_candidates:
                    self.add(_oldest_covering(same, paid))

    def from_amount(self) -> None:
        options = [(self.tx.currency, self.tx.amount)]
        if self.tx.instructed_amount is not None and self.tx.instructed_currency:
            options.append((self.tx.instructed_currency, self.tx.instructed_amount))
        for currency, amount in options:
            ids = self.book.by_amount(currency, amount)
            if 0 < len(ids) <= self.settings.max_amount_hits:
                for invoice_id in ids:
                    self.add([self.book.invoice(invoice_id)])


def _oldest_covering(invoices: list[OpenInvoice], paid: Decimal) -> list[OpenInvoice]:
    taken: list[OpenInvoice] = []
    total = Decimal(0)
    for invoice in invoices:
        if total >= paid:
            break
        taken.append(invoice)
        total += invoice.open_amount
    return taken
