"""Secrets (SMTP password, payment provider API keys) in the OS keyring, and nowhere else.

When the system has no usable keyring the caller gets ``SecretsUnavailable`` and may keep the
secret for this session only: in memory, never written to disk."""

from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.errors import KeyringError

from desktop.domain.errors import PaydeskError

SERVICE = "Paydesk"
log = logging.getLogger(__name__)


class SecretsUnavailable(PaydeskError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "The system password store (keyring) is not available, so Paydesk cannot save this secret "
            f"({detail}). You can use it for this session only: Paydesk keeps it in memory and forgets it "
            "when it closes. Paydesk never writes it to disk in clear."
        )


class SecretStore:
    """Named secrets: the OS keyring first, then what was given for this session only."""

    def __init__(self) -> None:
        self._session: dict[str, str] = {}

    def available(self) -> bool:
        """Whether the OS keyring can store secrets (not the 'fail' or a plaintext backend)."""
        backend = keyring.get_keyring()
        return getattr(backend, "priority", 0) > 0 and "keyrings.alt" not in type(backend).__module__

    def get(self, name: str) -> str | None:
        if name in self._session:
            return self._session[name]
        if not self.available():
            return None
        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError as error:
            log.warning("keyring read failed for %s: %s", name, type(error).__name__)
            return None

    def put(self, name: str, value: str, *, session_only: bool = False) -> None:
        """Store ``value``; raises ``SecretsUnavailable`` when the keyring can't (unless session only)."""
        if session_only:
            self._session[name] = value
            return
        if not self.available():
            raise SecretsUnavailable("no keyring backend is installed or unlocked")
        try:
            keyring.set_password(SERVICE, name, value)
        except KeyringError as error:
            raise SecretsUnavailable(str(error) or type(error).__name__) from error
        self._session.pop(name, None)

    def delete(self, name: str) -> None:
        self._session.pop(name, None)
        if self.available():
            with contextlib.suppress(KeyringError):
                keyring.delete_password(SERVICE, name)

    def is_session_only(self, name: str) -> bool:
        return name in self._session
