"""Each change that has an event records it in its own transaction: finalize, void, payments
(by hand, credit used later, a bank import, a booking from the review), a hold, an email
delivered, the daily overdue check; a change that rolls back leaves no event, and an event is
fanned out to the endpoints subscribed to it in the same transaction."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from desktop.documents.email_message import Sender, build_message
from desktop.domain import events as ev
from desktop.domain.bank import BankTransaction
from desktop.domain.dunning.model import PauseKind
from desktop.domain.errors import ValidationError
from desktop.domain.listing import TransactionFilter
from desktop.domain.payment import Allocation, PaymentInput
from desktop.gateways.smtp import Security
from desktop.services.invoicing import finalize_in
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.outbox import OutboxService
from desktop.services.secrets import SecretStore
from desktop.services.webhooks import WebhookService
from desktop.store import events as event_store
from desktop.store import outbox as outbox_store
from tests.conftest import TODAY
from tests.fixtures.bank.camt_writer import write_camt053
from tests.mail_server import PASSWORD, USER, MailServer


@pytest.fixture(autouse=True)
def listener(paydesk):
    """Events are recorded only while an endpoint listens for them: one listens for every type here."""
    endpoint_id, _secret = WebhookService(paydesk.db, paydesk.secrets).save("http://127.0.0.1:9/all", list(ev.EVENT_TYPES))
    return endpoint_id


def test_nothing_is_recorded_while_no_endpoint_listens(paydesk, make_invoice, listener):
    service = WebhookService(paydesk.db, paydesk.secrets)
    service.save("http://127.0.0.1:9/all", [ev.INVOICE_VOIDED], endpoint_id=listener)
    make_invoice("100.00")
    assert events(paydesk) == []
    service.save("http://127.0.0.1:9/all", [ev.INVOICE_FINALIZED], endpoint_id=listener)
    make_invoice("100.00")
    assert [e[1] for e in events(paydesk)] == [ev.INVOICE_FINALIZED]


def events(paydesk, event_type=None):
    with paydesk.db.reading() as conn:
        rows = conn.exec_driver_sql("SELECT uid, type, payload, invoice_id, payment_id, customer_id FROM events ORDER BY id")
        found = [(uid, kind, json.loads(payload), invoice_id, payment_id, customer_id)
                 for uid, kind, payload, invoice_id, payment_id, customer_id in rows]
    return [e for e in found if event_type is None or e[1] == event_type]


def deliveries(paydesk):
    with paydesk.db.reading() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM webhook_deliveries").scalar()


def test_finalize_records_one_event_per_invoice(paydesk, make_invoice):
    ids = [make_invoice("100.00", finalize=False) for _ in range(3)]
    numbers = paydesk.invoices.finalize_many(ids)
    found = events(paydesk, ev.INVOICE_FINALIZED)
    assert sorted(e[2]["invoice"]["number"] for e in found) == sorted(numbers)
    assert {e[3] for e in found} == set(ids)
    assert all(e[2]["invoice"]["total"] == "121.00" and e[2]["invoice"]["issue_date"] for e in found)


def test_a_rolled_back_change_records_no_event(paydesk, make_invoice):
    draft_id = make_invoice("100.00", finalize=False)
    with pytest.raises(RuntimeError), paydesk.db.transaction() as conn:
        finalize_in(conn, [draft_id])
        assert len(event_store.invoice_data(conn, [draft_id])) == 1
        raise RuntimeError("crash after finalizing")
    assert events(paydesk) == [] and paydesk.invoices.get(draft_id).number is None
    with pytest.raises(ValidationError):
        paydesk.payments.record(PaymentInput(1, TODAY, Decimal("5.00"), "EUR", allocations=[Allocation(999, Decimal(5))]))
    assert events(paydesk) == []


def test_events_fan_out_in_the_same_transaction(paydesk, make_invoice, listener):
    hooks = WebhookService(paydesk.db, SecretStore())
    hooks.save("http://127.0.0.1:9/all", list(ev.EVENT_TYPES), active=False, endpoint_id=listener)
    hooks.save("https://crm.example.com/hook", [ev.INVOICE_PAID])
    hooks.save("https://tickets.example.com/hook", [ev.INVOICE_PAID, ev.PAYMENT_RECEIVED])
    invoice_id = make_invoice("10.00")
    with pytest.raises(RuntimeError), paydesk.db.transaction() as conn:
        event_store.record_invoices(conn, ev.INVOICE_PAID, [invoice_id])
        raise RuntimeError("rolled back")
    assert deliveries(paydesk) == 0
    paydesk.payments.record(PaymentInput(paydesk.invoices.get(invoice_id).draft.customer_id, TODAY, Decimal("12.10"),
                                         "EUR", allocations=[Allocation(invoice_id, Decimal("12.10"))]))
    assert deliveries(paydesk) == 3  # paid to both, payment.received to one
    with paydesk.db.transaction() as conn:
        assert event_store.fan_out(conn, 0) == 0  # idempotent


def test_void_records_the_reason(paydesk, make_invoice):
    invoice_id = make_invoice("10.00")
    paydesk.invoices.void(invoice_id, "Duplicate")
    [voided] = events(paydesk, ev.INVOICE_VOIDED)
    assert voided[2]["reason"] == "Duplicate" and voided[2]["invoice"]["status"] == "void"


def test_payments_record_received_paid_and_partially_paid(paydesk, customer, make_invoice):
    first, second = make_invoice("100.00"), make_invoice("50.00")
    payment_id = paydesk.payments.record(PaymentInput(customer, TODAY, Decimal("150.00"), "EUR", allocations=[
        Allocation(first, Decimal("121.00")), Allocation(second, Decimal("20.00"))]))
    [received] = events(paydesk, ev.PAYMENT_RECEIVED)
    payment = received[2]["payment"]
    assert received[4] == payment_id and payment["amount"] == "150.00" and payment["date"] == TODAY.isoformat()
    assert [a["amount"] for a in payment["allocations"]] == ["121.00", "20.00"]
    assert [e[3] for e in events(paydesk, ev.INVOICE_PAID)] == [first]
    [partial] = events(paydesk, ev.INVOICE_PARTIALLY_PAID)
    assert partial[3] == second and partial[2]["invoice"]["open"] == "40.50"
    # The credit left (9.00) used later for the second invoice: its state event, no second payment event.
    paydesk.payments.allocate(payment_id, [Allocation(second, Decimal("9.00"))])
    assert len(events(paydesk, ev.PAYMENT_RECEIVED)) == 1
    assert events(paydesk, ev.INVOICE_PARTIALLY_PAID)[-1][2]["invoice"]["open"] == "31.50"


def test_bank_import_records_events_in_bulk(paydesk, make_invoice):
    ids = [make_invoice(f"{10 * (n + 1)}.00") for n in range(3)]
    summaries = paydesk.invoices.summaries(ids)
    txs = [BankTransaction(date(2026, 11, 20), s.total if n < 2 else s.total - 1, "EUR", counterparty_name="Garcia SL",
                           structured_reference=s.reference, bank_reference=f"BR-{n}")
           for n, s in enumerate(summaries[i] for i in ids)]
    [report] = paydesk.statements.import_file("s.xml", write_camt053(None, "NL91ABNA0417164300", "EUR", txs,
                                                                      Decimal("1000.00"), statement_id="S-1"))
    assert report.matched == 3
    received = events(paydesk, ev.PAYMENT_RECEIVED)
    assert len(received) == 3 and len({e[4] for e in received}) == 3
    assert sorted(e[3] for e in events(paydesk, ev.INVOICE_PAID)) == ids[:2]
    assert [e[3] for e in events(paydesk, ev.INVOICE_PARTIALLY_PAID)] == [ids[2]]


def test_booking_from_the_review_records_events(paydesk, customer, make_invoice):
    invoice_id = make_invoice("10.00")
    tx = BankTransaction(date(2026, 11, 20), Decimal("12.10"), "EUR", counterparty_name="Unknown", remittance="stuff",
                         bank_reference="BR-9")
    paydesk.statements.import_file("s.xml", write_camt053(None, "NL91ABNA0417164300", "EUR", [tx], Decimal("10.00"),
                                                          statement_id="S-2"))
    assert events(paydesk, ev.PAYMENT_RECEIVED) == []
    [tx_id] = paydesk.bank.search(TransactionFilter())
    payment_id = paydesk.bank.book(tx_id, customer, [Allocation(invoice_id, Decimal("12.10"))])
    assert [e[4] for e in events(paydesk, ev.PAYMENT_RECEIVED)] == [payment_id]
    assert [e[3] for e in events(paydesk, ev.INVOICE_PAID)] == [invoice_id]


def test_hold_records_customer_on_hold(paydesk, customer):
    paydesk.pauses.add(customer, PauseKind.DISPUTE, "Quality complaint", until=TODAY + timedelta(days=10))
    assert events(paydesk, ev.CUSTOMER_ON_HOLD) == []
    pause_id = paydesk.pauses.add(customer, PauseKind.HOLD, "Talking to their CFO")
    [hold] = events(paydesk, ev.CUSTOMER_ON_HOLD)
    assert hold[5] == customer and hold[2]["hold"]["id"] == pause_id and hold[2]["hold"]["until"] is None
    assert hold[2]["customer"]["number"] == "1001" and hold[2]["hold"]["reason"] == "Talking to their CFO"


def test_overdue_is_emitted_once_per_invoice(paydesk, make_invoice):
    late = make_invoice("10.00", issue=TODAY - timedelta(days=40))  # due 10 days ago
    make_invoice("10.00", issue=TODAY - timedelta(days=5))  # not due yet
    hooks = WebhookService(paydesk.db, SecretStore())
    assert hooks.emit_overdue(TODAY) == 1
    assert hooks.emit_overdue(TODAY) == 0
    assert hooks.emit_overdue(TODAY + timedelta(days=1)) == 0
    [overdue] = events(paydesk, ev.INVOICE_OVERDUE)
    assert overdue[3] == late and overdue[2]["days_overdue"] == 10


def test_an_emailed_invoice_records_invoice_sent(paydesk, customer, make_invoice, tmp_path):
    invoice_id = make_invoice("10.00")
    with MailServer("starttls", tmp_path) as server:
        mail = MailSettingsService(paydesk.db, SecretStore(), server.client_context)
        mail.save(MailSettings("127.0.0.1", server.port, Security.STARTTLS, USER, "Billing", "billing@example.com"),
                  PASSWORD)
        with paydesk.db.transaction() as conn:
            composed = build_message(Sender("billing@example.com", "Billing"), ["client@example.org"], "Invoice",
                                     "Attached.", "<p>Attached.</p>")
            outbox_id = outbox_store.enqueue(conn, composed, customer, "invoice")
            event_store.link_message(conn, outbox_id, [invoice_id])
        assert events(paydesk, ev.INVOICE_SENT) == []
        assert OutboxService(paydesk.db, mail).deliver().sent == 1
    [sent] = events(paydesk, ev.INVOICE_SENT)
    assert sent[3] == invoice_id and sent[2]["message_id"] == composed.message_id


def test_renewals_carry_the_subscription_and_its_invoice(paydesk, customer, make_invoice):
    invoice_id = make_invoice("10.00")
    with paydesk.db.transaction() as conn:
        event_store.record_renewals(conn, [(7, invoice_id, date(2026, 12, 1), date(2026, 12, 31))], {7: {"plan": "Pro"}})
    [renewed] = events(paydesk, ev.SUBSCRIPTION_RENEWED)
    assert renewed[2]["subscription"] == {"id": 7, "period_start": "2026-12-01", "period_end": "2026-12-31", "plan": "Pro"}
    assert renewed[2]["invoice"]["id"] == invoice_id and renewed[5] == customer


def test_unknown_event_types_are_refused(paydesk):
    with pytest.raises(ValueError), paydesk.db.transaction() as conn:
        event_store.record(conn, "invoice.exploded", {})
    assert events(paydesk) == []
