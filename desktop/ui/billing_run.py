"""Run billing now: a dry run counts what is due ("12 invoices are due; make them?"), then the run
makes them in the background with progress and Cancel, and says what it made."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.domain.errors import PaydeskError
from desktop.services.billing import BillingReport
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import Cancelled, CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.formatting import money_with_currency, number
from desktop.ui.tasks import TaskRunner


def _tr(text: str) -> str:
    return QCoreApplication.translate("BillingRun", text)


def made_text(report: BillingReport) -> str:
    """``12 invoices made: 10 issued (2026-00031 to 2026-00040), 2 drafts for review.``"""
    if not report.count:
        return _tr("No invoices were due.")
    numbers = sorted(i.number for i in report.invoices if i.number)
    head = (_tr("1 invoice made") if report.count == 1
            else _tr("{count} invoices made").format(count=number(report.count)))
    parts: list[str] = []
    if len(numbers) == 1:
        parts.append(_tr("{number} issued").format(number=numbers[0]))
    elif numbers:
        parts.append(_tr("{count} issued ({first} to {last})").format(count=number(len(numbers)), first=numbers[0],
                                                                      last=numbers[-1]))
    if report.drafts:
        parts.append(_tr("1 draft for review") if report.drafts == 1
                     else _tr("{count} drafts for review").format(count=number(report.drafts)))
    return _tr("{head}: {parts}.").format(head=head, parts=", ".join(parts))


def due_text(report: BillingReport) -> str:
    """``12 invoices are due (1,234.00 EUR in all); make them?``"""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in report.invoices:
        sums[invoice.currency] += invoice.total
    amounts = ", ".join(money_with_currency(amount, currency) for currency, amount in sorted(sums.items()))
    head = (_tr("1 invoice is due") if report.count == 1
            else _tr("{count} invoices are due").format(count=number(report.count)))
    return _tr("{head} ({amounts} in all) for {subscriptions} subscriptions; make them?").format(
        head=head, amounts=amounts, subscriptions=number(report.subscriptions))


class BillingRunner(QObject):
    """Runs billing for the page that owns it.

    Signals:
        finished: the ``BillingReport`` of a run that made invoices (or made none).
        status_message: a short note for the status bar.
    """

    finished = Signal(object)
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._parent = parent
        self.running = False
        self._making = False
        self.last_report: BillingReport | None = None

    def start(self) -> None:
        """Count what is due (a dry run, in the background), ask, then make it."""
        if self.running:
            return
        self.running = True
        self._making = False
        billing = self._paydesk.billing

        def work(progress: ProgressCallback, token: CancelToken) -> BillingReport:
            return billing.run(progress=progress, cancel=token, dry_run=True)

        self._tasks.run(work, self._counted, title=self.tr("Looking for invoices that are due…"),
                        on_failure=self._failed, dialog_parent=self._parent.window())

    def _counted(self, report: BillingReport) -> None:
        if not report.count:
            self.running = False
            messages.inform(self._parent, self.tr("Run billing"), self.tr(
                "Nothing is due: every subscription is invoiced up to today."))
            return
        if not messages.confirm(self._parent, self.tr("Run billing"), due_text(report), self.tr("Make invoices")):
            self.running = False
            return
        self._making = True
        billing = self._paydesk.billing

        def work(progress: ProgressCallback, token: CancelToken) -> BillingReport:
            return billing.run(progress=progress, cancel=token)

        self._tasks.run(work, self._made, title=self.tr("Making the invoices that are due…"), on_failure=self._failed,
                        dialog_parent=self._parent.window())

    def _made(self, report: BillingReport) -> None:
        self.running = False
        self.last_report = report
        text = made_text(report)
        self.status_message.emit(self.tr("Billing run: {made}").format(made=text))
        self.finished.emit(report)
        messages.inform(self._parent, self.tr("Run billing"), text)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        if isinstance(error, Cancelled) and not self._making:
            return
        if isinstance(error, Cancelled):
            text = self.tr("Billing run stopped. The invoices made before you cancelled are kept; the next run "
                           "goes on from there.")
            self.status_message.emit(text)
            self.finished.emit(None)
            messages.inform(self._parent, self.tr("Run billing"), text)
            return
        messages.show_error(self._parent, error if isinstance(error, PaydeskError) else str(error))
        self.finished.emit(None)
