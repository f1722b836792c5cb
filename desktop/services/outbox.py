"""Delivering the outbox: one message at a time, each marked ``sending`` (committed) before it is
handed to the SMTP server and ``sent`` (committed) after, with retries and back-off.

- A message is never taken again once ``sent``.
- A crash between handing a message over and recording it leaves it ``sending``; when its lease
  runs out it is sent again with the same bytes, so the same Message-ID (SMTP cannot tell us
  whether the first copy arrived; the Message-ID lets mail clients recognize the duplicate).
- A server that cannot be reached or refuses the login stops the delivery; the messages wait.
- A temporary refusal (4xx) or a lost connection retries after 1 min, 5 min, 30 min, 2 h, 6 h,
  then every 12 h, up to ``MAX_ATTEMPTS``; a permanent refusal (5xx) fails at once with the
  server's words. A failed message can be put back in the queue by hand (``retry``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop.domain.errors import NotFound, PaydeskError, StateError
from desktop.gateways.smtp import (
    SmtpLoginFailed,
    SmtpProblem,
    SmtpRejected,
    SmtpSession,
    SmtpTemporary,
    SmtpUnreachable,
)
from desktop.services.mail_settings import MailSettingsService
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.store import events as event_store
from desktop.store import outbox as store
from desktop.store.database import Database
from desktop.store.outbox import OutboxEntry
from desktop.store.types import utcnow

__all__ = ["DeliveryReport", "OutboxEntry", "OutboxService", "backoff"]

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6),
           timedelta(hours=12))
MAX_ATTEMPTS = 10  # about three days of trying
LEASE = timedelta(minutes=5)  # longer than any SMTP exchange (30 s timeouts)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # failed this time, will be tried again
    failed: int = 0  # given up: refused for good, or too many attempts
    remaining: int = 0  # due but not tried (cancelled, or the server could not be used)
    stopped: str = ""  # why delivery stopped early (server down, login refused), for the user
    errors: list[str] = field(default_factory=list)


class OutboxService:
    def __init__(self, db: Database, mail: MailSettingsService, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._mail = mail
        self._clock = clock

    def list(
        self, states: tuple[str, ...] = store.STATES, customer_id: int | None = None, limit: int = 1000,
    ) -> list[OutboxEntry]:
        with self._db.reading() as conn:
            return store.entries(conn, states, customer_id, limit)

    def get(self, outbox_id: int) -> OutboxEntry:
        with self._db.reading() as conn:
            found = store.entry(conn, outbox_id)
        if found is None:
            raise NotFound(f"There is no message {outbox_id} in the outbox.")
        return found

    def raw(self, outbox_id: int) -> bytes:
        """The message exactly as it is sent (for "show message" / save as .eml)."""
        with self._db.reading() as conn:
            data = store.raw(conn, outbox_id)
        if data is None:
            raise NotFound(f"There is no message {outbox_id} in the outbox.")
        return data

    def counts(self) -> dict[str, int]:
        with self._db.reading() as conn:
            return store.counts(conn)

    def retry(self, outbox_id: int) -> None:
        """Put a failed message back in the queue, due now."""
        with self._db.transaction() as conn:
            if not store.requeue(conn, outbox_id):
                raise StateError("Only a failed message can be sent again; this one is queued, being sent or sent.")

    def deliver(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> DeliveryReport:
        """Send every message that is due; safe to call again at any time (and from two processes)."""
        report = DeliveryReport()
        with self._db.reading() as conn:
            due = store.due_ids(conn, self._clock())
        if not due:
            return report
        settings = self._mail.load()
        if not settings.configured:
            raise PaydeskError("Email is not set up yet: enter the SMTP server and sender address in Settings › Email. "
                               "The messages stay in the outbox until then.")
        account = self._mail.account(settings)
        session: SmtpSession | None = None
        try:
            for index, outbox_id in enumerate(due):
                if cancel is not None and cancel.cancelled:
                    report.remaining = len(due) - index
                    break
                now = self._clock()
                with self._db.transaction() as conn:
                    delivery = store.claim(conn, outbox_id, now, now + LEASE)
                if delivery is None:
                    continue
                try:
                    if session is None or not session.connected:
                        session = SmtpSession(account, self._mail.ssl_context)
                        session.open()
                    refused = session.send(delivery.from_addr, delivery.to, delivery.raw)
                except SmtpLoginFailed as error:
                    self._settle(delivery.id, delivery.attempts, error, report, count_attempt=False)
                    report.stopped = str(error)
                    report.remaining = len(due) - index - 1
                    break
                except SmtpUnreachable as error:
                    self._settle(delivery.id, delivery.attempts, error, report)
                    report.stopped = str(error)
                    report.remaining = len(due) - index - 1
                    break
                except SmtpProblem as error:
                    self._settle(delivery.id, delivery.attempts, error, report)
                else:
                    note = "; ".join(f"{address}: {reply}" for address, reply in refused.items())
                    with self._db.transaction() as conn:
                        if store.mark_sent(conn, delivery.id, f"Not accepted for {note}" if note else ""):
                            event_store.message_sent(conn, delivery.id)
                    report.sent += 1
                progress(index + 1, len(due))
        finally:
            if session is not None:
                session.close()
        return report

    def _settle(self, outbox_id: int, attempts: int, error: SmtpProblem, report: DeliveryReport,
                count_attempt: bool = True) -> None:
        message = str(error)
        report.errors.append(message)
        now = self._clock()
        with self._db.transaction() as conn:
            if isinstance(error, SmtpRejected) or (isinstance(error, SmtpTemporary | SmtpUnreachable)
                                                    and attempts >= MAX_ATTEMPTS):
                store.mark_failed(conn, outbox_id, message)
                report.failed += 1
            elif count_attempt:
                store.mark_retry(conn, outbox_id, now + backoff(attempts), message)
                report.retrying += 1
            else:
                store.mark_retry(conn, outbox_id, now, message, count_attempt=False)
                report.remaining += 1
