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
from datetime import date

from desktop.domain.bank import BankTransaction, TransactionState
from desktop.domain.matching.amounts import AMOUNT_EQUAL, fit_reason, money, settlement
from desktop.domain.matching.book import OpenBook
from desktop.domain.matching.candidates import NAMED_LEAD, Candidate, Candidates
from desktop.domain.matching.categories import classify, payout
from desktop.domain.matching.result import MatchOutcome, Reason, Signal, Suggestion
from desktop.domain.matching.rules import Rule, first_matching_rule
from desktop.domain.matching.settings import MatchSettings
from desktop.domain.matching.signals import (
    NUMBER_FUZZY,
    RULE,
    Findings,
    find_customers,
    find_invoices,
    find_invoices_with_typos,
    print_iban,
)
from desktop.domain.matching.tokens import compact

MAX_SUGGESTIONS = 5
DEFAULT_SETTINGS = MatchSettings()


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
    if only is None and len(found.hits) == 1:
        outcome = _one_named_and_paid(tx, book, settings, found)
        if outcome is not None:
            return outcome
    candidates = Candidates(tx, book, settings, found, only)
    candidates.from_hits()
    explained = candidates.explained()
    if not explained and (found.fuzzy_windows or found.named_windows or found.fuzzy_rf):
        trusted = candidates.trusted()
        find_invoices_with_typos(book, found, candidates.pool(trusted), candidates.fits, trusted)
        candidates.clear()
        candidates.from_hits()
        explained = candidates.explained()
    candidates.from_customers(with_named=not explained)
    if not candidates.by_set and not found.customer_reasons and only is None:
        candidates.from_amount()
    return _decide(tx, book, settings, found, candidates, rule.id if only is not None and rule else None)


def _decide(
    tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings, scored: Candidates,
    rule_id: int | None,
) -> MatchOutcome:
    candidates = list(scored.by_set.values())
    if not candidates:
        credit = _as_credit(tx, book, found)
        if credit:
            note = "; ".join([*found.warnings, "nothing is open for this customer: keep it as customer credit"])
            return MatchOutcome(TransactionState.REVIEW, suggestions=credit, rule_id=rule_id, note=note)
        note = "; ".join([*found.warnings, "no open invoice fits"])
        return MatchOutcome(TransactionState.UNMATCHED, rule_id=rule_id, note=note)
    ranked = candidates if len(candidates) == 1 else sorted(candidates, key=_rank)
    suggestions = tuple([scored.suggestion(c) for c in ranked[:MAX_SUGGESTIONS]])
    return _verdict(tx, book, settings, found, ranked, suggestions, rule_id)


def _verdict(
    tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings, ranked: list[Candidate],
    suggestions: tuple[Suggestion, ...], rule_id: int | None,
) -> MatchOutcome:
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


def _one_named_and_paid(tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings) -> MatchOutcome | None:
    """The usual payment, decided as the candidates below would, without them: one invoice named exactly (a
    reference, a number), paid exactly in its currency, by its customer or a payer nobody knows. ``None`` otherwise.

    That invoice is the only candidate: it explains the payment, so no typos are looked for, and its customer,
    the only one in play, is not searched further (see ``Candidates.settled_customers``).
    """
    [(invoice_id, hit)] = found.hits.items()
    invoice = book.invoice(invoice_id)
    reason = hit.reason
    customer_id = invoice.customer_id
    if (not hit.exact or reason.score < NUMBER_FUZZY or settings.margin > NAMED_LEAD or invoice.currency != tx.currency
            or tx.amount != invoice.open_amount):
        return None
    by_customer = found.customer_reasons
    if by_customer and (len(by_customer) > 1 or customer_id not in by_customer):
        return None
    reasons = by_customer.get(customer_id, ())
    raw = reason.score + sum(r.score for r in reasons) + AMOUNT_EQUAL
    tolerance = settings.write_off_tolerance
    fit = settlement([invoice], tx.amount, tolerance)
    amount = fit_reason([invoice], fit, tx.amount, tx.currency, tolerance, money(tx.amount, tx.currency))
    suggestion = Suggestion(customer_id, fit.allocations, min(100, raw), (reason, *reasons, amount), fit.credit,
                            fit.shortfall, invoice.currency)
    candidate = Candidate(customer_id, [invoice], (hit,), raw, reason.score, tx.amount, fit, False, True)
    return _verdict(tx, book, settings, found, [candidate], (suggestion,), None)


def _rank(candidate: Candidate) -> tuple[int, int, int, date, str]:
    first = candidate.invoices[0]
    return -candidate.raw, -candidate.ident, len(candidate.invoices), first.due_date, first.number


def _as_credit(tx: BankTransaction, book: OpenBook, found: Findings) -> tuple[Suggestion, ...]:
    """For a payer known by IBAN or rule with nothing open in the currency: the whole payment as customer credit."""
    suggestions = []
    for customer_id, reasons in found.customer_reasons.items():
        if any(r.signal in (Signal.IBAN, Signal.RULE) for r in reasons):
            score = min(100, sum(r.score for r in reasons))
            suggestions.append(Suggestion(customer_id, (), score, tuple(reasons), credit=tx.amount, currency=tx.currency))
    return tuple(sorted(suggestions, key=lambda s: -s.score)[:MAX_SUGGESTIONS])


def _why_not_alone(
    tx: BankTransaction, book: OpenBook, settings: MatchSettings, found: Findings, best: Candidate, second: int,
    ranked: Iterable[Candidate],
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
