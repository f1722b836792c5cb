"""The demo's recent past, replayed day by day: payments on their dates and weekly reminder runs
between them, so that reminded invoices are paid after some levels and others are still open at
the level they reached.

Each run goes through the real services: ``DunningService.preview`` on the past day, the messages
composed by the reminder run as a quick dry run (without PDFs or pay links, which would make the
demo slow), ``DunningService.record`` on that day, and the outbox messages marked sent through the
outbox store, as a delivery does (the demo has no mail server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.dunning.model import PlanStatus, ReminderPlan
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.services.reminder_run import ReminderRun, reminder_run_for
from desktop.store import events as event_store
from desktop.store import outbox as outbox_store
from desktop.store.types import utcnow

RUN_EVERY_DAYS = 7
FIRST_RUN_DAYS_AGO = 49  # the first weekly run; the last one is a week ago (today's run is still to do)

PAYMENT, DESK, RUN = 0, 1, 2  # what happens first on one day: payments come in, then the desk works, then the run


@dataclass(frozen=True, slots=True)
class Happening:
    day: date
    order: int  # PAYMENT, DESK or RUN
    act: Callable[[], None]


def weekly_run_days(today: date) -> list[date]:
    """The days of the weekly runs: 49 days ago, then every 7 days up to a week ago."""
    return [today - timedelta(days=days) for days in range(FIRST_RUN_DAYS_AGO, 0, -RUN_EVERY_DAYS)]


def replay(happenings: Iterable[Happening]) -> None:
    """Do everything in the order of the days (payments, then the desk's work, then the run on each day)."""
    for happening in sorted(happenings, key=lambda h: (h.day, h.order)):  # stable: same-day ones keep their order
        happening.act()


def composer(paydesk: Paydesk) -> ReminderRun:
    """The facade's reminder run composing in this process (a few hundred small messages need no workers)."""
    return reminder_run_for(paydesk, workers=1)


def run_on(paydesk: Paydesk, run: ReminderRun, day: date, keep: Callable[[ReminderPlan], bool] | None = None,
           hand_over: set[CustomerId] | None = None) -> int:
    """A reminder run on a past ``day``: everything due (or the messages ``keep`` keeps), recorded on that day and
    marked sent; cases are handed over to collection only for the customers in ``hand_over``. Returns the
    number of reminders recorded."""
    preview = paydesk.dunning.preview(day)
    if keep is not None:
        preview.plans = [p for p in preview.plans if keep(p)]
    preview.handovers = [h for h in preview.handovers if h.customer_id in (hand_over or set())]
    prepared = run.prepare(preview=preview, complete=False)
    ready = [m for m in prepared.messages if m.email is not None and m.plan.status is PlanStatus.PLANNED]
    recorded = paydesk.dunning.record([m.plan for m in ready], [m.email for m in ready if m.email is not None], day,
                                      preview.handovers)
    mark_sent(paydesk, recorded.outbox_ids)
    return len(recorded.reminder_ids)


def mark_sent(paydesk: Paydesk, outbox_ids: list[int]) -> None:
    """The messages as delivered: taken and marked sent the way a delivery does, without a mail server."""
    now = utcnow()
    with paydesk.db.transaction() as conn:
        for outbox_id in outbox_ids:
            taken = outbox_store.claim(conn, outbox_id, now, now + timedelta(minutes=5)) is not None
            if taken and outbox_store.mark_sent(conn, outbox_id):
                event_store.message_sent(conn, outbox_id)
