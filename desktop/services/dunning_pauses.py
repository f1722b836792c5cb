"""Pausing reminders (a dispute, a promise to pay, a manual hold, a payment plan) for an invoice or
a whole customer, and the customer's reminder timeline where pauses show with their reasons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.dunning.inputs import Instalment, PaymentPlan
from desktop.domain.dunning.model import Pause, PauseKind
from desktop.domain.errors import NotFound, StateError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import round_money
from desktop.domain.states import COLLECTIBLE_STATES, InvoiceKind
from desktop.store import audit, dunning_collection, dunning_pauses, dunning_reminders
from desktop.store import events as event_store
from desktop.store import invoices as invoice_store
from desktop.store.database import Connection, Database

KIND_NAMES = {PauseKind.DISPUTE: "Dispute", PauseKind.PROMISE: "Promise to pay", PauseKind.PLAN: "Payment plan",
              PauseKind.HOLD: "Hold"}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a customer's reminder timeline, newest first when listed."""

    day: date
    kind: str  # "reminder", "pause", "pause_ended", "plan", "collection"
    title: str  # "First reminder for 2026-00042, 2026-00051"
    detail: str  # amounts, the reason of a pause, ...
    state: str = ""  # a reminder's delivery: queued, sending, sent, failed; a pause: active, ended
    ref_id: int | None = None  # the reminder, pause, plan or case id


class PauseService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    def add(self, customer_id: CustomerId, kind: PauseKind, reason: str, until: date | None = None,
            invoice_id: InvoiceId | None = None, starts_on: date | None = None) -> int:
        """Pause reminders for one invoice (or, ``invoice_id`` None, the whole customer) until ``until``
        (inclusive; None: until ended by hand). A promise to pay needs its date."""
        return self.add_many(customer_id, kind, reason, until, [invoice_id], starts_on)[0]

    def add_many(self, customer_id: CustomerId, kind: PauseKind, reason: str, until: date | None,
                 invoice_ids: Sequence[InvoiceId | None], starts_on: date | None = None) -> list[int]:
        """``add`` for several invoices (None: the whole customer) in one transaction: all or none."""
        problems: dict[str, str] = {}
        if not reason.strip():
            problems["reason"] = "Say why reminders stop (it is shown in the customer's timeline)."
        if kind is PauseKind.PROMISE and until is None:
            problems["until"] = "Enter the date the customer promised to pay by."
        if kind is PauseKind.PLAN:
            problems["kind"] = "A payment plan is made with its instalments (add_plan)."
        start = starts_on or self._today()
        if until is not None and until < start:
            problems["until"] = "The end can't be before the start."
        if problems:
            raise ValidationError(problems)
        pause_ids: list[int] = []
        with self._db.transaction() as conn:
            for invoice_id in dict.fromkeys(invoice_ids):
                pause = Pause(customer_id=customer_id, kind=kind, reason=reason.strip(), starts_on=start, until=until,
                              invoice_id=invoice_id)
                if invoice_id is not None:
                    _check_invoice(conn, customer_id, invoice_id)
                pause_id = dunning_pauses.insert_pause(conn, pause)
                audit.record(conn, "dunning.pause", "customer", customer_id,
                             f"Reminders paused ({KIND_NAMES[kind]}): {reason}")
                if kind is PauseKind.HOLD:
                    event_store.record_hold(conn, pause_id, customer_id, pause.reason, start, until, invoice_id)
                pause_ids.append(pause_id)
        return pause_ids

    def end(self, pause_id: int, on: date | None = None) -> None:
        """End a pause now (reminders resume from the next run)."""
        day = on or self._today()
        with self._db.transaction() as conn:
            pause = dunning_pauses.get_pause(conn, pause_id)
            if pause is None:
                raise NotFound(f"Pause {pause_id} does not exist.")
            if pause.ended_on is not None:
                raise StateError("This pause has ended already.")
            dunning_pauses.end_pause(conn, pause_id, day)
            audit.record(conn, "dunning.pause_ended", "customer", pause.customer_id,
                         f"Pause ended ({KIND_NAMES[pause.kind]}: {pause.reason})")

    def pauses(self, customer_id: CustomerId, active_only: bool = False) -> list[Pause]:
        with self._db.reading() as conn:
            found = dunning_pauses.pauses(conn, customer_id)
        return [p for p in found if p.active_on(self._today())] if active_only else found

    def add_plan(self, customer_id: CustomerId, invoice_ids: Sequence[InvoiceId],
                 instalments: Sequence[tuple[date, Decimal]], note: str = "") -> int:
        """Agree a payment plan: the invoices are paused, each instalment not paid in time gets a reminder.
        The instalments must add up to what is open on the invoices."""
        if not invoice_ids:
            raise ValidationError({"invoices": "Choose the invoices the plan pays."})
        if not instalments:
            raise ValidationError({"instalments": "Add at least one instalment."})
        with self._db.transaction() as conn:
            currencies = {_check_invoice(conn, customer_id, i) for i in invoice_ids}
            if len(currencies) != 1:
                raise ValidationError({"invoices": "A payment plan covers invoices in one currency."})
            currency = currencies.pop()
            amounts = [round_money(a, currency) for _, a in instalments]
            if any(a <= 0 for a in amounts):
                raise ValidationError({"instalments": "Each instalment needs an amount above zero."})
            open_total = dunning_pauses.total_open(conn, list(invoice_ids), currency)
            if sum(amounts, Decimal(0)) != open_total:
                raise ValidationError({"instalments": f"The instalments add up to {sum(amounts, Decimal(0))} {currency}, "
                                                      f"but {open_total} {currency} is open on the invoices."})
            start = self._today()
            plan = PaymentPlan(
                customer_id=customer_id, currency=currency, invoice_ids=tuple(invoice_ids),
                instalments=[Instalment(0, n, d, a) for n, ((d, _), a) in enumerate(zip(instalments, amounts, strict=True), 1)],
                settled_at_start=round_money(dunning_pauses.total_settled(conn, list(invoice_ids), currency), currency),
                starts_on=start, note=note.strip(),
            )
            plan_id = dunning_pauses.insert_plan(conn, plan)
            for invoice_id in invoice_ids:
                dunning_pauses.insert_pause(conn, Pause(customer_id, PauseKind.PLAN, note.strip() or "Payment plan", start,
                                                        invoice_id=invoice_id), plan_id=plan_id)
            audit.record(conn, "dunning.plan", "customer", customer_id,
                         f"Payment plan of {len(amounts)} instalments for {open_total} {currency} agreed")
            return plan_id

    def end_plan(self, plan_id: int) -> None:
        """End a plan (e.g. broken): its invoices are reminded again by the procedure."""
        with self._db.transaction() as conn:
            found = dunning_pauses.plans(conn, plan_id=plan_id)
            if not found:
                raise NotFound(f"Payment plan {plan_id} does not exist.")
            dunning_pauses.end_plan(conn, plan_id, self._today())
            audit.record(conn, "dunning.plan_ended", "customer", found[0].customer_id, "Payment plan ended")

    def plans(self, customer_id: CustomerId) -> list[PaymentPlan]:
        with self._db.reading() as conn:
            return dunning_pauses.plans(conn, customer_id)

    def timeline(self, customer_id: CustomerId) -> list[TimelineEntry]:
        """Reminders with their delivery state, pauses with reasons, plans and collection cases; newest first."""
        today = self._today()
        with self._db.reading() as conn:
            reminders = dunning_reminders.history(conn, customer_id)
            pauses = dunning_pauses.pauses(conn, customer_id)
            plans = dunning_pauses.plans(conn, customer_id)
            cases = dunning_collection.cases(conn, customer_id)
            numbers = invoice_store_numbers(conn, {p.invoice_id for p in pauses if p.invoice_id is not None})
        entries = [
            TimelineEntry(r.run_date, "reminder", f"{r.level_name} for {', '.join(r.invoices) or 'the payment plan'}",
                          _reminder_detail(r), r.delivery, r.id)
            for r in reminders
        ]
        for p in pauses:
            scope = f"invoice {numbers.get(p.invoice_id, p.invoice_id)}" if p.invoice_id is not None else "all invoices"
            until = f" until {p.until.isoformat()}" if p.until else ""
            entries.append(TimelineEntry(p.starts_on, "pause", f"{KIND_NAMES[p.kind]}: reminders paused for {scope}{until}",
                                         p.reason, "active" if p.active_on(today) else "ended", p.id))
            if p.ended_on is not None:
                entries.append(TimelineEntry(p.ended_on, "pause_ended", f"{KIND_NAMES[p.kind]} ended for {scope}", p.reason,
                                             "ended", p.id))
        for plan in plans:
            parts = ", ".join(f"{x.due_date.isoformat()} {x.amount}" for x in plan.instalments)
            entries.append(TimelineEntry(plan.starts_on, "plan", f"Payment plan in {len(plan.instalments)} instalments",
                                         f"{parts} {plan.currency}; {plan.note}".rstrip("; "),
                                         "ended" if plan.ended_on else "active", plan.id))
        for case in cases:
            entries.append(TimelineEntry(case.marked_on, "collection", "Handed over to collection",
                                         f"{case.open_amount} {case.currency} open", "closed" if case.closed_on else "open",
                                         case.id))
        entries.sort(key=lambda e: (e.day, e.kind, e.ref_id or 0, e.kind.endswith("_ended")), reverse=True)
        return entries


def _reminder_detail(r: dunning_reminders.ReminderRecord) -> str:
    parts = [f"{r.amount} {r.currency} asked"]
    if r.fee:
        parts.append(f"fee {r.fee}")
    if r.interest:
        parts.append(f"interest {r.interest}")
    parts.append(f"to {r.to}")
    return "; ".join(parts)


def invoice_store_numbers(conn: Connection, ids: set[InvoiceId]) -> dict[InvoiceId, str]:
    return {i: invoice_store.load(conn, i).number or str(i) for i in ids}


def _check_invoice(conn: Connection, customer_id: CustomerId, invoice_id: InvoiceId) -> str:
    """The invoice's currency, after checking it is the customer's and still open."""
    record = invoice_store.load(conn, invoice_id)
    if record.draft.customer_id != customer_id:
        raise ValidationError({"invoices": f"Invoice {record.number} belongs to another customer."})
    if record.draft.kind is not InvoiceKind.INVOICE or record.status not in COLLECTIBLE_STATES:
        raise StateError(f"Invoice {record.number or invoice_id} has nothing open to pause.")
    return record.draft.currency
