"""The Reminders page on a real database and a real SMTP server (aiosmtpd on 127.0.0.1): the run
preview, the exact email of a message, sending with progress and cancel, email not set up, the
outbox (retry, deliver, save) and collection cases (export, close)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes

import pytest
from PySide6.QtWidgets import QWidget
from sqlalchemy import text

from desktop.domain.customer import Customer
from desktop.domain.dunning.model import PlanStatus
from desktop.gateways.smtp import Security
from desktop.services.dunning import DunningService
from desktop.services.mail_settings import MailSettings
from desktop.services.paydesk import Paydesk
from desktop.ui.mail_settings_dialog import MailSettingsDialog
from desktop.ui.reminders_view import RemindersView
from desktop.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.mail_server import MailServer
from tests.services.test_collection import run_until_handover
from tests.ui.message_recorder import Messages, record_messages


@pytest.fixture
def shown(monkeypatch) -> Messages:
    return record_messages(monkeypatch)


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    problems: list[BaseException] = []
    runner = TaskRunner(owner, problems.append)
    yield runner
    runner.wait()
    assert not problems


@pytest.fixture
def page(qtbot, paydesk: Paydesk, tasks: TaskRunner, shown: Messages) -> Iterator[RemindersView]:
    view = RemindersView(paydesk, tasks, background=False)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    yield view
    view.shutdown()
    tasks.wait()


@pytest.fixture
def two_due(paydesk: Paydesk, make_invoice, russian_customer) -> None:
    """García: one invoice 10 days overdue; the Russian customer: two, 30 and 10 days overdue (EUR)."""
    make_invoice("70.00", customer_id=russian_customer, issue=TODAY - timedelta(days=60))
    make_invoice("100.00")
    make_invoice("40.00", customer_id=russian_customer)


@pytest.fixture
def server(tmp_path) -> Iterator[MailServer]:
    with MailServer("plain", tmp_path, login=False) as running:
        yield running


def set_up_mail(paydesk: Paydesk, server: MailServer) -> None:
    paydesk.mail_settings.save(MailSettings("127.0.0.1", server.port, Security.NONE, "", "Billing", "billing@example.com"))


def count(paydesk: Paydesk, table: str) -> int:
    with paydesk.db.reading() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def preview(qtbot, page: RemindersView) -> None:
    with qtbot.waitSignal(page.run.model.modelReset, timeout=20_000):
        page.run.preview_run()


def cell(page: RemindersView, row: int, column: int) -> str:
    model = page.run.model
    return model.data(model.index(row, column))


def test_preview_lists_the_due_messages_with_a_warning(qtbot, page: RemindersView, two_due) -> None:
    run = page.run
    assert run.pages.currentIndex() == 1 and "Preview run" in run.hint.text()
    preview(qtbot, page)
    assert run.model.rowCount() == 2
    rows = {cell(page, r, 0): r for r in range(2)}
    garcia = rows["1001 García y Asociados S.L."]
    assert cell(page, garcia, 1) == "First reminder"
    assert cell(page, garcia, 3) == "121.00 EUR"
    assert cell(page, garcia, 4) == "cuentas@garcia.example"
    assert cell(page, garcia, 5) == "Planned"
    russian = rows["2001 ООО «Северный ветер»"]
    assert len(cell(page, russian, 2).split(", ")) == 2  # both invoices in one message
    assert run.count_label.text() == "2 messages to send"
    assert not run.banner.isHidden() and "No bank statement has been imported" in run.banner_text.text()
    assert run.send_button.isEnabled()


def test_nothing_due_shows_a_hint(qtbot, page: RemindersView, make_invoice) -> None:
    make_invoice("100.00", issue=TODAY)  # due in 30 days
    preview(qtbot, page)
    assert page.run.pages.currentIndex() == 1
    assert "No reminders are due on" in page.run.hint.text()
    assert not page.run.send_button.isEnabled()


def test_held_back_message_shows_its_reason(qtbot, page: RemindersView, paydesk: Paydesk, make_invoice, customer) -> None:
    make_invoice("100.00")
    paydesk.customers.save(Customer(number="1002", name="Other GmbH", emails=["ap@other.example"], country="DE",
                                    language="en"))
    from tests.ui.test_bank_view import import_camt, tx

    import_camt(paydesk, tx("121.00", name="Somebody", text="payment"))
    preview(qtbot, page)
    [plan] = page.run.model.rows
    assert plan.status is PlanStatus.HELD_BACK
    assert cell(page, 0, 5).startswith("Held back: ") and plan.reason in cell(page, 0, 5)
    assert page.run.count_label.text() == "1 held back"
    assert "Held back, not sent" in page.run.email.note.text()


def test_selected_message_shows_the_exact_email(qtbot, page: RemindersView, two_due) -> None:
    preview(qtbot, page)
    run = page.run
    garcia = next(r for r in range(2) if cell(page, r, 0).startswith("1001"))
    run.table.selectRow(garcia)
    qtbot.waitUntil(lambda: run.email.parts is not None, timeout=20_000)
    parts = run.email.parts
    assert parts is not None
    assert run.email.to.text() == "cuentas@garcia.example"
    assert run.email.subject.text() == parts.subject and parts.subject
    plan = run.model.rows[garcia]
    assert plan.invoice_numbers[0] in parts.text
    assert plan.invoice_numbers[0] in run.email.html.toPlainText()
    assert [a.name for a in parts.attachments] == [f"{plan.invoice_numbers[0].replace('/', '_')}.pdf"]
    assert parts.images and all(f"cid:{cid}" in parts.html for cid in parts.images)  # the EPC QR code, inline
    assert run.email.tabs.tabText(2) == "Attachments (1)"
    opened = []
    run.email.open_url = opened.append
    run.email.open_button.click()
    [path] = run.email.opened
    assert path.read_bytes().startswith(b"%PDF") and opened[0].toLocalFile() == str(path)
    assert count(page._paydesk, "reminders") == 0 and count(page._paydesk, "outbox") == 0  # previewing writes nothing


def test_send_records_and_delivers(qtbot, page: RemindersView, paydesk: Paydesk, two_due, server: MailServer,
                                   shown: Messages) -> None:
    set_up_mail(paydesk, server)
    preview(qtbot, page)
    task = page.run.send_run()
    assert task is not None and page.run.sending
    assert shown.questions == ["Send 2 reminders to 2 customers now?\n\n"
                               "The reminders are recorded and their emails delivered; this can't be undone."]
    qtbot.waitUntil(lambda: not page.run.sending, timeout=30_000)
    assert shown.errors == []
    assert len(server.received) == 2
    assert {message_from_bytes(r.data)["To"] for r in server.received} == {"cuentas@garcia.example", "buh@veter.example"}
    assert [p.status for p in page.run.model.rows] == [PlanStatus.SENT, PlanStatus.SENT]
    assert {cell(page, r, 5) for r in range(2)} == {"Sent"}
    assert page.run.count_label.text() == "2 sent"
    assert (count(paydesk, "reminders"), count(paydesk, "outbox")) == (2, 2)
    page.run.table.selectRow(0)  # the sent email is shown as it was sent
    qtbot.waitUntil(lambda: page.run.email.parts is not None)
    sent_ids = {message_from_bytes(r.data)["Message-ID"] for r in server.received}
    assert message_from_bytes(page.run.email.parts.raw)["Message-ID"] in sent_ids
    preview(qtbot, page)  # the same day again: nothing is due twice
    assert page.run.model.rowCount() == 0


def test_cancel_sends_and_records_nothing(qtbot, page: RemindersView, paydesk: Paydesk, two_due, server: MailServer,
                                         shown: Messages) -> None:
    set_up_mail(paydesk, server)
    preview(qtbot, page)
    statuses: list[str] = []
    page.status_message.connect(statuses.append)
    task = page.run.send_run()
    assert task is not None
    task.cancel()
    qtbot.waitUntil(lambda: not page.run.sending, timeout=30_000)
    assert statuses == ["Cancelled: nothing was sent or recorded."]
    assert (count(paydesk, "reminders"), count(paydesk, "outbox"), len(server.received)) == (0, 0, 0)
    assert [p.status for p in page.run.model.rows] == [PlanStatus.PLANNED, PlanStatus.PLANNED]
    assert page.run.send_button.isEnabled()


def test_email_not_set_up_says_so_and_records_nothing(qtbot, page: RemindersView, paydesk: Paydesk, two_due,
                                                      shown: Messages) -> None:
    preview(qtbot, page)
    shown.answer = False
    assert page.run.send_run() is None
    assert len(shown.questions) == 1 and "no email server is set up" in shown.questions[0]
    assert (count(paydesk, "reminders"), count(paydesk, "outbox")) == (0, 0)
    shown.answer = True  # "Open email settings…"
    assert page.run.send_run() is None
    assert isinstance(page.run.dialog, MailSettingsDialog) and page.run.dialog.isVisible()
    page.run.dialog.reject()


def test_outbox_retry_deliver_and_save(qtbot, page: RemindersView, paydesk: Paydesk, two_due, server: MailServer,
                                       tmp_path) -> None:
    set_up_mail(paydesk, server)
    server.handler.rcpt_reply = "550 5.1.1 No such user"
    preview(qtbot, page)
    page.run.send_run()
    qtbot.waitUntil(lambda: not page.run.sending, timeout=30_000)
    assert {p.status for p in page.run.model.rows} == {PlanStatus.FAILED}
    outbox = page.outbox
    page.tabs.setCurrentWidget(outbox)
    qtbot.waitUntil(lambda: outbox.model.rowCount() == 2, timeout=10_000)
    assert outbox.count_label.text() == "0 queued, 0 being sent, 0 sent, 2 failed"
    assert "No such user" in outbox.model.data(outbox.model.index(0, outbox.model.ERROR))
    outbox.set_state("sent")  # loads in the background; an earlier load may still be arriving
    qtbot.waitUntil(lambda: outbox.pages.currentIndex() == 1, timeout=10_000)
    assert "No messages here" in outbox.hint.text()
    outbox.set_state("failed")
    qtbot.waitUntil(lambda: outbox.pages.currentIndex() == 0 and outbox.model.rowCount() == 2, timeout=10_000)
    outbox.table.selectRow(0)
    assert outbox.retry_button.isEnabled()
    saved = outbox.save_selected(tmp_path / "message.eml")
    assert saved is not None and saved.read_bytes() == paydesk.outbox.raw(outbox.selected().id)
    server.handler.rcpt_reply = ""
    with qtbot.waitSignal(outbox.model.modelReset):
        outbox.retry_selected()
    assert outbox.model.rowCount() == 1  # the other failed one; the retried one is queued
    with qtbot.waitSignal(outbox.model.modelReset, timeout=20_000):
        outbox.deliver_now()
    qtbot.waitUntil(lambda: outbox.deliver_task is None)
    assert len(server.received) == 1
    assert {k: v for k, v in paydesk.outbox.counts().items() if v} == {"sent": 1, "failed": 1}


def test_collection_export_and_close(qtbot, page: RemindersView, paydesk: Paydesk, make_invoice, customer,
                                     shown: Messages, tmp_path) -> None:
    invoice = make_invoice("100.00")
    [case_id] = run_until_handover(paydesk, DunningService(paydesk.db, paydesk.today))
    tab = page.collection
    with qtbot.waitSignal(tab.model.modelReset, timeout=10_000):
        page.tabs.setCurrentWidget(tab)
    number = paydesk.invoices.summaries([invoice])[invoice].number
    assert tab.model.rowCount() == 1
    assert [tab.model.data(tab.model.index(0, c)) for c in range(3)] == ["1001 García y Asociados S.L.", number, "121.00 EUR"]
    target = tmp_path / "case.zip"
    with qtbot.waitSignal(tab.model.modelReset, timeout=30_000):
        tab.export_selected(target)
    with zipfile.ZipFile(target) as archive:
        assert {"invoices.csv", "reminders.csv", "payments.csv", "notes.txt", f"invoices/{number}.pdf"} <= set(archive.namelist())
    assert tab.model.data(tab.model.index(0, tab.model.EXPORTED))
    with qtbot.waitSignal(tab.model.modelReset):
        tab.close_selected()
    assert "Close the collection case of García y Asociados S.L.?" in shown.questions[0]
    assert tab.model.rowCount() == 0 and "No cases" in tab.hint.text()
    assert paydesk.collection.case(case_id).closed_on == TODAY
