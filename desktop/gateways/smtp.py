"""Talking to the SMTP server (plain, STARTTLS or SSL) with smtplib, and sorting what goes wrong
by what the caller should do about it:

- ``SmtpUnreachable``: no server, TLS refused, connection lost before a message was handed over:
  nothing was delivered, try again later.
- ``SmtpLoginFailed``: the user name or password is wrong: nothing will work until it is fixed.
- ``SmtpTemporary``: the server said "not now" (4xx): retry this message later.
- ``SmtpUncertain``: the connection was lost after the message's data was sent and before the
  server confirmed it: SMTP cannot tell whether it was accepted; retry (with the same Message-ID).
- ``SmtpRejected``: the server refused this message for good (5xx).
"""

from __future__ import annotations

import enum
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from types import TracebackType

from desktop.domain.errors import PaydeskError

DEFAULT_TIMEOUT_S = 30.0
_LINE_END = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"(?m)^\.")


class Security(enum.StrEnum):
    NONE = "none"  # plain text: only for a server on the local network
    STARTTLS = "starttls"  # port 587: connects plain, then switches to TLS before logging in
    SSL = "ssl"  # port 465: TLS from the first byte


DEFAULT_PORTS = {Security.NONE: 25, Security.STARTTLS: 587, Security.SSL: 465}


@dataclass(frozen=True, slots=True)
class SmtpAccount:
    host: str
    port: int
    security: Security
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT_S


class SmtpProblem(PaydeskError):
    """Something went wrong talking to the SMTP server; ``str()`` says what and what to do."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmtpUnreachable(SmtpProblem):
    pass


class SmtpLoginFailed(SmtpProblem):
    pass


class SmtpTemporary(SmtpProblem):
    pass


class SmtpUncertain(SmtpTemporary):
    pass


class SmtpRejected(SmtpProblem):
    pass


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"


def _classify(code: int, message: bytes | str, what: str) -> SmtpProblem:
    reply = _reply(code, message)
    if 400 <= code < 500:
        return SmtpTemporary(f"The mail server asked to try again later while {what}: {reply}", code)
    return SmtpRejected(f"The mail server refused {what}: {reply}", code)


class SmtpSession:
    """One connection: ``with SmtpSession(account) as smtp: smtp.send(...)``.

    ``context`` verifies the server's certificate; the default trusts the system's authorities.
    """

    def __init__(self, account: SmtpAccount, context: ssl.SSLContext | None = None) -> None:
        self.account = account
        self._context = context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None
        self.greeting = ""

    def __enter__(self) -> SmtpSession:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._smtp is not None

    @property
    def where(self) -> str:
        return f"{self.account.host}:{self.account.port}"

    def open(self) -> None:
        account = self.account
        if not account.host.strip():
            raise SmtpUnreachable("No mail server is set up: enter the SMTP server in Settings › Email.")
        try:
            if account.security is Security.SSL:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(account.host, account.port, timeout=account.timeout,
                                                      context=self._context)
            else:
                smtp = smtplib.SMTP(account.host, account.port, timeout=account.timeout)
            self._smtp = smtp
            code, message = smtp.ehlo()
            self.greeting = _reply(code, message)
            if account.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise SmtpUnreachable(
                        f"The mail server {self.where} does not offer STARTTLS. Choose SSL (usually port 465) or ask "
                        "your provider which security the server uses."
                    )
                code, message = smtp.starttls(context=self._context)
                smtp.ehlo()
            if account.username:
                smtp.login(account.username, account.password)
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise SmtpLoginFailed(
                f"The mail server {self.where} refused the user name or password ({_reply(error.smtp_code, error.smtp_error)}). "
                "Check them in Settings › Email.", error.smtp_code,
            ) from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise SmtpLoginFailed(
                f"The mail server {self.where} does not accept a login on this connection. Try STARTTLS or SSL, or leave "
                "the user name empty if the server needs none."
            ) from None
        except ssl.SSLCertVerificationError as error:
            self.close()
            raise SmtpUnreachable(
                f"The certificate of the mail server {self.where} cannot be trusted ({error.verify_message}). "
                "Check the server name; it must be the name the certificate was issued for."
            ) from None
        except ssl.SSLError as error:
            self.close()
            raise SmtpUnreachable(
                f"A secure connection to {self.where} failed ({error.reason or error}). The security setting may not "
                "match the port: SSL is usually port 465, STARTTLS port 587."
            ) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise SmtpUnreachable(f"The mail server {self.where} refused the connection: "
                                  f"{_reply(error.smtp_code, error.smtp_error)}", error.smtp_code) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise SmtpUnreachable(_connection_message(self.where, error)) from None

    def send(self, from_addr: str, to_addrs: list[str], raw: bytes) -> dict[str, str]:
        """Hand one message over; returns the recipients the server refused (address -> reply).

        Raises an ``SmtpProblem`` subclass when nothing was delivered or it cannot be known.
        """
        smtp = self._smtp
        if smtp is None:
            raise SmtpUnreachable(f"Not connected to {self.where}.")
        phase = "before"
        try:
            code, message = smtp.mail(from_addr)
            if code != 250:
                self._reset()
                raise _classify(code, message, f"the sender {from_addr}")
            refused: dict[str, str] = {}
            worst: tuple[int, bytes | str] | None = None
            for address in to_addrs:
                code, message = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = _reply(code, message)
                    if worst is None or code < worst[0]:  # a 4xx among them makes the whole retriable
                        worst = (code, message)
            if len(refused) == len(to_addrs):
                self._reset()
                code, message = worst if worst is not None else (554, b"no recipients")
                raise _classify(code, message, f"the recipient{'s' if len(to_addrs) > 1 else ''} {', '.join(to_addrs)}")
            smtp.putcmd("data")
            code, message = smtp.getreply()
            if code != 354:
                self._reset()
                raise _classify(code, message, "the message")
            phase = "data"
            smtp.send(_dot_stuffed(raw))
            phase = "sent"
            code, message = smtp.getreply()
        except smtplib.SMTPServerDisconnected as error:
            self._smtp = None
            raise self._lost(phase, error) from None
        except OSError as error:
            self.close()
            raise self._lost(phase, error) from None
        if code != 250:
            raise _classify(code, message, "the message")
        return refused

    def _lost(self, phase: str, error: BaseException) -> SmtpProblem:
        if phase == "sent":
            return SmtpUncertain(
                f"The connection to {self.where} was lost after the message was sent and before the server confirmed "
                f"it ({error or type(error).__name__}). It will be sent again later with the same Message-ID, so a "
                "copy the server did accept is recognizable as a duplicate."
            )
        if phase == "data":
            return SmtpTemporary(f"The connection to {self.where} was lost while sending the message "
                                 f"({error or type(error).__name__}); it will be sent again later.")
        return SmtpUnreachable(_connection_message(self.where, error))

    def _reset(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (OSError, smtplib.SMTPException):
                self.close()

    def noop(self) -> None:
        if self._smtp is None:
            raise SmtpUnreachable(f"Not connected to {self.where}.")
        try:
            self._smtp.noop()
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise SmtpUnreachable(_connection_message(self.where, error)) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _dot_stuffed(raw: bytes) -> bytes:
    """The DATA payload: CRLF line ends, leading dots doubled, ending with CRLF.CRLF (RFC 5321)."""
    data = _LINE_END.sub(b"\r\n", raw)
    data = _LEADING_DOT.sub(b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _connection_message(where: str, error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return f"The mail server name {where.rsplit(':', 1)[0]} is not known. Check it in Settings › Email."
    if isinstance(error, ConnectionRefusedError):
        return f"Nothing answers at {where}: the server is down or the port is wrong. Mail will be sent later."
    if isinstance(error, TimeoutError | socket.timeout):
        return f"The mail server {where} did not answer in time. Mail will be sent later."
    detail = str(error) or type(error).__name__
    return f"The connection to the mail server {where} failed ({detail}). Mail will be sent later."


def check_connection(account: SmtpAccount, context: ssl.SSLContext | None = None) -> str:
    """Connect, secure, log in and say goodbye; returns the server's greeting. Raises ``SmtpProblem``."""
    with SmtpSession(account, context) as session:
        session.noop()
        return session.greeting
