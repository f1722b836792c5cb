"""Quiet periodic work while the window is open: every minute the outbox delivers the messages
that are due, and every 15 minutes (first 10 s after start) the payment provider is asked about
open pay links; every minute due webhook deliveries go out (when an endpoint exists), and once a
day (first 10 s after start) the invoices that fell overdue are announced as events. Never a
dialog: what happened goes to the status bar (``status``) and problems to ``problem``; one job at
a time, and none while ``busy()`` says the user is sending a run. 2 s after start, when
subscriptions have invoices due, the billing run makes them (``billed``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from desktop.domain.errors import PaydeskError
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken

DELIVER_EVERY_MS = 60_000
POLL_EVERY_MS = 15 * 60_000
FIRST_POLL_MS = 10_000
WEBHOOKS_EVERY_MS = 60_000
OVERDUE_CHECK_EVERY_MS = 60 * 60_000  # hourly look at the date; the overdue events go out once a day
FIRST_OVERDUE_MS = 10_000
FIRST_BILLING_MS = 2_000


class _Signals(QObject):
    done = Signal(str, object)  # job name, result or exception


class _Run(QRunnable):
    def __init__(self, name: str, work: Callable[[], object], signals: _Signals) -> None:
        super().__init__()
        self._name = name
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result: object = self._work()
        except BaseException as error:  # reported on the UI thread
            result = error
        self._signals.done.emit(self._name, result)


class BackgroundJobs(QObject):
    """Owns the timers and one worker thread. ``deliver_now``/``poll_now`` run a job at once (if none runs).

    Signals:
        status: a short note for the status bar.
        problem: a problem to show where the user looks for it (the outbox tab), not in a dialog.
        delivered: the outbox changed (messages sent, retried or failed).
        payments_booked: pay links were paid and their payments booked.
        webhooks_delivered: webhook deliveries were sent, retried or failed.
        billed: the start-up billing run made invoices (its ``BillingReport``).
    """

    status = Signal(str)
    problem = Signal(str)
    delivered = Signal()
    payments_booked = Signal()
    webhooks_delivered = Signal()
    billed = Signal(object)

    def __init__(self, paydesk: Paydesk, parent: QObject | None = None, busy: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._busy = busy
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._finished)
        self._token = CancelToken()
        self.running = ""  # the job that runs now, "" when none
        self.deliver_timer = QTimer(self, interval=DELIVER_EVERY_MS)
        self.deliver_timer.timeout.connect(self.deliver_now)
        self.poll_timer = QTimer(self, interval=POLL_EVERY_MS)
        self.poll_timer.timeout.connect(self.poll_now)
        self.first_poll = QTimer(self, singleShot=True, interval=FIRST_POLL_MS)
        self.first_poll.timeout.connect(self.poll_now)
        self.overdue_date: date | None = None  # the day the overdue events were last emitted
        self._queued: list[Callable[[], bool]] = []  # webhook jobs that found another job running
        self._signals.done.connect(self._run_queued)
        self.webhooks_timer = QTimer(self, interval=WEBHOOKS_EVERY_MS)
        self.webhooks_timer.timeout.connect(self.deliver_webhooks_now)
        self.overdue_timer = QTimer(self, interval=OVERDUE_CHECK_EVERY_MS)
        self.overdue_timer.timeout.connect(self.emit_overdue_now)
        self.first_overdue = QTimer(self, singleShot=True, interval=FIRST_OVERDUE_MS)
        self.first_overdue.timeout.connect(self.emit_overdue_now)
        self.first_billing = QTimer(self, singleShot=True, interval=FIRST_BILLING_MS)
        self.first_billing.timeout.connect(self._bill_on_start)

    def start(self) -> None:
        self.deliver_timer.start()
        self.poll_timer.start()
        self.first_poll.start()
        self.webhooks_timer.start()
        self.overdue_timer.start()
        self.first_overdue.start()
        self.first_billing.start()

    def stop(self, wait_ms: int = 30_000) -> None:
        """Stop the timers, ask a running job to stop, and wait for it (before the database closes)."""
        self._queued.clear()
        for timer in (self.deliver_timer, self.poll_timer, self.first_poll, self.webhooks_timer, self.overdue_timer,
                      self.first_overdue, self.first_billing):
            timer.stop()
        self._token.cancel()
        self._pool.waitForDone(wait_ms)

    def _can_start(self) -> bool:
        return not self.running and not self._busy() and not self._token.cancelled

    def deliver_now(self) -> bool:
        """Deliver due outbox messages when email is set up; False when nothing was started."""
        if not self._can_start() or not self._paydesk.mail_settings.load().configured:
            return False
        outbox, invoice_mail, token = self._paydesk.outbox, self._paydesk.invoice_mail, self._token

        def work() -> object:
            # The billing run's renewal and invoice emails (with their PDFs) are composed here, in the
            # background, then go out with everything else that is due.
            if invoice_mail.pending_count():
                with contextlib.suppress(PaydeskError):  # a notice that can't be composed waits for the next round
                    invoice_mail.queue_subscription_notices(cancel=token)
            return outbox.deliver(cancel=token)

        return self._start("deliver", work)

    def poll_now(self) -> bool:
        """Ask the provider about open pay links when one is set up; False when nothing was started."""
        if not self._can_start() or not self._paydesk.pay_links.enabled():
            return False
        pay_links, token = self._paydesk.pay_links, self._token
        return self._start("poll", lambda: pay_links.poll(cancel=lambda: token.cancelled))

    def deliver_webhooks_now(self) -> bool:
        """Send the due webhook deliveries when an endpoint exists; False when nothing was started
        (when another job runs, it starts once that one is done)."""
        if not self._paydesk.webhooks.endpoints():
            return False
        if self.running and not self._token.cancelled:
            self._queue(self.deliver_webhooks_now)
        if not self._can_start():
            return False
        webhooks, token = self._paydesk.webhooks, self._token
        return self._start("webhooks", lambda: webhooks.deliver(cancel=token))

    def emit_overdue_now(self) -> bool:
        """Once a day: ``invoice.overdue`` events for the invoices that fell due, then their delivery."""
        today = self._paydesk.today()
        if self.overdue_date == today:
            return False
        if self.running and not self._token.cancelled:
            self._queue(self.emit_overdue_now)
        if not self._can_start():
            return False
        webhooks, token = self._paydesk.webhooks, self._token

        def work() -> object:
            emitted = webhooks.emit_overdue(today)
            report = webhooks.deliver(cancel=token) if webhooks.endpoints() else None
            return today, emitted, report

        return self._start("overdue", work)

    def bill_now(self) -> bool:
        """Make the invoices that are due (counted in the worker: no run when none are); False when
        nothing was started."""
        if not self._can_start():
            return False
        billing, token = self._paydesk.billing, self._token
        return self._start("billing", lambda: billing.run(cancel=token) if billing.due_count() else None)

    def _bill_on_start(self) -> None:
        if not self.bill_now() and self.running:
            self.first_billing.start()  # another job runs: try again a little later

    def _queue(self, job: Callable[[], bool]) -> None:
        if job not in self._queued:
            self._queued.append(job)

    def _run_queued(self, *_args: object) -> None:
        while self._queued and self._can_start():
            if self._queued.pop(0)():
                return

    def _start(self, name: str, work: Callable[[], object]) -> bool:
        self.running = name
        self._pool.start(_Run(name, work, self._signals))
        return True

    def _finished(self, name: str, result: Any) -> None:
        self.running = ""
        if name == "billing":
            self._after_billing(result)
            return
        if isinstance(result, PaydeskError):
            self.problem.emit(str(result))
            self.status.emit(self.tr("Background delivery: {problem}").format(problem=result) if name == "deliver"
                             else self.tr("Webhooks: {problem}").format(problem=result) if name in ("webhooks", "overdue")
                             else self.tr("Checking pay links: {problem}").format(problem=result))
            return
        if isinstance(result, BaseException):
            self.problem.emit(self.tr("Unexpected problem in background work: {error}").format(error=result))
            return
        if name == "deliver":
            self._after_delivery(result)
        elif name == "overdue":
            self.overdue_date, _emitted, report = result
            if report is not None:
                self._after_webhooks(report)
        elif name == "webhooks":
            self._after_webhooks(result)
        else:
            self._after_poll(result)

    def _after_delivery(self, report: Any) -> None:
        if not (report.sent or report.retrying or report.failed or report.stopped):
            return
        self.delivered.emit()
        if report.stopped:
            self.problem.emit(report.stopped)
            self.status.emit(self.tr("Email could not be sent: {problem}").format(problem=report.stopped))
        elif report.failed or report.retrying:
            self.problem.emit("; ".join(report.errors[:3]))
            self.status.emit(self.tr("{sent} reminders sent, {retrying} to retry, {failed} failed (see Reminders › Outbox)")
                             .format(sent=report.sent, retrying=report.retrying, failed=report.failed))
        else:
            self.status.emit(self.tr("{sent} reminders sent").format(sent=report.sent))

    def _after_poll(self, report: Any) -> None:
        if report.paid:
            self.payments_booked.emit()
            self.status.emit(self.tr("{count} pay links were paid; the payments were booked").format(count=len(report.paid)))
        if report.errors:
            self.problem.emit("; ".join(report.errors[:3]))

    def _after_webhooks(self, report: Any) -> None:
        """Webhook problems go to the status bar only (the delivery log in Settings › Webhooks has the details)."""
        if not (report.delivered or report.retrying or report.failed):
            return
        self.webhooks_delivered.emit()
        if report.failed or report.retrying:
            self.status.emit(self.tr("Webhooks: {delivered} delivered, {retrying} to retry, {failed} failed "
                                     "(see Settings › Webhooks › Delivery log)").format(
                delivered=report.delivered, retrying=report.retrying, failed=report.failed))
        else:
            self.status.emit(self.tr("Webhooks: {delivered} events delivered").format(delivered=report.delivered))

    def _after_billing(self, result: Any) -> None:
        """The start-up run says what it made, or what went wrong, in the status bar only."""
        from desktop.ui.billing_run import made_text
        from desktop.ui.messages import error_text

        if isinstance(result, PaydeskError):
            self.status.emit(self.tr("Billing run: {problem}").format(problem=error_text(result)))
        elif isinstance(result, BaseException):
            self.status.emit(self.tr("Billing run failed: {error}. Try Run billing now on the Subscriptions page.")
                             .format(error=result))
        elif result is not None:
            self.status.emit(self.tr("Billing run: {made}").format(made=made_text(result)))
            self.billed.emit(result)
