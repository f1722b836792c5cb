"""DunningService and PauseService on a real database: preview, record in one transaction, pauses,
procedures, customer settings, timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.documents.email_message import ComposedEmail, Sender, build_message
from desktop.domain.dunning.model import Level, PauseKind, PlanStatus, Procedure, ReminderPlan
from desktop.domain.errors import StateError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.dunning import DunningService
from desktop.services.dunning_pauses import PauseService
from desktop.services.paydesk import Paydesk

TODAY = date(2026, 11, 21)  # make_invoice's default due date is TODAY - 10


def composed(plan: ReminderPlan, n: int = 0) -> ComposedEmail:
    return build_message(Sender("billing@paydesk-demo.example", "Demo"), plan.emails, f"{plan.level.name} {n}",
                         "Please pay.", "", message_id=f"<run-{plan.customer_number}-{plan.level.position}-{n}@test>")


def count(paydesk: Paydesk, table: str) -> int:
    with paydesk.db.reading() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


@pytest.fixture
def dunning(paydesk: Paydesk) -> DunningService:
    return DunningService(paydesk.db, paydesk.today)


@pytest.fixture
def pauses(paydesk: Paydesk) -> PauseService:
    return PauseService(paydesk.db, paydesk.today)


def test_default_procedure_is_seeded(dunning: DunningService) -> None:
    [standard] = dunning.procedures()
    assert standard.is_default
    assert [(lv.day_offset, lv.template, lv.attach_letter, lv.final) for lv in standard.levels] == [
        (-7, "friendly", False, False), (2, "reminder_1", False, False), (18, "reminder_2", True, False),
        (34, "final", True, True)]


def test_preview_warns_without_bank_import_and_bundles(dunning: DunningService, make_invoice, customer) -> None:
    make_invoice("100.00")
    make_invoice("50.00")
    preview = dunning.preview(TODAY)
    assert any("No bank statement" in w for w in preview.warnings)
    [plan] = preview.plans
    assert plan.level.template == "reminder_1"
    assert plan.amount == Decimal("181.50")  # 121.00 + 60.50 with 21 % VAT
    assert plan.emails == ["cuentas@garcia.example"]
    assert plan.status is PlanStatus.PLANNED


def test_record_is_one_transaction_and_never_twice(paydesk: Paydesk, dunning: DunningService, make_invoice) -> None:
    make_invoice("100.00")
    preview = dunning.preview(TODAY)
    result = dunning.record(preview.plans, [composed(p) for p in preview.plans], TODAY)
    assert len(result.reminder_ids) == 1 and len(result.outbox_ids) == 1
    assert preview.plans[0].status is PlanStatus.QUEUED
    assert (count(paydesk, "reminders"), count(paydesk, "reminder_invoices"), count(paydesk, "outbox")) == (1, 1, 1)
    assert dunning.preview(TODAY).plans == []  # the same day again: nothing
    preview.plans[0].status = PlanStatus.PLANNED  # as a stale preview in a second window would have it
    again = dunning.record(preview.plans, [composed(p, 1) for p in preview.plans], TODAY)
    assert again.reminder_ids == [] and len(again.skipped) == 1
    assert count(paydesk, "outbox") == 1
    [record] = dunning.history()
    assert record.delivery == "queued" and record.invoices == (paydesk.invoices.all_summaries()[0].number,)


def test_a_failing_message_rolls_back_the_whole_run(paydesk: Paydesk, dunning: DunningService, make_invoice,
                                                     russian_customer: CustomerId) -> None:
    make_invoice("100.00")
    make_invoice("80.00", customer_id=russian_customer)
    preview = dunning.preview(TODAY)
    assert len(preview.plans) == 2
    same_id = [composed(preview.plans[0]), composed(preview.plans[0])]  # one Message-ID twice: the outbox refuses
    with pytest.raises(Exception, match="UNIQUE"):
        dunning.record(preview.plans, same_id, TODAY)
    assert (count(paydesk, "reminders"), count(paydesk, "outbox")) == (0, 0)
    assert len(dunning.preview(TODAY).plans) == 2


def test_paid_invoice_gets_nothing_and_credit_is_netted(paydesk: Paydesk, dunning: DunningService, make_invoice,
                                                        customer: CustomerId) -> None:
    paid = make_invoice("100.00")
    make_invoice("200.00")
    paydesk.payments.record(PaymentInput(customer, TODAY, Decimal("121.00"), "EUR",
                                         allocations=[Allocation(paid, Decimal("121.00"))]))
    paydesk.payments.record(PaymentInput(customer, TODAY, Decimal("42.00"), "EUR"))  # credit, unallocated
    [plan] = dunning.preview(TODAY).plans
    assert len(plan.invoices) == 1 and plan.invoices[0].open_amount == Decimal("242.00")
    assert plan.credits == Decimal("42.00") and plan.amount == Decimal("200.00")


def test_pauses_and_their_timeline(dunning: DunningService, pauses: PauseService, make_invoice, customer) -> None:
    invoice = make_invoice("100.00")
    with pytest.raises(ValidationError) as error:
        pauses.add(customer, PauseKind.PROMISE, "will pay", until=None)
    assert set(error.value.fields) == {"until"}
    pause_id = pauses.add(customer, PauseKind.DISPUTE, "Quantity disputed", invoice_id=invoice)
    assert dunning.preview(TODAY).plans == []
    pauses.end(pause_id)
    with pytest.raises(StateError):
        pauses.end(pause_id)
    assert len(dunning.preview(TODAY).plans) == 1
    pauses.add(customer, PauseKind.PROMISE, "Pays on the 30th", until=TODAY + timedelta(days=9))
    assert dunning.preview(TODAY + timedelta(days=9)).plans == []
    assert len(dunning.preview(TODAY + timedelta(days=10)).plans) == 1
    entries = pauses.timeline(customer)
    assert [(e.kind, e.detail) for e in entries if e.kind.startswith("pause")] == [
        ("pause_ended", "Quantity disputed"), ("pause", "Pays on the 30th"), ("pause", "Quantity disputed")]


def test_payment_plan(paydesk: Paydesk, dunning: DunningService, pauses: PauseService, make_invoice, customer) -> None:
    invoice = make_invoice("100.00")  # 121.00 open
    with pytest.raises(ValidationError):
        pauses.add_plan(customer, [invoice], [(TODAY + timedelta(days=5), Decimal("100"))])
    plan_id = pauses.add_plan(customer, [invoice], [(TODAY + timedelta(days=5), Decimal("60.50")),
                                                    (TODAY + timedelta(days=35), Decimal("60.50"))], note="Two halves")
    assert dunning.preview(TODAY).plans == []
    [late] = dunning.preview(TODAY + timedelta(days=8)).plans
    assert late.instalment_id is not None and late.amount == Decimal("60.50")
    dunning.record([late], [composed(late)], TODAY + timedelta(days=8))
    assert dunning.preview(TODAY + timedelta(days=9)).plans == []  # each instalment is reminded once
    assert any(e.kind == "plan" for e in pauses.timeline(customer))
    pauses.end_plan(plan_id)
    assert dunning.preview(TODAY + timedelta(days=9)).plans[0].instalment_id is None  # back to the procedure


def test_procedures_and_customer_settings(dunning: DunningService, make_invoice, customer) -> None:
    make_invoice("100.00")
    gentle = Procedure("Gentle", [Level(1, "Late", 20, "reminder_1", fee=Decimal("7.5")),
                                  Level(2, "Final", 40, "final", final=True)], minimum_amount=Decimal("5"))
    gentle_id = dunning.save_procedure(gentle)
    with pytest.raises(ValidationError):
        dunning.save_procedure(Procedure("Gentle", [Level(1, "x", 1, "reminder_1")]))
    dunning.set_customer(customer, gentle_id, excluded=False)
    assert dunning.preview(TODAY).plans == []  # 10 days overdue, the gentle procedure waits 20
    [plan] = dunning.preview(TODAY + timedelta(days=10)).plans
    assert plan.fee == Decimal("7.50") and plan.procedure_id == gentle_id
    with pytest.raises(StateError):
        dunning.delete_procedure(gentle_id)
    dunning.set_customer(customer, None, excluded=True)
    assert dunning.preview(TODAY + timedelta(days=10)).plans == []
    assert dunning.customer_setting(customer).excluded
    dunning.set_customer(customer, None, excluded=False)
    dunning.delete_procedure(gentle_id)
    assert [p.name for p in dunning.procedures()] == ["Standard"]


def test_bank_import_age_setting(dunning: DunningService) -> None:
    assert dunning.bank_import_max_age_days() == 3
    dunning.set_bank_import_max_age_days(7)
    assert dunning.bank_import_max_age_days() == 7


def test_pausing_several_invoices_is_all_or_nothing(pauses: PauseService, make_invoice, customer) -> None:
    first, second = make_invoice("100.00"), make_invoice("50.00")
    draft = make_invoice("10.00", finalize=False)
    with pytest.raises(StateError):
        pauses.add_many(customer, PauseKind.DISPUTE, "Goods damaged", None, [first, second, draft])
    assert pauses.pauses(customer) == []
    ids = pauses.add_many(customer, PauseKind.DISPUTE, "Goods damaged", None, [first, second])
    assert len(ids) == 2 and {p.invoice_id for p in pauses.pauses(customer)} == {first, second}
