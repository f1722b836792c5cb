"""Dunning: procedures, the preview of a run on a date, and recording what a run sends.

``record`` writes the reminders and their outbox messages in one transaction: a run never records
a reminder without its message nor a message without its reminder, and running twice on one day
sends nothing twice (an invoice reaches each level once; the database refuses a second time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from desktop.domain.dunning.compute import Handover, compute
from desktop.domain.dunning.model import PlanStatus, Procedure, ReminderPlan
from desktop.domain.dunning.validation import procedure_problems
from desktop.domain.errors import NotFound, StateError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.store import audit, dunning_book, dunning_collection, dunning_procedures, dunning_reminders, settings
from desktop.store import outbox as outbox_store
from desktop.store.database import Connection, Database
from desktop.store.outbox import Composed

BANK_IMPORT_MAX_AGE = "dunning.bank_import_max_age_days"
INSTALMENT_GRACE = "dunning.instalment_grace_days"
DEFAULT_BANK_IMPORT_MAX_AGE = 3
DEFAULT_INSTALMENT_GRACE = 3
OUTBOX_KIND = "reminder"
CHANGED = "paid or changed since the preview"


@dataclass(slots=True)
class RunPreview:
    """What a run on ``run_date`` would send (``plans``, held-back ones included with their reason),
    which cases would go to collection, and warnings to show before anything is sent."""

    run_date: date
    plans: list[ReminderPlan]
    handovers: list[Handover] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def to_send(self) -> list[ReminderPlan]:
        return [p for p in self.plans if p.status is PlanStatus.PLANNED]


@dataclass(frozen=True, slots=True)
class CustomerDunning:
    procedure_id: int | None  # None: the default procedure
    excluded: bool


@dataclass(slots=True)
class RecordResult:
    reminder_ids: list[int]  # in the order of the plans recorded
    outbox_ids: list[int]
    skipped: list[ReminderPlan]  # already recorded (an earlier run today, another window), or paid or changed since
    case_ids: list[int]


class DunningService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # -- procedures -------------------------------------------------------------------------------

    def procedures(self) -> list[Procedure]:
        with self._db.reading() as conn:
            return list(dunning_procedures.load_all(conn).values())

    def procedure(self, procedure_id: int) -> Procedure:
        with self._db.reading() as conn:
            found = dunning_procedures.load_all(conn).get(procedure_id)
        if found is None:
            raise NotFound(f"Dunning procedure {procedure_id} does not exist.")
        return found

    def save_procedure(self, procedure: Procedure) -> int:
        """Insert or update (levels replaced, positions renumbered 1, 2, ...); raises ValidationError."""
        problems = procedure_problems(procedure)
        if problems:
            raise ValidationError(problems)
        with self._db.transaction() as conn:
            if dunning_procedures.name_taken(conn, procedure.name.strip(), procedure.id):
                raise ValidationError({"name": f"A procedure named '{procedure.name.strip()}' exists already."})
            procedure.name = procedure.name.strip()
            procedure_id = dunning_procedures.save(conn, procedure)
            audit.record(conn, "dunning.procedure", "procedure", procedure_id,
                         f"Dunning procedure '{procedure.name}' saved with {len(procedure.levels)} levels")
            return procedure_id

    def delete_procedure(self, procedure_id: int) -> None:
        with self._db.transaction() as conn:
            found = dunning_procedures.load_all(conn).get(procedure_id)
            if found is None:
                raise NotFound(f"Dunning procedure {procedure_id} does not exist.")
            if found.is_default:
                raise StateError("The default procedure can't be deleted: make another one the default first.")
            using = dunning_procedures.customers_using(conn, procedure_id)
            if using:
                raise StateError(f"'{found.name}' is used by {using} customer(s): give them another procedure first.")
            dunning_procedures.delete_procedure(conn, procedure_id)
            audit.record(conn, "dunning.procedure", "procedure", procedure_id, f"Dunning procedure '{found.name}' deleted")

    def customer_setting(self, customer_id: CustomerId) -> CustomerDunning:
        with self._db.reading() as conn:
            return CustomerDunning(*dunning_procedures.customer_setting(conn, customer_id))

    def set_customer(self, customer_id: CustomerId, procedure_id: int | None, excluded: bool) -> None:
        """Give a customer its own procedure (None: the default), or exclude it from reminders."""
        with self._db.transaction() as conn:
            if procedure_id is not None and procedure_id not in dunning_procedures.load_all(conn):
                raise NotFound(f"Dunning procedure {procedure_id} does not exist.")
            old = dunning_procedures.customer_setting(conn, customer_id)
            dunning_procedures.set_customer(conn, customer_id, procedure_id, excluded)
            audit.record(conn, "dunning.customer", "customer", customer_id,
                         "Excluded from reminders" if excluded else "Reminder procedure changed",
                         {"procedure_id": (old[0], procedure_id), "excluded": (old[1], excluded)})

    # -- settings ---------------------------------------------------------------------------------

    def bank_import_max_age_days(self) -> int:
        with self._db.reading() as conn:
            return int(settings.get(conn, BANK_IMPORT_MAX_AGE, DEFAULT_BANK_IMPORT_MAX_AGE))

    def set_bank_import_max_age_days(self, days: int) -> None:
        if days < 0:
            raise ValidationError({"days": "Enter 0 or more days."})
        with self._db.transaction() as conn:
            settings.put(conn, BANK_IMPORT_MAX_AGE, days)

    # -- the run ----------------------------------------------------------------------------------

    def preview(self, run_date: date | None = None) -> RunPreview:
        """What a run on ``run_date`` (default today) would send. Writes nothing."""
        run_date = run_date or self._today()
        with self._db.reading() as conn:
            book = dunning_book.load(conn, run_date)
            grace = int(settings.get(conn, INSTALMENT_GRACE, DEFAULT_INSTALMENT_GRACE))
            max_age = int(settings.get(conn, BANK_IMPORT_MAX_AGE, DEFAULT_BANK_IMPORT_MAX_AGE))
            last_import = dunning_book.last_bank_import(conn)
        result = compute(book, run_date, grace)
        warnings = _bank_warnings(last_import, run_date, max_age)
        return RunPreview(run_date, result.plans, result.handovers, warnings)

    def record(self, plans: Sequence[ReminderPlan], composed: Sequence[Composed], run_date: date | None = None,
               handovers: Sequence[Handover] = ()) -> RecordResult:
        """Record each plan (with status PLANNED) with its composed message, and hand ``handovers``
        over to collection, all in one transaction. ``composed[i]`` is the message of ``plans[i]``.

        A plan whose invoices reached its level meanwhile (an earlier run today) is skipped, not sent twice.
        The plans are computed again inside the transaction: a plan whose invoices were paid, changed (another
        open amount, a credit, a pause) or are no longer due for its level since the preview (a bank import or
        a pay link booked a payment meanwhile) is not recorded either: it is skipped with status HELD_BACK and
        the reason ``CHANGED``. Recorded plans get status QUEUED.
        """
        if len(plans) != len(composed):
            raise ValueError("one composed message per plan")
        run_date = run_date or self._today()
        result = RecordResult([], [], [], [])
        with self._db.transaction() as conn:
            reached = dunning_book.levels_reached(conn, [i.invoice_id for p in plans for i in p.invoices])
            reminded = dunning_book.reminded_instalments(conn)
            current = _current_plans(conn, run_date) if any(p.status is PlanStatus.PLANNED for p in plans) else {}
            changed: list[ReminderPlan] = []
            recorded: list[ReminderPlan] = []
            for plan, message in zip(plans, composed, strict=True):
                if plan.status is not PlanStatus.PLANNED:
                    continue
                if (plan.instalment_id is not None and plan.instalment_id in reminded) or (
                        plan.instalment_id is None
                        and any(reached.get(i.invoice_id, 0) >= plan.level.position for i in plan.invoices)):
                    result.skipped.append(plan)
                    continue
                now = current.get(plan_key(plan))
                if now is None or now.amount != plan.amount or now.credits != plan.credits:
                    changed.append(plan)
                    result.skipped.append(plan)
                    continue
                reminder_id = dunning_reminders.insert_reminder(conn, plan, run_date, message.message_id,
                                                                ", ".join(message.to), message.subject)
                result.outbox_ids.append(outbox_store.enqueue(conn, message, plan.customer_id, OUTBOX_KIND, reminder_id))
                result.reminder_ids.append(reminder_id)
                recorded.append(plan)
            audit.record_many(conn, [
                ("dunning.reminder", "customer", p.customer_id,
                 f"{p.level.name} for {', '.join(p.invoice_numbers)} queued: {p.amount} {p.currency}")
                for p in recorded
            ])
            for handover in handovers:
                case_id = dunning_collection.open_case(conn, handover, run_date)
                if case_id is not None:
                    result.case_ids.append(case_id)
                    audit.record(conn, "dunning.collection", "customer", handover.customer_id,
                                 f"{', '.join(handover.numbers)} handed over to collection "
                                 f"({handover.open_amount} {handover.currency} open)")
        for plan in recorded:
            plan.status = PlanStatus.QUEUED
        for plan in changed:
            plan.status = PlanStatus.HELD_BACK
            plan.reason = CHANGED
        return result

    def history(self, customer_id: CustomerId | None = None) -> list[dunning_reminders.ReminderRecord]:
        with self._db.reading() as conn:
            return dunning_reminders.history(conn, customer_id)


PlanKey = tuple[int, int, str, int | None, str, tuple[tuple[int, Decimal], ...]]


def plan_key(plan: ReminderPlan) -> PlanKey:
    """What must not have changed between the preview and recording: customer, level, instalment, currency,
    and each invoice with its open amount."""
    invoices = tuple(sorted((int(i.invoice_id), i.open_amount) for i in plan.invoices))
    return (int(plan.customer_id), plan.level.position, plan.level.template, plan.instalment_id, plan.currency, invoices)


def _current_plans(conn: Connection, run_date: date) -> dict[PlanKey, ReminderPlan]:
    """The plans a run on ``run_date`` would send now (in the recording transaction), by ``plan_key``."""
    grace = int(settings.get(conn, INSTALMENT_GRACE, DEFAULT_INSTALMENT_GRACE))
    plans = compute(dunning_book.load(conn, run_date), run_date, grace).plans
    return {plan_key(p): p for p in plans if p.status is PlanStatus.PLANNED}


def _bank_warnings(last_import: datetime | None, run_date: date, max_age: int) -> list[str]:
    if last_import is None:
        return ["No bank statement has been imported yet: payments that came in may not be booked, and their "
                "customers would be reminded. Import your latest statements first."]
    age = (run_date - last_import.astimezone(UTC).date()).days
    if age > max_age:
        return [f"The last bank statement was imported {age} days ago ({last_import.date().isoformat()}): payments "
                "since then are not booked, and their customers would be reminded. Import your latest statements first."]
    return []


def plan_total(plans: Sequence[ReminderPlan]) -> dict[str, Decimal]:
    """Total asked per currency (for a summary line)."""
    totals: dict[str, Decimal] = {}
    for plan in plans:
        totals[plan.currency] = totals.get(plan.currency, Decimal(0)) + plan.amount
    return totals
