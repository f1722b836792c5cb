"""The outbox against a real SMTP server on 127.0.0.1: queued in the caller's transaction,
delivered one at a time, retried with back-off, never sent twice once sent, and a crash while
``sending`` re-sends the same bytes (the same Message-ID)."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest

from desktop.documents.email_message import Sender, build_message
from desktop.gateways.smtp import Security
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.outbox import LEASE, OutboxService, backoff
from desktop.services.secrets import SecretStore, SecretsUnavailable
from desktop.store import outbox as outbox_store
from desktop.store.types import utcnow
from tests.mail_server import PASSWORD, USER, MailServer, free_port


class Clock:
    def __init__(self):
        self.now = utcnow() + timedelta(minutes=1)  # messages enqueued by the test (at the real time) are due

    def __call__(self):
        return self.now

    def advance(self, delta):
        self.now += delta


@pytest.fixture
def clock():
    return Clock()


def setup_mail(paydesk, server, security=Security.STARTTLS, password=PASSWORD):
    mail = MailSettingsService(paydesk.db, SecretStore(), server.client_context if server else None)
    port = server.port if server else free_port()
    mail.save(MailSettings("127.0.0.1", port, security, USER, "Billing", "billing@example.com"), password)
    return mail


def enqueue(paydesk, customer, n=1):
    ids = []
    with paydesk.db.transaction() as conn:
        for i in range(n):
            composed = build_message(Sender("billing@example.com", "Billing"), ["client@example.org"], f"Reminder {i}",
                                     "Please pay.", "<p>Please pay.</p>")
            ids.append(outbox_store.enqueue(conn, composed, customer, "reminder"))
    return ids


def state(paydesk, outbox_id):
    with paydesk.db.reading() as conn:
        return outbox_store.entry(conn, outbox_id)


def test_delivers_over_starttls_once(paydesk, customer, tmp_path, clock):
    with MailServer("starttls", tmp_path) as server:
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server), clock)
        ids = enqueue(paydesk, customer, 3)
        seen = []
        report = outbox.deliver(progress=lambda done, total: seen.append((done, total)))
        assert report.sent == 3 and seen[-1] == (3, 3)
        assert outbox.deliver().sent == 0  # nothing is sent twice
    assert len(server.received) == 3
    assert {state(paydesk, i).state for i in ids} == {"sent"}
    assert outbox.counts()["sent"] == 3
    assert message_from_bytes(server.received[0].data)["Message-ID"] == state(paydesk, ids[0]).message_id


def test_enqueue_rolls_back_with_the_callers_transaction(paydesk, customer):
    with pytest.raises(RuntimeError), paydesk.db.transaction() as conn:
        outbox_store.enqueue(conn, build_message(Sender("a@example.com"), ["b@example.org"], "S", "T", ""), customer, "reminder")
        raise RuntimeError("the reminder could not be recorded")
    with paydesk.db.reading() as conn:
        assert outbox_store.entries(conn) == []


def test_ssl_delivery(paydesk, customer, tmp_path, clock):
    with MailServer("ssl", tmp_path) as server:
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server, Security.SSL), clock)
        enqueue(paydesk, customer)
        assert outbox.deliver().sent == 1
    assert len(server.received) == 1


def test_server_down_backs_off_then_delivers(paydesk, customer, tmp_path, clock):
    mail = setup_mail(paydesk, None)
    outbox = OutboxService(paydesk.db, mail, clock)
    [first, second] = enqueue(paydesk, customer, 2)
    report = outbox.deliver()
    assert report.sent == 0 and report.retrying == 1 and report.remaining == 1 and "Nothing answers" in report.stopped
    entry = state(paydesk, first)
    assert entry.state == "queued" and entry.attempts == 1 and entry.next_attempt_at == clock.now + backoff(1)
    with MailServer("starttls", tmp_path) as server:
        mail = setup_mail(paydesk, server)
        outbox = OutboxService(paydesk.db, mail, clock)
        assert outbox.deliver().sent == 1  # the second; the first waits for its back-off
        clock.advance(timedelta(minutes=1))
        assert outbox.deliver().sent == 1
    assert state(paydesk, first).state == state(paydesk, second).state == "sent"


def test_wrong_password_stops_and_keeps_messages_queued(paydesk, customer, tmp_path, clock):
    with MailServer("starttls", tmp_path) as server:
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server, password="wrong"), clock)
        [only] = enqueue(paydesk, customer)
        report = outbox.deliver()
    assert report.sent == 0 and "user name or password" in report.stopped
    entry = state(paydesk, only)
    assert entry.state == "queued" and entry.attempts == 0 and "password" in entry.last_error


def test_drop_after_data_retries_with_the_same_message_id(paydesk, customer, tmp_path, clock):
    with MailServer("starttls", tmp_path) as server:
        server.handler.drop_after_data = 1
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server), clock)
        [only] = enqueue(paydesk, customer)
        report = outbox.deliver()
        assert report.retrying == 1 and "same Message-ID" in report.errors[0]
        clock.advance(backoff(1))
        assert outbox.deliver().sent == 1
    first, again = (message_from_bytes(r.data)["Message-ID"] for r in server.received)
    assert first == again == state(paydesk, only).message_id


def test_permanent_refusal_fails_and_can_be_retried_by_hand(paydesk, customer, tmp_path, clock):
    with MailServer("starttls", tmp_path) as server:
        server.handler.data_replies = ["554 5.7.1 Rejected by policy"]
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server), clock)
        [only] = enqueue(paydesk, customer)
        assert outbox.deliver().failed == 1
        entry = state(paydesk, only)
        assert entry.state == "failed" and "554 5.7.1 Rejected by policy" in entry.last_error
        outbox.retry(only)
        assert outbox.deliver().sent == 1


def test_crash_while_sending_is_resent_after_the_lease_never_when_sent(paydesk, customer, tmp_path, clock):
    [crashed, done] = enqueue(paydesk, customer, 2)
    with paydesk.db.transaction() as conn:  # a delivery that handed "crashed" over, then the process died
        assert outbox_store.claim(conn, crashed, clock.now, clock.now + LEASE) is not None
        assert outbox_store.claim(conn, done, clock.now, clock.now + LEASE) is not None
        assert outbox_store.mark_sent(conn, done)
    with MailServer("starttls", tmp_path) as server:
        outbox = OutboxService(paydesk.db, setup_mail(paydesk, server), clock)
        assert outbox.deliver().sent == 0  # still within the crashed delivery's lease
        clock.advance(LEASE)
        assert outbox.deliver().sent == 1
        clock.advance(timedelta(days=30))
        assert outbox.deliver().sent == 0
    [got] = server.received
    assert message_from_bytes(got.data)["Message-ID"] == state(paydesk, crashed).message_id
    assert state(paydesk, crashed).attempts == 2


def test_password_lives_in_the_keyring_or_for_the_session(paydesk, memory_keyring):
    mail = MailSettingsService(paydesk.db, SecretStore())
    mail.save(MailSettings("smtp.example.com", 587, Security.STARTTLS, USER, "", "billing@example.com"), "pw1")
    assert ("Paydesk", f"smtp:{USER}@smtp.example.com") in memory_keyring.passwords and mail.has_password()
    memory_keyring.priority = 0  # no usable keyring
    secrets = SecretStore()
    mail = MailSettingsService(paydesk.db, secrets)
    with pytest.raises(SecretsUnavailable):
        mail.save(mail.load(), "pw2")
    mail.save(mail.load(), "pw2", session_only=True)
    assert mail.account().password == "pw2" and mail.password_is_session_only()
    with paydesk.db.reading() as conn:
        assert b"pw2" not in conn.connection.dbapi_connection.serialize()
