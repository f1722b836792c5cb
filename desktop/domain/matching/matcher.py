"""Match one bank transaction to open invoices: gather candidates, score them, decide whether to book.

Candidates come from the invoices the text names (exactly, then with one typo if that explains
nothing), from the customers the payer is (IBAN, rule, name) with their invoices that fit the
amount alone or as a sum, and, when nothing names anyone, from open invoices of exactly that
amount. Every candidate is scored the same way: identification of the invoices + what is known
about the customer + how the amount fits. Paydesk books on its own only when the best candidate
reaches ``auto_threshold`` and leads the next by ``margin``; never across currencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.bank import BankTransaction, TransactionState
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching.book import OpenBook, OpenInvoice
from desktop.domain.matching.categories import classify, payout
from desktop.domain.matching.result import MatchOutcome, Reason, Signal, Suggestion
from desktop.domain.matching.rules import Rule, first_matching_rule
from desktop.domain.matching.settings import MatchSettings
from desktop.domain.matching.signals import (
    AMOUNT_EQUAL,
    AMOUNT_WITHIN_TOLERANCE,
    NUMBER_FUZZY,
    RULE,
    Findings,
    Fit,
    amount_fit,
    find_customers,
    find_invoices,
    find_invoices_with_typos,
    money,
    print_iban,
    sums_to,
)
from desktop.domain.matching.tokens import compact
from desktop.domain.payment import Allocation

MAX_SUGGESTIONS = 5
_MAX_HITS_PER_CUSTOMER = 8
_MAX_SAME_AMOUNT = 200  # more open invoices of one amount than this: the amount tells too little to search them
_MAX_CUSTOMER_POOL = 200
_NAMED_LEAD = NUMBER_FUZZY + AMOUNT_WITHIN_TOLERANCE - AMOUNT_EQUAL  # 40: see settled_customers
DEFAULT_SETTINGS = MatchSettings()


@dataclass(slots=True)
class _Candidate:
    customer_id: CustomerId
    invoices: list[OpenInvoice]
    reasons: list[Reason]
    raw: int
    ident: int
    fit: Fit | None
    foreign: bool  # the invoices are in another currency than the payment
    agrees: bool  # the amount equals what is open (alone or as a sum) or is within the tolerance

    def suggestion(self) -> Suggestion:
        if self.fit is not None:
            allocations, credit, shortfall = self.fit.allocations, self.fit.credit, self.fit.shortfall
        else:
            allocations = tuple(_full(i) for i in self.invoices)
            credit = shortfall = Decimal(0)
        return Suggestion(self.customer_id, allocations, min(100, self.raw), tuple(self.reasons), credit, shortfall,
                          self.invoices[0].currency)


def _full(invoice: OpenInvoice) -> Allocation:
    return Allocation(invoice.invoice_id, invoice.open_amount)


class _Candidates:
    def __init__(self, tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings,
                 only: CustomerId | None) -> None:
        self.tx, self.book, self.settings, self.found, self.only = tx, book, settings, found, only
        self.by_set: dict[frozenset[InvoiceId], _Candidate] = {}
        self._shown: dict[str, str] = {}

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
        key = frozenset((invoices[0].invoice_id,)) if len(invoices) == 1 else frozenset(i.invoice_id for i in invoices)
        if key in self.by_set:
            return
        customer_id = invoices[0].customer_id
        if self.only is not None and customer_id != self.only:
            return
        ordered = list(invoices) if len(invoices) == 1 else sorted(invoices, key=_due)
        reasons: list[Reason] = []
        named = [hit for hit in (self.found.hits.get(i.invoice_id) for i in ordered) if hit is not None]
        ident = 0
        if len(named) == 1 and len(ordered) == 1:
            reasons.append(named[0].reason)
            ident = named[0].reason.score
        elif named:
            weakest = min(named, key=lambda h: h.reason.score).reason
            ident = weakest.score * len(named) // len(ordered)
            text = "; ".join(h.reason.text for h in named)
            if len(named) < len(ordered):
                text += f" ({len(named)} of the {len(ordered)} invoices named)"
            reasons.append(Reason(weakest.signal, ident, text))
        reasons.extend(self.found.customer_reasons.get(customer_id, ()))
        currency = ordered[0].currency
        paid, foreign = self.paid(currency)
        fit = None
        agrees = False
        if paid is not None:
            fit = amount_fit(ordered, paid, currency, self.settings.write_off_tolerance, self.shown(currency, paid, foreign))
            reasons.append(fit.reason)
            agrees = fit.reason.score >= AMOUNT_WITHIN_TOLERANCE  # equal, a sum, or short within the tolerance
        raw = sum(r.score for r in reasons)
        self.by_set[key] = _Candidate(customer_id, ordered, reasons, raw, ident, fit, foreign, agrees)

    def explained(self) -> bool:
        """Whether a named invoice (or several) takes exactly the amount paid.

        Short by a write-off is not enough: a typo may have named a neighbour whose amount is close
        by chance, while the invoice meant has exactly the amount paid.
        """
        return any(c.ident and c.fit is not None and c.fit.reason.score >= AMOUNT_EQUAL and not c.fit.shortfall
                   for c in self.by_set.values())

    def settled_customers(self) -> set[CustomerId]:
        """Customers with a named invoice the amount agrees with: a candidate from their other invoices
        (no name, no better customer signals, an amount at best as good) trails it by 40 points or more."""
        if self.settings.margin > _NAMED_LEAD:
            return set()
        return {c.customer_id for c in self.by_set.values() if c.ident >= NUMBER_FUZZY and c.agrees}

    def fits(self, invoice: OpenInvoice) -> bool:
        """Whether the payment alone settles ``invoice`` (exactly or within the write-off tolerance)."""
        paid, _ = self.paid(invoice.currency)
        return paid is not None and 0 <= invoice.open_amount - paid <= self.settings.write_off_tolerance

    def from_hits(self) -> None:
        per_customer: dict[CustomerId, list[tuple[int, OpenInvoice]]] = {}
        for invoice_id, hit in self.found.hits.items():
            invoice = self.book.invoice(invoice_id)
            per_customer.setdefault(invoice.customer_id, []).append((hit.reason.score, invoice))
        for scored in per_customer.values():
            scored.sort(key=lambda pair: -pair[0])
            invoices = [invoice for _, invoice in scored[:_MAX_HITS_PER_CUSTOMER]]
            for invoice in invoices:
                if self.found.hits[invoice.invoice_id].alone:
                    self.add([invoice])
            for currency in {i.currency for i in invoices}:
                same = [i for i in invoices if i.currency == currency]
                if len(same) < 2:
                    continue
                named = [i for i in same if self.found.hits[i.invoice_id].exact]
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
            ids.update(dict.fromkeys(i.invoice_id for i in book.open_of(customer_id)[:_MAX_CUSTOMER_POOL]))
        return [book.invoice(i) for i in ids]

    def customers(self, with_named: bool) -> list[CustomerId]:
        if self.only is not None:
            return [self.only]
        named = {self.book.invoice(i).customer_id for i in self.found.hits} if with_named else set()
        return list(dict.fromkeys([*self.found.customer_reasons, *named]))

    def from_customers(self, with_named: bool) -> None:
        """Candidates among the open invoices of the customers in play: the amount alone, as a sum, or oldest first.

        Customers known only through a named invoice are searched only when that invoice doesn't explain the payment.
        """
        settings = self.settings
        done = self.settled_customers()
        for customer_id in self.customers(with_named):
            if customer_id in done:
                continue
            by_currency: dict[str, list[OpenInvoice]] = {}
            for invoice in self.book.open_of(customer_id):
                by_currency.setdefault(invoice.currency, []).append(invoice)
            identified = customer_id in self.found.customer_reasons
            for currency, invoices in by_currency.items():
                paid, _ = self.paid(currency)
                if paid is None:
                    continue
                for invoice in invoices:
                    gap = invoice.open_amount - paid
                    if gap == 0 or 0 < gap <= settings.write_off_tolerance:
                        self.add([invoice])
                oldest = invoices[: settings.max_sum_invoices]
                for group in sums_to(oldest, paid, currency, 2, settings.max_combination):
                    self.add(group)
                if identified and not any(c.customer_id == customer_id for c in self.by_set.values()):
                    self.add(_oldest_covering(invoices, paid))

    def from_amount(self) -> None:
        options = [(self.tx.currency, self.tx.amount)]
        if self.tx.instructed_amount is not None and self.tx.instructed_currency:
            options.append((self.tx.instructed_currency, self.tx.instructed_amount))
        for currency, amount in options:
            ids = self.book.by_amount(currency, amount)
            if 0 < len(ids) <= self.settings.max_amount_hits:
                for invoice_id in ids:
                    self.add([self.book.invoice(invoice_id)])


def _due(invoice: OpenInvoice) -> tuple[date, str]:
    return invoice.due_date, invoice.number


def _oldest_covering(invoices: list[OpenInvoice], paid: Decimal) -> list[OpenInvoice]:
    taken: list[OpenInvoice] = []
    total = Decimal(0)
    for invoice in invoices:
        if total >= paid:
            break
        taken.append(invoice)
        total += invoice.open_amount
    return taken


def match_transaction(
    tx: BankTransaction, book: OpenBook, rules: Sequence[Rule] = (), settings: MatchSettings = DEFAULT_SETTINGS,
) -> MatchOutcome:
    """What to do with one transaction. Pure: the book is not changed (the caller settles after booking)."""
    rule = first_matching_rule(tx, rules) if rules else None
    if rule is not None and rule.category is not None:
        return MatchOutcome(TransactionState.IGNORED, category=rule.category, rule_id=rule.id,
                            note=f"rule '{rule.name}' ignores it as {rule.category.value.replace('_', ' ')}")
    kind = classify(tx, book)
    if kind is not None:
        return MatchOutcome(TransactionState.IGNORED, category=kind.category, note=kind.note)
    found = Findings()
    find_invoices(tx, book, found)
    if not found.hits:
        kind = payout(tx, book)
        if kind is not None:
            return MatchOutcome(TransactionState.IGNORED, category=kind.category, note=kind.note)
    find_customers(tx, book, settings, found)
    only = None
    if rule is not None and rule.customer_id is not None and book.has_customer(rule.customer_id):
        only = rule.customer_id
        label = book.customer(only).label
        found.add_customer_reason(only, Reason(Signal.RULE, RULE, f"rule '{rule.name}' assigns {label}"))
    candidates = _Candidates(tx, book, settings, found, only)
    candidates.from_hits()
    explained = candidates.explained()
    if not explained and (found.fuzzy_windows or found.named_windows or found.fuzzy_rf):
        trusted = candidates.trusted()
        find_invoices_with_typos(book, found, candidates.pool(trusted), candidates.fits, trusted)
        candidates.by_set.clear()
        candidates.from_hits()
        explained = candidates.explained()
    candidates.from_customers(with_named=not explained)
    if not candidates.by_set and not found.customer_reasons and only is None:
        candidates.from_amount()
    return _decide(tx, book, settings, found, list(candidates.by_set.values()), rule.id if only is not None and rule else None)


def _decide(
    tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings, candidates: list[_Candidate],
    rule_id: int | None,
) -> MatchOutcome:
    if not candidates:
        credit = _as_credit(tx, book, found)
        if credit:
            note = "; ".join([*found.warnings, "nothing is open for this customer: keep it as customer credit"])
            return MatchOutcome(TransactionState.REVIEW, suggestions=credit, rule_id=rule_id, note=note)
        note = "; ".join([*found.warnings, "no open invoice fits"])
        return MatchOutcome(TransactionState.UNMATCHED, rule_id=rule_id, note=note)
    ranked = sorted(candidates, key=lambda c: (-c.raw, -c.ident, len(c.invoices), c.invoices[0].due_date,
                                               c.invoices[0].number))
    suggestions = tuple(c.suggestion() for c in ranked[:MAX_SUGGESTIONS])
    best = ranked[0]
    second = ranked[1].raw if len(ranked) > 1 else 0
    if best.raw < settings.review_threshold:
        return MatchOutcome(TransactionState.UNMATCHED, suggestions=suggestions, rule_id=rule_id,
                            note=f"only weak suggestions (the best has {best.raw} points)")
    problems = _why_not_alone(tx, book, settings, found, best, second, ranked)
    if problems:
        return MatchOutcome(TransactionState.REVIEW, suggestions=suggestions, rule_id=rule_id, note="; ".join(problems))
    return MatchOutcome(TransactionState.MATCHED, auto=suggestions[0], suggestions=suggestions, rule_id=rule_id,
                        note=f"clearly best: {best.raw} points, the next has {second}")


def _as_credit(tx: BankTransaction, book: OpenBook, found: Findings) -> tuple[Suggestion, ...]:
    """For a payer known by IBAN or rule with nothing open in the currency: the whole payment as customer credit."""
    suggestions = []
    for customer_id, reasons in found.customer_reasons.items():
        if any(r.signal in (Signal.IBAN, Signal.RULE) for r in reasons):
            score = min(100, sum(r.score for r in reasons))
            suggestions.append(Suggestion(customer_id, (), score, tuple(reasons), credit=tx.amount, currency=tx.currency))
    return tuple(sorted(suggestions, key=lambda s: -s.score)[:MAX_SUGGESTIONS])


def _why_not_alone(
    tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings, best: _Candidate, second: int,
    ranked: Iterable[_Candidate],
) -> list[str]:
    problems: list[str] = []
    if best.foreign:
        problems.append(f"paid in {tx.currency}, the invoice is in {best.invoices[0].currency}: book it by hand")
    if best.raw < settings.auto_threshold:
        problems.append(f"the best suggestion has {best.raw} points; {settings.auto_threshold} are needed to book automatically")
    elif best.raw == second:
        tied = sum(1 for c in ranked if c.raw == best.raw)
        problems.append("two suggestions fit equally well" if tied == 2 else f"{tied} suggestions fit equally well")
    elif best.raw - second < settings.margin:
        problems.append(f"the next suggestion has {second} points, within {settings.margin} of the best ({best.raw})")
    if not best.ident and found.warnings:
        problems.extend(found.warnings)
    owners = found.iban_customers
    if owners and best.customer_id not in owners:
        problems.append(f"the payer's IBAN {print_iban(compact(tx.counterparty_iban))} is known for "
                        f"{book.customer(owners[0]).label}, not for {book.customer(best.customer_id).label}")
    return problems
