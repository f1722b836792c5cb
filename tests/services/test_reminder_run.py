"""A reminder run end to end on a real database: prepare (templates, PDFs, letter), send (record +
outbox), dry runs that write nothing, held-back messages."""

from __future__ import annotations

import email
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.domain.dunning.model import PlanStatus
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.services.dunning import DunningService
from desktop.services.mail_settings import MailSettingsService
from desktop.services.paydesk import Paydesk
from desktop.services.reminder_run import ReminderRun
from desktop.services.templates import TemplateService

TODAY = date(2026, 11, 21)


def make_run(paydesk: Paydesk, workers: int = 1) -> ReminderRun:
    dunning = DunningService(paydesk.db, paydesk.today)
    return ReminderRun(paydesk.db, dunning, paydesk.documents, TemplateService(paydesk.db, paydesk.today),
                       MailSettingsService(paydesk.db, paydesk.secrets if hasattr(paydesk, "secrets") else _secrets()),
                       today=paydesk.today, workers=workers)


def _secrets():  # until the facade holds one
    from desktop.services.secrets import SecretStore

    return SecretStore()


def rows(paydesk: Paydesk, table: str) -> int:
    with paydesk.db.reading() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def test_prepare_composes_each_message_with_its_pdfs(paydesk: Paydesk, make_invoice, russian_customer: CustomerId) -> None:
    make_invoice("70.00", customer_id=russian_customer, issue=TODAY - timedelta(days=60))  # due 30 days ago
    make_invoice("100.00")
    make_invoice("40.00")
    run = make_run(paydesk)
    prepared = run.prepare(TODAY)
    assert rows(paydesk, "reminders") == 0  # preparing writes nothing
    by_customer = {m.plan.customer_number: m for m in prepared.messages}
    spanish = by_customer["1001"]
    assert spanish.plan.level.template == "reminder_1" and spanish.email is not None
    message = email.message_from_bytes(spanish.email.raw)
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert sorted(names) == sorted(f"{n.replace('/', '_')}.pdf" for n in spanish.plan.invoice_numbers)
    assert spanish.to == "cuentas@garcia.example"
    russian = by_customer["2001"]
    assert russian.email is not None
    files = [p.get_filename() for p in email.message_from_bytes(russian.email.raw).walk() if p.get_filename()]
    assert len(files) == 1  # reminder_1 (30 days late, first reminder): invoice only, no letter


def test_send_records_and_queues_once(paydesk: Paydesk, make_invoice) -> None:
    make_invoice("100.00")
    run = make_run(paydesk)
    with pytest.raises(PaydeskError, match="email server"):
        run.send(run.prepare(TODAY))
    assert rows(paydesk, "reminders") == 0
    report = run.send(run.prepare(TODAY), deliver=False)
    assert len(report.recorded.reminder_ids) == 1
    assert report.count(PlanStatus.QUEUED) == 1
    assert (rows(paydesk, "reminders"), rows(paydesk, "outbox")) == (1, 1)
    assert run.prepare(TODAY).messages == []
    dry = run.prepare(TODAY, complete=False)
    with pytest.raises(PaydeskError, match="dry run"):
        run.send(dry, deliver=False)


def test_dry_run_writes_nothing_and_has_subjects(paydesk: Paydesk, make_invoice) -> None:
    make_invoice("100.00")
    prepared = make_run(paydesk).prepare(TODAY, complete=False)
    [message] = prepared.messages
    assert message.subject and message.email is not None and message.email.attachments == []
    assert (rows(paydesk, "reminders"), rows(paydesk, "outbox"), rows(paydesk, "pay_links")) == (0, 0, 0)


def test_worker_processes_give_the_same_messages(paydesk: Paydesk, make_invoice, customer: CustomerId) -> None:
    from desktop.domain.customer import Customer

    for n in range(10):
        other = paydesk.customers.save(Customer(number=f"30{n:02}", name=f"Firma {n} AB", emails=[f"f{n}@example.se"],
                                                country="SE", language="sv"))
        make_invoice("10.00", customer_id=other)
    prepared = make_run(paydesk, workers=2).prepare(TODAY)
    assert len(prepared.messages) == 10
    assert all(m.email is not None and m.email.attachments for m in prepared.messages)
    assert sum((m.plan.amount for m in prepared.messages), Decimal(0)) == Decimal("121.00")
