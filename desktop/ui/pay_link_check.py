"""Settings › Check pay links: ask the payment provider about every open pay link in the
background (progress, cancel) and tell the user which payments were booked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from desktop.domain.payment import PaymentMethod
from desktop.services.pay_links import PollReport
from desktop.services.paydesk import Paydesk
from desktop.services.payments import PaymentSummary
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.tasks import Task, TaskRunner

MAX_LISTED = 20


def _tr(text: str) -> str:
    return QCoreApplication.translate("pay_link_check", text)


def summary_text(report: PollReport, booked: list[PaymentSummary]) -> str:
    """What the user is told after a check (``booked``: the summaries of ``report.paid``)."""
    lines = [_tr("{checked} open pay links checked.").format(checked=report.checked)]
    if report.cancelled:
        lines.append(_tr("Cancelled: the other links are checked next time."))
    if report.paid:
        lines.append(_tr("{count} paid; the payments were booked:").format(count=len(report.paid)))
        lines += [f"• {p.customer_name}: {p.amount} {p.currency} ({', '.join(p.invoices)})" for p in booked[:MAX_LISTED]]
        if len(report.paid) > min(len(booked), MAX_LISTED):
            lines.append(_tr("…and {more} more (see Payments).").format(more=len(report.paid) - min(len(booked), MAX_LISTED)))
    else:
        lines.append(_tr("No new payments."))
    if report.errors:
        lines.append(_tr("Problems:"))
        lines += [f"• {error}" for error in report.errors[:MAX_LISTED]]
    return "\n".join(lines)


def check_pay_links(paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None,
                    on_booked: Callable[[], None] | None = None) -> Task[tuple[PollReport, list[PaymentSummary]]]:
    """Poll in the background; a summary is shown when done and ``on_booked`` runs if anything was booked."""

    def work(progress: ProgressCallback, token: CancelToken) -> tuple[PollReport, list[PaymentSummary]]:
        report = paydesk.pay_links.poll(progress, lambda: token.cancelled)
        paid = set(report.paid)
        booked = [p for p in paydesk.payments.list(limit=max(500, 4 * len(paid)))
                  if p.id in paid and p.method is PaymentMethod.PAY_LINK] if paid else []
        return report, booked

    def done(result: tuple[PollReport, list[PaymentSummary]]) -> None:
        report, booked = result
        if report.paid and on_booked is not None:
            on_booked()
        messages.inform(parent, _tr("Pay links"), summary_text(report, booked))

    return tasks.run(work, done, title=_tr("Checking pay links…"), dialog_parent=parent,
                     on_failure=lambda error: messages.show_error(parent, error))


def check_pay_links_action(paydesk: Callable[[], Paydesk], tasks: TaskRunner, parent: QWidget,
                           on_booked: Callable[[], None] | None = None) -> QAction:
    """The menu action; ``paydesk`` is called when triggered (the window's current database)."""
    action = QAction(_tr("Check &pay links"), parent)
    action.setStatusTip(_tr("Ask the payment provider which pay links were paid and book those payments"))
    action.triggered.connect(lambda: check_pay_links(paydesk(), tasks, parent, on_booked))
    return action
