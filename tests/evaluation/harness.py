"""Run the matcher over a scenario as the import will, and score it per class.

Transactions are matched in order; after each automatic booking the book is settled and the
payer's IBAN learned, as the service does. Auto-booking precision counts every automatic booking
that is not exactly the expected one (customer, invoices and amounts) against the matcher.

    .venv/bin/python -m tests.evaluation.harness [--size N] [--seed S] [--misses]
"""

from __future__ import annotations

import argparse
import gc
import time
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.domain.bank import TransactionState
from desktop.domain.matching import DEFAULT_SETTINGS, MatchOutcome, MatchSettings, Rule, match_transaction
from desktop.domain.matching.book import OpenBook
from tests.evaluation.transactions import CLASSES, GROUP_TARGETS, Action, Case

S = TransactionState


@dataclass(slots=True)
class Tally:
    count: int = 0
    auto: int = 0  # booked automatically
    correct: int = 0  # booked automatically, exactly as expected
    right: int = 0  # handled as expected: booked right, left for review, or ignored as the right category
    review: int = 0
    unmatched: int = 0
    ignored: int = 0
    top_right: int = 0  # review cases whose first suggestion is the expected booking

    def add(self, other: Tally) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return self.correct / self.auto if self.auto else None

    @property
    def recall(self) -> float:
        return self.right / self.count if self.count else 1.0


@dataclass(slots=True)
class Miss:
    case: Case
    outcome: MatchOutcome
    wrong_booking: bool


@dataclass(slots=True)
class Evaluation:
    classes: dict[str, Tally] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    seconds: float = 0.0  # matching (with settling and learning IBANs), wall clock
    cpu_seconds: float = 0.0

    def total(self, labels: list[str] | None = None) -> Tally:
        total = Tally()
        for label, tally in self.classes.items():
            if labels is None or label in labels:
                total.add(tally)
        return total

    def group(self, name: str) -> Tally:
        return self.total([label for label, (group, _, _) in CLASSES.items() if group == name])

    @property
    def precision(self) -> float:
        total = self.total()
        return total.correct / total.auto if total.auto else 1.0

    @property
    def wrong_bookings(self) -> list[Miss]:
        return [m for m in self.misses if m.wrong_booking]


def booked_as_expected(case: Case, outcome: MatchOutcome) -> bool:
    auto = outcome.auto
    if auto is None or case.expected.action is not Action.BOOK or auto.customer_id != case.expected.customer_id:
        return False
    return _allocations(auto.allocations) == sorted(case.expected.allocations)


def _allocations(allocations: tuple) -> list[tuple[int, Decimal]]:
    return sorted((a.invoice_id, a.amount) for a in allocations)


def evaluate(cases: list[Case], book: OpenBook, rules: list[Rule], settings: MatchSettings = DEFAULT_SETTINGS,
             pause_gc: bool = False) -> Evaluation:
    """Match ``cases`` in order as the import does; ``pause_gc`` keeps Python's cycle collector off meanwhile
    (it otherwise walks the whole book again and again: ~20% of the time at 100,000 invoices)."""
    result = Evaluation({label: Tally() for label in CLASSES})
    collecting = gc.isenabled()
    if pause_gc:
        gc.disable()
    started, started_cpu = time.perf_counter(), time.process_time()
    outcomes = []
    try:
        for case in cases:
            outcome = match_transaction(case.tx, book, rules, settings)
            if outcome.state is S.MATCHED and outcome.auto is not None:
                for allocation in outcome.auto.allocations:
                    book.settle(allocation.invoice_id, allocation.amount)
                if case.tx.counterparty_iban:
                    book.learn_iban(case.tx.counterparty_iban, outcome.auto.customer_id)
            outcomes.append(outcome)
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - started_cpu
    finally:
        if collecting:
            gc.enable()
    for case, outcome in zip(cases, outcomes, strict=True):
        tally = result.classes.setdefault(case.label, Tally())
        tally.count += 1
        auto = outcome.state is S.MATCHED
        correct = auto and booked_as_expected(case, outcome)
        tally.auto += auto
        tally.correct += correct
        tally.review += outcome.state is S.REVIEW
        tally.unmatched += outcome.state is S.UNMATCHED
        tally.ignored += outcome.state is S.IGNORED
        expected = case.expected
        if expected.action is Action.BOOK:
            right = correct
        elif expected.action is Action.REVIEW:
            right = outcome.state in (S.REVIEW, S.UNMATCHED)
            first = outcome.suggestions[0] if outcome.suggestions else None
            tally.top_right += bool(expected.allocations and first is not None
                                    and _allocations(first.allocations) == sorted(expected.allocations))
        else:
            right = outcome.state is S.IGNORED and outcome.category == expected.category
        tally.right += right
        if not right:
            result.misses.append(Miss(case, outcome, auto and not correct))
    return result


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def report(evaluation: Evaluation, cases: int, show_misses: bool = False) -> str:
    lines = []
    header = (f"{'class':<17} {'group':<15} {'count':>5} {'auto':>5} {'correct':>7} {'precision':>9} {'recall':>7} "
              f"{'review':>6} {'unmatched':>9} {'ignored':>7} {'top right':>9}")
    lines += [header, "-" * len(header)]
    for label, (group, _, _) in CLASSES.items():
        t = evaluation.classes.get(label)
        if t is None or not t.count:
            continue
        top = str(t.top_right) if group == "review" else ""
        lines.append(f"{label:<17} {group:<15} {t.count:>5} {t.auto:>5} {t.correct:>7} {_percent(t.precision):>9} "
                     f"{_percent(t.recall):>7} {t.review:>6} {t.unmatched:>9} {t.ignored:>7} {top:>9}")
    lines.append("-" * len(header))
    total = evaluation.total()
    lines.append(f"{'all':<17} {'':<15} {total.count:>5} {total.auto:>5} {total.correct:>7} {_percent(total.precision):>9} "
                 f"{_percent(total.recall):>7} {total.review:>6} {total.unmatched:>9} {total.ignored:>7}")
    lines.append("")
    lines.append(f"auto-booking precision: {_percent(evaluation.precision)} ({total.correct} of {total.auto}; target 100%)")
    for group in dict.fromkeys(g for g, _, _ in CLASSES.values()):
        tally = evaluation.group(group)
        target = GROUP_TARGETS.get(group)
        goal = f"; target >= {target:.0%}" if target is not None else ""
        lines.append(f"recall {group:<15} {_percent(tally.recall):>7} ({tally.right} of {tally.count}{goal})")
    rate = cases / evaluation.seconds if evaluation.seconds else 0
    lines.append(f"matched {cases} transactions in {evaluation.seconds * 1000:.0f} ms ({rate:,.0f}/s)")
    if show_misses:
        lines.append("")
        lines.append("misses (W = booked wrongly):")
        for miss in evaluation.misses:
            tx, outcome = miss.case.tx, miss.outcome
            first = outcome.suggestions[0] if outcome.suggestions else None
            got = (f"{outcome.state.value}" + (f" {outcome.category.value}" if outcome.category else "")
                   + (f" -> {_allocations(first.allocations)} {first.score}" if first else ""))
            lines.append(f"{'W' if miss.wrong_booking else ' '} {miss.case.label}/{miss.case.how}: {tx.amount} {tx.currency} "
                         f"'{tx.counterparty_name}' {tx.counterparty_iban} '{tx.structured_reference} {tx.remittance}'")
            lines.append(f"    expected {miss.case.expected.action.value} {list(miss.case.expected.allocations)}; got {got}; "
                         f"{outcome.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from tests.evaluation.scenario import build_scenario

    parser = argparse.ArgumentParser(description="Score the payment matcher on a labelled demo scenario.")
    parser.add_argument("--size", type=int, default=300, help="number of transactions (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--misses", action="store_true", help="list every case not handled as expected")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scenario = build_scenario(args.size, args.seed)
    built = time.perf_counter() - started
    print(f"scenario: seed {args.seed}, {len(scenario.cases)} transactions, {len(scenario.invoices)} open invoices, "
          f"{len(scenario.customers)} customers (built in {built:.1f} s)\n")
    evaluation = evaluate(scenario.cases, scenario.book(), scenario.rules)
    print(report(evaluation, len(scenario.cases), args.misses))


if __name__ == "__main__":
    main()
