"""The quiet background jobs: due outbox messages are delivered to a real SMTP server without any
dialog, nothing starts while email is not set up, while the user sends a run, or while a job runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.documents.email_message import Sender, build_message
from desktop.gateways.smtp import Security
from desktop.services.mail_settings import MailSettings
from desktop.services.paydesk import Paydesk
from desktop.store import outbox as outbox_store
from desktop.ui.background_jobs import BackgroundJobs
from tests.mail_server import MailServer


@pytest.fixture
def server(tmp_path) -> Iterator[MailServer]:
    with MailServer("plain", tmp_path, login=False) as running:
        yield running


def enqueue(paydesk: Paydesk, customer: int) -> None:
    with paydesk.db.transaction() as conn:
        composed = build_message(Sender("billing@example.com"), ["client@example.org"], "Reminder", "Please pay.", "")
        outbox_store.enqueue(conn, composed, customer, "reminder")


@pytest.fixture
def jobs(qtbot, paydesk: Paydesk) -> Iterator[BackgroundJobs]:
    busy = {"now": False}
    running = BackgroundJobs(paydesk, busy=lambda: busy["now"])
    running.busy_flag = busy  # type: ignore[attr-defined]
    yield running
    running.stop()


def test_delivers_due_messages_quietly(qtbot, paydesk: Paydesk, customer, server: MailServer, jobs: BackgroundJobs) -> None:
    enqueue(paydesk, customer)
    assert not jobs.deliver_now()  # email not set up: nothing starts, nothing is reported
    paydesk.mail_settings.save(MailSettings("127.0.0.1", server.port, Security.NONE, "", "Billing", "billing@example.com"))
    jobs.busy_flag["now"] = True  # the user is sending a run
    assert not jobs.deliver_now()
    jobs.busy_flag["now"] = False
    notes: list[str] = []
    jobs.status.connect(notes.append)
    with qtbot.waitSignal(jobs.delivered, timeout=20_000):
        assert jobs.deliver_now()
        assert not jobs.deliver_now()  # never two at once
    assert len(server.received) == 1 and notes == ["1 reminders sent"]
    assert jobs.running == ""


def test_delivery_problems_go_to_the_problem_signal(qtbot, paydesk: Paydesk, customer, server: MailServer,
                                                    jobs: BackgroundJobs) -> None:
    server.handler.rcpt_reply = "550 5.1.1 No such user"
    paydesk.mail_settings.save(MailSettings("127.0.0.1", server.port, Security.NONE, "", "Billing", "billing@example.com"))
    enqueue(paydesk, customer)
    problems: list[str] = []
    jobs.problem.connect(problems.append)
    with qtbot.waitSignal(jobs.delivered, timeout=20_000):
        jobs.deliver_now()
    assert len(problems) == 1 and "No such user" in problems[0]


def test_pay_links_are_not_polled_without_a_provider(paydesk: Paydesk, jobs: BackgroundJobs) -> None:
    assert not jobs.poll_now()


def test_timers(jobs: BackgroundJobs) -> None:
    jobs.start()
    assert jobs.deliver_timer.interval() == 60_000 and jobs.poll_timer.interval() == 15 * 60_000
    assert jobs.first_poll.isActive() and jobs.first_poll.interval() == 10_000
    jobs.stop()
    assert not jobs.deliver_timer.isActive() and not jobs.first_poll.isActive()


def test_the_billing_runs_emails_are_composed_and_sent_in_the_background(qtbot, paydesk: Paydesk, customer,
                                                                         server: MailServer, jobs: BackgroundJobs) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from desktop.domain.subscriptions import PlanLine, Subscription
    from tests.conftest import TODAY

    paydesk.subscriptions.save(Subscription.new(customer, "Hosting", "EUR", TODAY + timedelta(days=3),
                                                [PlanLine("Hosting", Decimal(1), Decimal("50.00"), Decimal(21))]))
    made = paydesk.billing.run(TODAY)
    assert made.count == 1 and paydesk.invoice_mail.pending_count() == 1
    paydesk.mail_settings.save(MailSettings("127.0.0.1", server.port, Security.NONE, "", "Billing", "billing@example.com"))
    with qtbot.waitSignal(jobs.delivered, timeout=20_000):
        assert jobs.deliver_now()
    assert paydesk.invoice_mail.pending_count() == 0 and len(server.received) == 1
    assert made.invoices[0].number in server.received[0].data.decode("utf-8", "replace")
