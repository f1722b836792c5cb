"""The SMTP gateway against a real server on 127.0.0.1: every security mode, login, and the ways
a delivery can fail, each sorted into what the caller should do."""

from __future__ import annotations

import pytest

from desktop.gateways.smtp import (
    Security,
    SmtpAccount,
    SmtpLoginFailed,
    SmtpRejected,
    SmtpSession,
    SmtpTemporary,
    SmtpUncertain,
    SmtpUnreachable,
    check_connection,
)
from tests.mail_server import PASSWORD, USER, MailServer, free_port

RAW = (b"From: billing@example.com\r\nTo: a@example.org\r\nSubject: Hi\r\nMessage-ID: <1@example.com>\r\n\r\n"
       b".leading dot\r\nbody\r\n")


def account(server: MailServer, security: Security, password: str = PASSWORD, user: str = USER) -> SmtpAccount:
    if security is Security.NONE:  # a plain server on the local network, without a login
        user = password = ""
    return SmtpAccount("127.0.0.1", server.port, security, user, password, timeout=5)


@pytest.mark.parametrize(("mode", "security"), [("none", Security.NONE), ("starttls", Security.STARTTLS), ("ssl", Security.SSL)])
def test_sends_in_every_security_mode(tmp_path, mode, security):
    with MailServer(mode, tmp_path) as server, SmtpSession(account(server, security), server.client_context) as smtp:
        refused = smtp.send(USER, ["a@example.org", "b@example.org"], RAW)
    assert refused == {}
    [got] = server.received
    assert got.rcpt_tos == ["a@example.org", "b@example.org"]
    assert b"Message-ID: <1@example.com>" in got.data and b"\r\n.leading dot\r\n" in got.data


def test_check_connection_logs_in_and_returns_the_greeting(tmp_path):
    with MailServer("starttls", tmp_path) as server:
        greeting = check_connection(account(server, Security.STARTTLS), server.client_context)
    assert greeting.startswith("250")


def test_wrong_password_is_a_login_problem(tmp_path):
    with MailServer("starttls", tmp_path) as server, pytest.raises(SmtpLoginFailed, match="user name or password"):
        check_connection(account(server, Security.STARTTLS, password="wrong"), server.client_context)


def test_untrusted_certificate_is_refused(tmp_path):
    with MailServer("ssl", tmp_path) as server, pytest.raises(SmtpUnreachable, match="cannot be trusted"):
        check_connection(account(server, Security.SSL))  # the system's authorities do not know the test certificate


def test_ssl_setting_against_a_starttls_port_says_so(tmp_path):
    with MailServer("starttls", tmp_path) as server, pytest.raises(SmtpUnreachable):
        check_connection(account(server, Security.SSL), server.client_context)


def test_server_down(tmp_path):
    dead = SmtpAccount("127.0.0.1", free_port(), Security.NONE, timeout=2)
    with pytest.raises(SmtpUnreachable, match="Nothing answers"):
        check_connection(dead)


def test_drop_after_data_is_uncertain(tmp_path):
    with MailServer("starttls", tmp_path) as server:
        server.handler.drop_after_data = 1
        with SmtpSession(account(server, Security.STARTTLS), server.client_context) as smtp:
            with pytest.raises(SmtpUncertain, match="same Message-ID"):
                smtp.send(USER, ["a@example.org"], RAW)
            assert not smtp.connected


def test_4xx_is_temporary_and_5xx_is_rejected(tmp_path):
    with MailServer("none", tmp_path, login=False) as server:
        server.handler.data_replies = ["451 4.3.0 Try again later", "554 5.6.0 Message looks like spam"]
        with SmtpSession(SmtpAccount("127.0.0.1", server.port, Security.NONE, timeout=5)) as smtp:
            with pytest.raises(SmtpTemporary, match="451"):
                smtp.send(USER, ["a@example.org"], RAW)
            with pytest.raises(SmtpRejected, match=r"554 5\.6\.0 Message looks like spam"):
                smtp.send(USER, ["a@example.org"], RAW)
            assert smtp.send(USER, ["a@example.org"], RAW) == {}  # the same connection goes on working
        server.handler.rcpt_reply = "550 5.1.1 No such user"
        with SmtpSession(SmtpAccount("127.0.0.1", server.port, Security.NONE, timeout=5)) as smtp, \
                pytest.raises(SmtpRejected, match="No such user"):
            smtp.send(USER, ["nobody@example.org"], RAW)
    assert len(server.received) == 1
