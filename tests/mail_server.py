"""A real SMTP server on 127.0.0.1 for the email tests (aiosmtpd): plain, STARTTLS or SSL, with
or without a login, and scriptable failures (refuse, try later, drop the connection after DATA)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "billing@example.com", "s3cret pass"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost; returns (cert, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)  # scripted replies to DATA, one per message, then "250"
    rcpt_reply: str = ""  # e.g. "550 5.1.1 No such user"
    drop_after_data: int = 0  # this many messages: close the connection after reading the data, before replying

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_after_data:
            self.drop_after_data -= 1
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            server.transport.abort()
            return "250 OK"
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


class MailServer:
    """``with MailServer(mode, tmp_path) as server``: ``server.port``, ``server.handler.received``,
    ``server.client_context`` (trusts the test certificate)."""

    def __init__(self, mode: str, folder: Path, login: bool = True) -> None:
        self.mode = mode
        self.handler = Handler()
        self.port = free_port()
        cert, key = make_certificate(folder)
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(cert, key)
        self.client_context = ssl.create_default_context(cafile=str(cert))
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port}
        if login and mode == "starttls":
            kwargs.update(authenticator=_authenticator, auth_required=True)
        elif login and mode == "ssl":  # aiosmtpd does not know the connection is TLS from the start
            kwargs.update(authenticator=_authenticator, auth_require_tls=False)
        if mode == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True)
        elif mode == "ssl":
            kwargs["ssl_context"] = server_context
        self.controller = Controller(self.handler, **kwargs)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received
