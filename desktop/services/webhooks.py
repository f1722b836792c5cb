"""Webhooks: the endpoints the user registers (URL, events, secret in the keyring), delivering
the webhook outbox with retries, the delivery log, replays, and the daily "overdue" check.

Delivery works like the email outbox: each delivery is marked ``delivering`` (committed) before
the POST and settled (committed) after, so a delivery survives restarts:

- 2xx: delivered. 4xx other than 408/429 (and 3xx: redirects are not followed): failed at once.
- 5xx, 408, 429, a timeout or a lost connection: tried again after 30 s, 2 min, 10 min, 1 h, 6 h,
  then every 12 h, for up to 3 days after the event; then failed. A receiver down for an hour gets
  everything once it is back.
- A receiver that cannot be reached at all stops this round for that endpoint: its other due
  deliveries wait for the same next attempt without counting one.
- A crash mid-attempt leaves the delivery ``delivering``; when its lease runs out it is sent again
  with the same event id, which receivers deduplicate on (``Paydesk-Event-Id``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from desktop.domain import events as ev
from desktop.domain.errors import NotFound, PaydeskError, ValidationError
from desktop.gateways.webhook_client import PostResult, WebhookClient, check_url
from desktop.services.secrets import SecretStore
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.store import events as event_store
from desktop.store import webhooks as store
from desktop.store.database import Database
from desktop.store.types import utcnow
from desktop.store.webhooks import DeliveryEntry, Endpoint

__all__ = ["DeliveryEntry", "DeliveryReport", "Endpoint", "PingResult", "WebhookService"]

LEASE = timedelta(minutes=2)  # longer than an attempt can take (5 s to connect + 10 s to answer)


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0  # failed this time, will be tried again
    failed: int = 0  # given up: refused, or three days of trying
    remaining: int = 0  # due but not tried this round (cancelled, or the receiver could not be reached)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PingResult:
    delivery_id: int
    ok: bool
    status: int | None
    message: str  # for the user: what the receiver said, or why it could not be reached


class WebhookService:
    def __init__(self, db: Database, secrets: SecretStore, clock: Callable[[], datetime] = utcnow,
                 client_factory: Callable[[], WebhookClient] = WebhookClient) -> None:
        self._db = db
        self._secrets = secrets
        self._clock = clock
        self._client_factory = client_factory

    # --- endpoints --------------------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        with self._db.reading() as conn:
            return store.endpoints(conn)

    def endpoint(self, endpoint_id: int) -> Endpoint:
        with self._db.reading() as conn:
            found = store.endpoint(conn, endpoint_id)
        if found is None:
            raise NotFound(f"There is no webhook endpoint {endpoint_id}.")
        return found

    def save(self, url: str, event_types: list[str], active: bool = True, description: str = "",
             endpoint_id: int | None = None, *, session_only: bool = False) -> tuple[int, str | None]:
        """Add (``endpoint_id`` None) or change an endpoint. Returns its id and, for a new one, its
        signing secret: shown once for the user to copy into the receiver (Paydesk keeps it in the keyring,
        or with ``session_only`` in memory until it closes, when there is no keyring)."""
        clean = check_url(url)
        chosen = [t for t in ev.EVENT_TYPES if t in set(event_types)]
        unknown = set(event_types) - set(ev.EVENT_TYPES)
        if unknown or not chosen:
            raise ValidationError({"events": "Pick at least one event to send." if not unknown
                                   else f"Unknown events: {', '.join(sorted(unknown))}."})
        if endpoint_id is not None:
            with self._db.transaction() as conn:
                if not store.update_endpoint(conn, endpoint_id, clean, chosen, active, description.strip()):
                    raise NotFound(f"There is no webhook endpoint {endpoint_id}.")
            return endpoint_id, None
        secret = ev.new_secret()
        with self._db.transaction() as conn:
            new_id = store.insert_endpoint(conn, clean, chosen, active, description.strip())
            # In the transaction: if the keyring refuses, no endpoint without a secret is left behind.
            self._secrets.put(f"webhook:{new_id}", secret, session_only=session_only)
        return new_id, secret

    def keep_secret_for_session(self, endpoint_id: int, secret: str) -> None:
        """When the keyring is unavailable: use ``secret`` until Paydesk closes (never written to disk)."""
        self._secrets.put(self.endpoint(endpoint_id).secret_name, secret, session_only=True)

    def delete(self, endpoint_id: int) -> None:
        """Remove the endpoint, its delivery log and its secret."""
        with self._db.transaction() as conn:
            found = store.endpoint(conn, endpoint_id)
            if found is None or not store.delete_endpoint(conn, endpoint_id):
                raise NotFound(f"There is no webhook endpoint {endpoint_id}.")
        self._secrets.delete(found.secret_name)

    def rotate_secret(self, endpoint_id: int) -> str:
        """A new signing secret, in force at once for every delivery from now on (retries included);
        returned to be shown once. The old one stops working: update the receiver right away."""
        found = self.endpoint(endpoint_id)
        secret = ev.new_secret()
        self._secrets.put(found.secret_name, secret)
        return secret

    def test(self, endpoint_id: int) -> PingResult:
        """Send a ``ping`` event to this endpoint now (it is in the delivery log like any delivery)."""
        found = self.endpoint(endpoint_id)
        now = self._clock()
        with self._db.transaction() as conn:
            uid = event_store.record(conn, ev.PING, {"endpoint": {"id": found.id, "url": found.url}})
            event_id = store.event_row_id(conn, uid)
            assert event_id is not None
            delivery_id = store.add_delivery(conn, event_id, endpoint_id, now)
        client = self._client_factory()
        try:
            with self._db.transaction() as conn:
                attempt = store.claim(conn, delivery_id, now, now + LEASE)
            assert attempt is not None
            result = self._attempt(client, attempt, DeliveryReport())
        finally:
            client.close()
        if result.status is not None and 200 <= result.status < 300:
            return PingResult(delivery_id, True, result.status, f"The receiver answered {result.status}.")
        if result.status is not None:
            return PingResult(delivery_id, False, result.status,
                              f"The receiver answered {result.status}: {result.excerpt[:200]}".rstrip(": "))
        return PingResult(delivery_id, False, None, result.error)

    # --- the log ----------------------------------------------------------------------------------
    def deliveries(self, endpoint_id: int | None = None, states: tuple[str, ...] = store.STATES,
                   event_id: str | None = None, limit: int = 500) -> list[DeliveryEntry]:
        """The delivery log, newest first (``event_id`` is the public ``evt_...`` id)."""
        with self._db.reading() as conn:
            return store.log(conn, endpoint_id, states, event_id, limit)

    def counts(self) -> dict[str, int]:
        with self._db.reading() as conn:
            return store.counts(conn)

    def body(self, delivery_id: int) -> str:
        """The JSON body the delivery sends (without headers), for "show what was sent"."""
        with self._db.reading() as conn:
            found = store.body_of(conn, delivery_id)
        if found is None:
            raise NotFound(f"There is no webhook delivery {delivery_id}.")
        return ev.envelope(*found)

    def replay(self, delivery_id: int | None = None, event_id: str | None = None) -> list[int]:
        """Send an event again as a new delivery with the same event id: the delivery's event to its
        endpoint, or (``event_id``, ``evt_...``) the event to every endpoint it went to. Returns the new deliveries."""
        now = self._clock()
        with self._db.transaction() as conn:
            if delivery_id is not None:
                found = store.delivery_event(conn, delivery_id)
                if found is None:
                    raise NotFound(f"There is no webhook delivery {delivery_id}.")
                targets = [found]
            elif event_id is not None:
                row_id = store.event_row_id(conn, event_id)
                if row_id is None:
                    raise NotFound(f"There is no event {event_id}.")
                targets = [(row_id, endpoint) for endpoint in store.endpoints_of_event(conn, row_id)]
                if not targets:
                    raise PaydeskError(f"Event {event_id} was not sent to any endpoint, so there is nothing to replay.")
            else:
                raise ValueError("replay needs a delivery id or an event id")
            return [store.add_delivery(conn, event, endpoint, now) for event, endpoint in targets]

    def emit_overdue(self, today: date) -> int:
        """The daily check: ``invoice.overdue`` for invoices that fell due and are not yet announced."""
        with self._db.transaction() as conn:
            return event_store.emit_overdue(conn, today)

    # --- delivering -------------------------------------------------------------------------------
    def deliver(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> DeliveryReport:
        """Send every delivery that is due; safe to call again at any time (and from two processes)."""
        report = DeliveryReport()
        with self._db.reading() as conn:
            due = store.due_ids(conn, self._clock())
        if not due:
            return report
        client = self._client_factory()
        unreachable: set[int] = set()
        try:
            for index, delivery_id in enumerate(due):
                if cancel is not None and cancel.cancelled:
                    report.remaining += len(due) - index
                    break
                now = self._clock()
                with self._db.transaction() as conn:
                    attempt = store.claim(conn, delivery_id, now, now + LEASE)
                if attempt is None:
                    continue
                if attempt.endpoint_id in unreachable:  # deferred already; give the claim back untouched
                    self._requeue_untried(attempt, now)
                    report.remaining += 1
                    continue
                result = self._attempt(client, attempt, report)
                if result.unreachable:
                    unreachable.add(attempt.endpoint_id)
                    self._defer_endpoint(attempt, result)
                progress(index + 1, len(due))
        finally:
            client.close()
        return report

    def _attempt(self, client: WebhookClient, attempt: store.Attempt, report: DeliveryReport) -> PostResult:
        secret = self._secrets.get(attempt.secret_name)
        now = self._clock()
        if secret is None:
            result = PostResult(None, error="The signing secret of this endpoint is not in the keyring: "
                                            "rotate the secret in Settings › Webhooks and update the receiver.")
        else:
            body = ev.envelope(attempt.event_uid, attempt.event_type, attempt.occurred_at, attempt.payload)
            headers = ev.delivery_headers(secret, body, attempt.event_uid, attempt.event_type, attempt.id,
                                          int(now.timestamp()))
            result = client.post(attempt.url, body, headers)
            now = self._clock()
        excerpt = result.excerpt.replace(secret, "[secret]") if secret else result.excerpt
        with self._db.transaction() as conn:
            if result.status is not None and 200 <= result.status < 300:
                store.settle(conn, attempt.id, store.DELIVERED, now, result.status, excerpt, "")
                report.delivered += 1
                return result
            error = result.error or f"HTTP {result.status}"
            report.errors.append(f"{attempt.url}: {error}")
            again = None
            if result.status is None or ev.retriable_status(result.status):
                again = ev.retry_at(attempt.attempts, now, attempt.created_at)
            if again is None:
                store.settle(conn, attempt.id, store.FAILED, now, result.status, excerpt, error)
                report.failed += 1
            else:
                store.settle(conn, attempt.id, store.PENDING, now, result.status, excerpt, error, again)
                report.retrying += 1
        return result

    def _defer_endpoint(self, attempt: store.Attempt, result: PostResult) -> None:
        now = self._clock()
        until = now + ev.retry_delay(attempt.attempts)
        with self._db.transaction() as conn:
            store.defer_endpoint(conn, attempt.endpoint_id, now, until, result.error)

    def _requeue_untried(self, attempt: store.Attempt, now: datetime) -> None:
        with self._db.transaction() as conn:
            store.release(conn, attempt.id, now, now + ev.retry_delay(1), "not tried: the receiver could not be reached")
