from collections import Counter
from datetime import timedelta
from pathlib import Path

from desktop.domain.bank import TransactionState
from desktop.domain.dunning.model import PauseKind, PlanStatus
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.demo import create_demo
from desktop.services.paydesk import Paydesk
from tests.conftest import TODAY


def _facts(paydesk: Paydesk) -> dict[str, object]:
    """What the demo holds, without timestamps of the machine that made it."""
    customers = [c for c, _, _ in sorted(paydesk.customers.choices())]
    return {
        "invoices": [(s.number, s.customer_name, s.issue_date, s.total, s.open_amount, s.status, s.kind)
                     for s in paydesk.invoices.all_summaries()],
        "reminders": [(r.customer_id, r.run_date, r.level_name, r.invoices, r.amount, r.subject, r.delivery)
                      for r in paydesk.dunning.history()],
        "pauses": [(p.customer_id, p.kind, p.reason, p.starts_on, p.until, p.invoice_id)
                   for c in customers for p in paydesk.pauses.pauses(c)],
        "plans": [(p.customer_id, [(x.due_date, x.amount) for x in p.instalments], p.starts_on)
                  for c in customers for p in paydesk.pauses.plans(c)],
        "notes": [(n.customer_id, n.kind, n.text, n.follow_up_on) for c in customers for n in paydesk.debtors.notes(c)],
        "bank": [(d.tx.booking_date, d.tx.amount, d.tx.counterparty_name, d.row.state)
                 for d in paydesk.statements.transactions()],
        "limits": [(r.customer_id, r.currency, r.credit_limit) for r in paydesk.debtors.overview(limit=None).rows
                   if r.credit_limit is not None],
    }


def _make(path: Path, seed: int, customers: int = 18, invoices: int = 250) -> dict[str, object]:
    paydesk = Paydesk.open(path, today=lambda: TODAY)
    try:
        create_demo(paydesk, customers=customers, invoices=invoices, seed=seed)
        countries = {paydesk.customers.get(c).country for c, _, _ in paydesk.customers.choices()}
        assert {"ES", "IT", "NL", "SE", "RU", "GB"} <= countries
        return _facts(paydesk)
    finally:
        paydesk.close()


def test_demo_has_every_state_and_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    first = _make(tmp_path / "a.sqlite", seed=7)
    assert first == _make(tmp_path / "b.sqlite", seed=7)
    other = _make(tmp_path / "c.sqlite", seed=8)
    assert first["invoices"] != other["invoices"]
    assert first["reminders"] != other["reminders"]
    rows = first["invoices"]
    assert {row[5] for row in rows} == set(InvoiceStatus)
    assert InvoiceKind.CREDIT_NOTE in {row[6] for row in rows}
    dates = [row[2] for row in rows]
    assert (max(dates) - min(dates)).days > 400


def test_the_demo_is_a_lived_in_desk(tmp_path: Path) -> None:
    paydesk = Paydesk.open(tmp_path / "demo.sqlite", today=lambda: TODAY)
    try:
        create_demo(paydesk)  # the size `paydesk demo` makes
        history = paydesk.dunning.history()
        # weekly runs over the last weeks, every level reached, every message delivered
        assert {r.level_name for r in history} == {"Friendly notice", "First reminder", "Second reminder", "Final notice"}
        assert all(r.delivery == "sent" for r in history)
        assert {r.run_date for r in history} >= {TODAY - timedelta(days=d) for d in range(7, 50, 7)}
        assert max(r.run_date for r in history) < TODAY
        assert len(paydesk.outbox.list(states=("sent",))) == len(history)
        assert not paydesk.outbox.list(states=("queued", "sending", "failed"))
        # one case handed over to collection
        timelines = {c: paydesk.pauses.timeline(c) for c, _, _ in paydesk.customers.choices()}
        assert sum(1 for t in timelines.values() for e in t if e.kind == "collection") == 1
        assert any(e.kind == "reminder" for t in timelines.values() for e in t)
        # pauses: a dispute, a promise due today, a hold on a customer, a payment plan with one instalment paid
        pauses = [p for t in timelines for p in paydesk.pauses.pauses(t)]
        kinds = Counter(p.kind for p in pauses)
        assert kinds[PauseKind.DISPUTE] == kinds[PauseKind.PROMISE] == kinds[PauseKind.HOLD] == 1
        assert kinds[PauseKind.PLAN] >= 1
        assert next(p for p in pauses if p.kind is PauseKind.HOLD).invoice_id is None
        assert next(p for p in pauses if p.kind is PauseKind.PROMISE).until == TODAY
        plans = [plan for t in timelines for plan in paydesk.pauses.plans(t)]
        assert len(plans) == 1 and len(plans[0].instalments) == 3 and plans[0].paid == plans[0].instalments[0].amount

        queue = paydesk.work_queue.queue()
        assert [r.day for r in queue.promises] == [TODAY]
        assert len(queue.disputes) == 1
        assert len(queue.follow_ups) >= 2 and all(r.day == TODAY for r in queue.follow_ups)
        assert len(queue.over_limit) == 1
        assert 3 <= queue.bank_review + queue.bank_unmatched <= 5 and queue.bank_review >= 3
        assert queue.reminders_due >= 1
        later = [n for c in timelines for n in paydesk.debtors.notes(c) if n.follow_up_on and n.follow_up_on > TODAY]
        assert len(later) >= 3

        # the statement came yesterday: some transactions booked automatically, a reminder held back for one
        counts = paydesk.bank.counts()
        assert counts[TransactionState.MATCHED] >= 3
        assert max(d.tx.booking_date for d in paydesk.statements.transactions()) == TODAY - timedelta(days=1)
        preview = paydesk.dunning.preview(TODAY)
        held = [p for p in preview.plans if p.status is PlanStatus.HELD_BACK]
        assert held and "not booked yet" in (held[0].reason or "")
        assert not preview.handovers

        rows = paydesk.debtors.overview(limit=None).rows
        assert {r.level for r in rows} >= {2, 3, 4}  # customers at every reminder level
        assert any(r.promised_on == TODAY for r in rows)
        assert sum(1 for r in rows if r.credit_limit is not None) >= 3
        assert any(r.next_action is not None for r in rows)
        outcomes = {o.name: o for o in paydesk.reports.reminder_effectiveness(TODAY)}
        assert outcomes["First reminder"].paid_ever > 0 and outcomes["Final notice"].invoices > 0
    finally:
        paydesk.close()


def test_a_tiny_demo_still_builds(tmp_path: Path) -> None:
    paydesk = Paydesk.open(tmp_path / "tiny.sqlite", today=lambda: TODAY)
    try:
        create_demo(paydesk, customers=2, invoices=5, seed=3)
        assert len(paydesk.invoices.all_summaries()) >= 5
    finally:
        paydesk.close()
