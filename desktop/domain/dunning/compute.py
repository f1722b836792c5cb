"""What a dunning run sends on a date: pure computation over what the database holds.

One message per customer, level and currency, bundling that customer's invoices due for the level
(see ``schedule`` for when an invoice is due for a level). Open credits (unallocated payments and
credit notes) are netted against the customer's messages in that currency, the most advanced
level first. A message whose amount after credits is zero or below the procedure's minimum is not
sent (its invoices are considered again on the next run). Paused invoices, paused or excluded
customers and invoices handed over to collection get nothing. A message gets status HELD_BACK,
with the reason, when it has no email address or when an unbooked incoming payment may pay it.

After the final notice, once the procedure's ``handover_days`` have passed, the invoices still open
are handed over to collection (one ``Handover`` per customer and currency).

Payment plans: the plan's invoices are paused; an instalment still not paid ``grace`` days after its
date gets one reminder of its own (``ReminderPlan.instalment_id``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.dunning import charges
from desktop.domain.dunning.inputs import DunningCustomer, IncomingPayment, OpenInvoice, PaymentPlan
from desktop.domain.dunning.model import DueInvoice, Level, Pause, PlanStatus, Procedure, ReminderPlan
from desktop.domain.dunning.plausible import PaymentPool
from desktop.domain.dunning.schedule import final_level, next_level
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import round_money

INSTALMENT_LEVEL_POSITION = 0
NO_EMAIL = "the customer has no email address; add one on the customer's page"


def instalment_level(grace_days: int) -> Level:
    """The level an instalment reminder is sent with (not part of any procedure)."""
    return Level(position=INSTALMENT_LEVEL_POSITION, name="Instalment reminder", day_offset=grace_days,
                 template="reminder_1", attach_invoice=False)


@dataclass(slots=True)
class Handover:
    """Invoices of one customer and currency to hand over to collection."""

    customer_id: CustomerId
    customer_number: str
    customer_name: str
    currency: str
    procedure_id: int
    invoice_ids: list[InvoiceId]
    numbers: list[str]
    open_amount: Decimal
    final_sent_on: date


@dataclass(slots=True)
class DunningBook:
    """Everything the computation reads."""

    invoices: list[OpenInvoice]
    customers: dict[CustomerId, DunningCustomer]
    procedures: dict[int, Procedure]
    default_procedure_id: int | None
    credits: dict[tuple[CustomerId, str], Decimal] = field(default_factory=dict)
    pauses: list[Pause] = field(default_factory=list)
    plans: list[PaymentPlan] = field(default_factory=list)
    payments: list[IncomingPayment] = field(default_factory=list)


@dataclass(slots=True)
class Computation:
    plans: list[ReminderPlan]
    handovers: list[Handover]


def procedure_for(book: DunningBook, customer: DunningCustomer) -> Procedure | None:
    if customer.excluded:
        return None
    procedure_id = customer.procedure_id if customer.procedure_id in book.procedures else book.default_procedure_id
    return book.procedures.get(procedure_id) if procedure_id is not None else None


def _paused(pauses: list[Pause], run_date: date) -> tuple[set[CustomerId], set[InvoiceId]]:
    customers: set[CustomerId] = set()
    invoices: set[InvoiceId] = set()
    for pause in pauses:
        if pause.active_on(run_date):
            if pause.invoice_id is None:
                customers.add(pause.customer_id)
            else:
                invoices.add(pause.invoice_id)
    return customers, invoices


def compute(book: DunningBook, run_date: date, instalment_grace_days: int = 3) -> Computation:
    paused_customers, paused_invoices = _paused(book.pauses, run_date)
    in_plan = {i for plan in book.plans if plan.ended_on is None or plan.ended_on > run_date for i in plan.invoice_ids}
    levels = {pid: sorted(p.levels, key=lambda lv: lv.position) for pid, p in book.procedures.items()}
    groups: dict[tuple[CustomerId, int, str], list[tuple[OpenInvoice, Level]]] = defaultdict(list)
    handover: dict[tuple[CustomerId, str], list[OpenInvoice]] = defaultdict(list)
    for invoice in book.invoices:
        customer = book.customers.get(invoice.customer_id)
        if customer is None or invoice.in_collection or invoice.open_amount <= 0:
            continue
        if invoice.customer_id in paused_customers or invoice.invoice_id in paused_invoices or invoice.invoice_id in in_plan:
            continue
        procedure = procedure_for(book, customer)
        if procedure is None or procedure.id is None:
            continue
        ordered = levels[procedure.id]
        final = final_level(ordered)
        if final is not None and invoice.last_position >= final.position:
            if invoice.last_sent_on is not None and run_date >= invoice.last_sent_on + timedelta(days=procedure.handover_days):
                handover[(invoice.customer_id, invoice.currency)].append(invoice)
            continue
        level = next_level(ordered, invoice, run_date)
        if level is not None:
            groups[(invoice.customer_id, level.position, invoice.currency)].append((invoice, level))

    plans = [_plan(book, run_date, key, items) for key, items in groups.items()]
    _net_credits(plans, book.credits)
    plans = [p for p in plans if _worth_sending(p, book)]
    plans.extend(_instalment_plans(book, run_date, instalment_grace_days, paused_customers))
    _hold_back(plans, book)
    plans.sort(key=lambda p: (p.customer_number, p.currency, p.level.position, p.instalment_id or 0))
    handovers = [_handover(book, run_date, key, items) for key, items in sorted(handover.items())]
    return Computation(plans, handovers)


def _due_invoice(invoice: OpenInvoice, run_date: date, level: Level) -> DueInvoice:
    overdue = (run_date - invoice.due_date).days
    return DueInvoice(
        invoice_id=invoice.invoice_id, number=invoice.number, issue_date=invoice.issue_date, due_date=invoice.due_date,
        total=invoice.total, open_amount=invoice.open_amount, days_overdue=overdue,
        interest=charges.interest(invoice.open_amount, level.interest_rate, overdue, invoice.currency),
    )


def _plan(book: DunningBook, run_date: date, key: tuple[CustomerId, int, str],
          items: list[tuple[OpenInvoice, Level]]) -> ReminderPlan:
    customer_id, _, currency = key
    customer = book.customers[customer_id]
    level = items[0][1]
    procedure = procedure_for(book, customer)
    assert procedure is not None and procedure.id is not None
    items.sort(key=lambda item: (item[0].due_date, item[0].number))
    return ReminderPlan(
        customer_id=customer_id, customer_number=customer.number, customer_name=customer.name, language=customer.language,
        country=customer.country, emails=list(customer.emails), currency=currency, level=level, procedure_id=procedure.id,
        invoices=[_due_invoice(invoice, run_date, level) for invoice, _ in items], fee=charges.fee(level.fee, currency),
    )


def _net_credits(plans: list[ReminderPlan], credits: dict[tuple[CustomerId, str], Decimal]) -> None:
    left = dict(credits)
    for plan in sorted(plans, key=lambda p: -p.level.position):
        available = left.get((plan.customer_id, plan.currency), Decimal(0))
        if available > 0:
            used = min(available, plan.open_amount)
            plan.credits = used
            left[(plan.customer_id, plan.currency)] = available - used


def _worth_sending(plan: ReminderPlan, book: DunningBook) -> bool:
    owed = plan.open_amount - plan.credits
    if owed <= 0:
        return False
    procedure = book.procedures.get(plan.procedure_id)
    return procedure is None or owed >= procedure.minimum_amount


def _instalment_plans(book: DunningBook, run_date: date, grace: int, paused: set[CustomerId]) -> list[ReminderPlan]:
    found: list[ReminderPlan] = []
    open_by_id = {i.invoice_id: i for i in book.invoices}
    level = instalment_level(grace)
    for plan in book.plans:
        customer = book.customers.get(plan.customer_id)
        if (customer is None or plan.id is None or plan.customer_id in paused or run_date < plan.starts_on
                or (plan.ended_on is not None and plan.ended_on <= run_date)):
            continue
        procedure = procedure_for(book, customer)
        if procedure is None or procedure.id is None:
            continue
        invoices = [open_by_id[i] for i in plan.invoice_ids if i in open_by_id]
        if not invoices:
            continue  # everything paid
        due_total = Decimal(0)
        for instalment in sorted(plan.instalments, key=lambda x: x.position):
            due_total += instalment.amount
            if run_date < instalment.due_date + timedelta(days=grace):
                break
            missing = min(due_total - plan.paid, instalment.amount)
            if missing <= 0 or instalment.id in plan.reminded:
                continue
            found.append(ReminderPlan(
                customer_id=plan.customer_id, customer_number=customer.number, customer_name=customer.name,
                language=customer.language, country=customer.country, emails=list(customer.emails), currency=plan.currency,
                level=level, procedure_id=procedure.id,
                invoices=[_due_invoice(i, run_date, level) for i in invoices], instalment_id=instalment.id,
                instalment_amount=round_money(missing, plan.currency), instalment_due_date=instalment.due_date,
            ))
            for due in found[-1].invoices:
                due.interest = Decimal(0)
    return found


def _hold_back(plans: list[ReminderPlan], book: DunningBook) -> None:
    pool = PaymentPool(book.payments)
    references = {i.number: i.reference for i in book.invoices if i.reference} if pool else {}
    for plan in plans:
        if not plan.emails:
            plan.status, plan.reason = PlanStatus.HELD_BACK, NO_EMAIL
            continue
        if pool:
            reason = pool.hold_back_reason(plan, book.customers[plan.customer_id], references)
            if reason:
                plan.status, plan.reason = PlanStatus.HELD_BACK, reason


def _handover(book: DunningBook, run_date: date, key: tuple[CustomerId, str], items: list[OpenInvoice]) -> Handover:
    customer = book.customers[key[0]]
    procedure = procedure_for(book, customer)
    items.sort(key=lambda i: (i.due_date, i.number))
    return Handover(
        customer_id=key[0], customer_number=customer.number, customer_name=customer.name, currency=key[1],
        procedure_id=procedure.id if procedure and procedure.id is not None else 0,
        invoice_ids=[i.invoice_id for i in items], numbers=[i.number for i in items],
        open_amount=sum((i.open_amount for i in items), Decimal(0)),
        final_sent_on=max(i.last_sent_on or run_date for i in items),
    )
