"""Errors the user can act on, sorted by who is to blame.

A ``PaydeskError`` is a problem with the user's input or environment; it carries a message that
can be shown as it is. Anything else that escapes is a bug and goes to the crash handler.
"""

from __future__ import annotations


class PaydeskError(Exception):
    """A problem the user can understand and act on. ``str(error)`` is the message."""


class ValidationError(PaydeskError):
    """Input that cannot be saved. ``fields`` maps a field name to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.fields.items()))


class NotFound(PaydeskError):
    """A record the user named does not exist."""


class StateError(PaydeskError):
    """An action that the record's current state does not allow."""


class DatabaseProblem(PaydeskError):
    """The database file cannot be used as it is (locked, read-only, not a database, too new)."""
