"""The SMTP settings: server, security, user and sender in the database (``mail.smtp``); the
password in the OS keyring (``smtp:{username}@{host}``), or for this session only when there is
no keyring. Never on disk in clear."""

from __future__ import annotations

import ssl
from dataclasses import asdict, dataclass

from desktop.documents.email_message import Sender
from desktop.domain.errors import ValidationError
from desktop.domain.validation import normalize_email
from desktop.gateways.smtp import DEFAULT_PORTS, Security, SmtpAccount, check_connection
from desktop.services.secrets import SecretStore
from desktop.store import settings as settings_store
from desktop.store.database import Database

SETTINGS_KEY = "mail.smtp"


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    username: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_address)

    @property
    def secret_name(self) -> str:
        return f"smtp:{self.username}@{self.host}"

    @property
    def sender(self) -> Sender:
        return Sender(self.from_address, self.from_name, self.reply_to)


def validated(settings: MailSettings) -> MailSettings:
    problems: dict[str, str] = {}
    host = settings.host.strip()
    if not host or any(c.isspace() for c in host):
        problems["host"] = "Enter the SMTP server's name, such as smtp.example.com."
    if not 1 <= settings.port <= 65535:
        problems["port"] = f"The port is a number from 1 to 65535 (usually {DEFAULT_PORTS[Security(settings.security)]})."
    addresses: dict[str, str] = {}
    for name in ("from_address", "reply_to"):
        raw = getattr(settings, name).strip()
        if not raw:
            continue
        try:
            addresses[name] = normalize_email(raw)
        except ValueError as error:
            problems[name] = str(error)
    if not settings.from_address.strip():
        problems["from_address"] = "Enter the address reminders are sent from."
    if problems:
        raise ValidationError(problems)
    return MailSettings(host, settings.port, Security(settings.security), settings.username.strip(), settings.from_name.strip(),
                        addresses["from_address"], addresses.get("reply_to", ""))


class MailSettingsService:
    """``context`` (tests, or a company CA) verifies the server's certificate; default: the system's."""

    def __init__(self, db: Database, secrets: SecretStore, context: ssl.SSLContext | None = None) -> None:
        self._db = db
        self._secrets = secrets
        self._context = context

    def load(self) -> MailSettings:
        with self._db.reading() as conn:
            data = settings_store.get(conn, SETTINGS_KEY)
        if not isinstance(data, dict):
            return MailSettings()
        data["security"] = Security(data.get("security", Security.STARTTLS))
        return MailSettings(**{k: v for k, v in data.items() if k in MailSettings.__dataclass_fields__})

    def save(self, settings: MailSettings, password: str | None = None, *, session_only: bool = False) -> MailSettings:
        """Save the settings; ``password`` (None: keep the stored one) goes to the keyring.

        Raises ``ValidationError``, or ``SecretsUnavailable`` when there is no keyring: the settings
        are saved then, and the UI may call again with ``session_only=True``.
        """
        clean = validated(settings)
        previous = self.load()
        with self._db.transaction() as conn:
            settings_store.put(conn, SETTINGS_KEY, asdict(clean) | {"security": clean.security.value})
        if password is not None:
            self._secrets.put(clean.secret_name, password, session_only=session_only)
        elif previous.secret_name != clean.secret_name:
            kept = self._secrets.get(previous.secret_name)
            if kept is not None:
                self._secrets.put(clean.secret_name, kept, session_only=self._secrets.is_session_only(previous.secret_name))
        return clean

    def has_password(self) -> bool:
        return self._secrets.get(self.load().secret_name) is not None

    def password_is_session_only(self) -> bool:
        return self._secrets.is_session_only(self.load().secret_name)

    def account(self, settings: MailSettings | None = None, password: str | None = None) -> SmtpAccount:
        settings = settings or self.load()
        if password is None:
            password = self._secrets.get(settings.secret_name) or ""
        return SmtpAccount(settings.host, settings.port, settings.security, settings.username, password)

    @property
    def ssl_context(self) -> ssl.SSLContext | None:
        return self._context

    def test_connection(self, settings: MailSettings | None = None, password: str | None = None) -> str:
        """Connect, secure and log in with ``settings`` (default: the saved ones); returns the
        server's greeting. Raises an ``SmtpProblem`` saying what is wrong."""
        if settings is not None:
            settings = validated(settings)
        return check_connection(self.account(settings, password), self._context)
