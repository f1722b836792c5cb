"""Events of the billing run and of plan changes settled at once: ``invoice.finalized`` per issued
invoice and ``subscription.renewed`` per billed period, in the batch's own transaction (a batch
that rolls back leaves none), none for a dry run, none while no endpoint listens."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from desktop.domain import events as ev
from desktop.domain.subscriptions import PlanLine, Settle, Subscription
from desktop.services.billing import BillingService
from desktop.services.billing_engine import load_batch, plan_batch, write_batch
from desktop.services.webhooks import WebhookService
from tests.conftest import TODAY

PLAN = [PlanLine("Seat", D(3), D("10.00"), D(21))]


def listen(paydesk, types=ev.EVENT_TYPES) -> int:
    return WebhookService(paydesk.db, paydesk.secrets).save("http://127.0.0.1:9/hook", list(types))[0]


def subscribe(paydesk, customer, count: int = 1, **kwargs) -> list[int]:
    return [paydesk.subscriptions.save(Subscription.new(customer, f"Plan {n}", "EUR", date(2026, 9, 1), PLAN, **kwargs))
            for n in range(count)]


def events(paydesk, event_type: str | None = None) -> list[tuple[str, dict, int | None, int | None]]:
    with paydesk.db.reading() as conn:
        rows = conn.exec_driver_sql("SELECT type, payload, invoice_id, subject_id FROM events ORDER BY id").all()
    return [(t, json.loads(p), i, s) for t, p, i, s in rows if event_type is None or t == event_type]


def counts(paydesk) -> tuple[int, int, int]:
    with paydesk.db.reading() as conn:
        return tuple(conn.exec_driver_sql(  # type: ignore[return-value]
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM webhook_deliveries),"
            " (SELECT count(*) FROM invoices WHERE number IS NOT NULL)").one())


def test_a_run_records_one_finalized_and_one_renewed_per_invoice(paydesk, customer) -> None:
    listen(paydesk)
    subs = subscribe(paydesk, customer, 3)
    report = paydesk.billing.run(TODAY)  # Sep, Oct, Nov (Dec is billed from Nov 24): 9 invoices
    assert report.count == 9
    finalized = events(paydesk, ev.INVOICE_FINALIZED)
    renewed = events(paydesk, ev.SUBSCRIPTION_RENEWED)
    assert sorted(e[2] for e in finalized) == sorted(i.invoice_id for i in report.invoices)
    assert {e[1]["invoice"]["number"] for e in finalized} == {i.number for i in report.invoices}
    assert all(e[1]["invoice"]["total"] == "36.30" for e in finalized)  # 30.00 + 6.30 VAT
    assert sorted((e[3], e[1]["subscription"]["period_start"], e[1]["subscription"]["period_end"], e[2])
                  for e in renewed) == sorted((i.subscription_id, i.period_start.isoformat(), i.period_end.isoformat(),
                                               i.invoice_id) for i in report.invoices)
    assert {e[3] for e in renewed} == set(subs)
    first = renewed[0][1]
    assert first["subscription"]["name"].startswith("Plan ") and first["invoice"]["number"]
    assert counts(paydesk) == (18, 18, 9)  # each event has its delivery to the one endpoint


def test_only_the_types_listened_for_are_recorded(paydesk, customer) -> None:
    listen(paydesk, [ev.SUBSCRIPTION_RENEWED])
    subscribe(paydesk, customer)
    paydesk.billing.run(TODAY)
    assert [e[0] for e in events(paydesk)] == [ev.SUBSCRIPTION_RENEWED] * 3


def test_no_endpoint_no_events_and_a_dry_run_records_none(paydesk, customer) -> None:
    subscribe(paydesk, customer, 2)
    assert paydesk.billing.run(TODAY).count == 6
    assert counts(paydesk) == (0, 0, 6)
    listen(paydesk)
    subscribe(paydesk, customer, 2)
    dry = paydesk.billing.run(TODAY, dry_run=True)
    assert dry.count == 6 and counts(paydesk) == (0, 0, 6)


def test_drafts_for_review_are_renewals_without_a_finalized_invoice(paydesk, customer) -> None:
    listen(paydesk)
    subscribe(paydesk, customer, auto_send=False)
    assert paydesk.billing.run(TODAY).count == 3
    assert events(paydesk, ev.INVOICE_FINALIZED) == []
    renewed = events(paydesk, ev.SUBSCRIPTION_RENEWED)
    assert len(renewed) == 3 and all(e[1]["invoice"] is None and e[2] is None for e in renewed)


def test_a_batch_that_rolls_back_leaves_no_event(paydesk, customer) -> None:
    listen(paydesk)
    subs = subscribe(paydesk, customer, 2)
    with pytest.raises(RuntimeError), paydesk.db.transaction() as conn:
        batch, last, pending = load_batch(conn, subs)
        next_day: dict[int, date | None] = {}
        planned = plan_batch(batch, last, pending, 7, TODAY, next_day=next_day)
        write_batch(conn, planned, TODAY, next_day)
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 12
        raise RuntimeError("killed after the batch was written, before it committed")
    assert counts(paydesk) == (0, 0, 0)


def test_a_run_stopped_between_batches_keeps_the_events_of_what_it_committed(paydesk, customer) -> None:
    listen(paydesk)
    subscribe(paydesk, customer, 5)
    billing = BillingService(paydesk.db, paydesk.today, batch_size=2)

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        billing.run(TODAY, progress=stop)
    assert counts(paydesk) == (12, 12, 6)  # one batch of two subscriptions: 6 invoices, 6 + 6 events
    billing.run(TODAY)
    assert counts(paydesk) == (30, 30, 15)
    with paydesk.db.reading() as conn:
        unmatched = conn.exec_driver_sql(
            "SELECT count(*) FROM invoices i WHERE (SELECT count(*) FROM events e WHERE e.invoice_id = i.id) != 2").scalar()
    assert unmatched == 0


def test_changes_settled_at_once_record_their_invoice_and_credit_note(paydesk, customer) -> None:
    [sub] = subscribe(paydesk, customer)
    paydesk.billing.run(TODAY)
    listen(paydesk)
    # Nov 21..30 of 30 days: 10.00 x 10/30 = 3.33 a seat; 3 more seats charged at once: 9.99 + 2.10 VAT = 12.09
    result = paydesk.subscriptions.change_plan(sub, TODAY, [PlanLine("Seat", D(6), D("10.00"), D(21))], settle=Settle.NOW)
    [invoice] = result.invoices
    assert invoice.total == D("12.09")
    assert [(e[0], e[2]) for e in events(paydesk)] == [(ev.INVOICE_FINALIZED, invoice.invoice_id)]  # no new period
    cancelled = paydesk.subscriptions.cancel(sub, date(2026, 11, 26), at_period_end=False)
    assert cancelled.credit_note is not None
    last = events(paydesk)[-1]
    assert last[0] == ev.INVOICE_FINALIZED and last[1]["invoice"]["number"] == cancelled.credit_note
    assert last[1]["invoice"]["kind"] == "credit_note"
    assert len(events(paydesk)) == 2
