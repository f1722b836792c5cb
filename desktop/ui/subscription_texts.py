"""How the window names a subscription's interval, timing and state, and sums up its plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QCoreApplication

from desktop.domain.invoice import InvoiceLine, Totals, compute_totals
from desktop.domain.subscriptions import PlanLine, SubscriptionState, Timing
from desktop.services.subscriptions import ChangeResult
from desktop.ui.formatting import date_text

MONTHLY, QUARTERLY, YEARLY = 1, 3, 12


def _tr(text: str) -> str:
    return QCoreApplication.translate("SubscriptionTexts", text)


def interval_text(months: int) -> str:
    """``1`` -> Monthly, ``3`` -> Quarterly, ``12`` -> Yearly, else Every 2 months."""
    names = {MONTHLY: _tr("Monthly"), QUARTERLY: _tr("Quarterly"), YEARLY: _tr("Yearly")}
    return names.get(months) or _tr("Every {months} months").format(months=months)


def per_interval(months: int) -> str:
    """``1`` -> per month, ``3`` -> per quarter, ``12`` -> per year, else per 2 months."""
    names = {MONTHLY: _tr("per month"), QUARTERLY: _tr("per quarter"), YEARLY: _tr("per year")}
    return names.get(months) or _tr("per {months} months").format(months=months)


def timing_text(timing: Timing) -> str:
    return _tr("In advance") if timing is Timing.ADVANCE else _tr("In arrears")


def state_text(state: SubscriptionState) -> str:
    return {
        SubscriptionState.ACTIVE: _tr("Active"),
        SubscriptionState.PAUSED: _tr("Paused"),
        SubscriptionState.SCHEDULED: _tr("Scheduled"),
        SubscriptionState.ENDED: _tr("Ended"),
    }[state]


def sending_text(auto_send: bool) -> str:
    return _tr("Finalize and email") if auto_send else _tr("Drafts for review")


def period_text(start: date, end: date) -> str:
    return _tr("{start} – {end}").format(start=date_text(start), end=date_text(end))


def invoice_lines(lines: Iterable[PlanLine]) -> list[InvoiceLine]:
    """Plan lines as the invoice lines one full period bills."""
    return [InvoiceLine(line.description, line.quantity, line.unit_price, line.vat_rate, unit=line.unit) for line in lines]


def plan_lines(lines: Iterable[InvoiceLine]) -> list[PlanLine]:
    return [PlanLine(line.description, line.quantity, line.unit_price, line.vat_rate, line.unit) for line in lines]


def plan_totals(lines: Iterable[PlanLine], currency: str) -> Totals:
    return compute_totals(invoice_lines(lines), currency)


def change_result_text(result: ChangeResult) -> str:
    """What a plan change, pause or cancel did with the money, in a sentence or two."""
    parts: list[str] = []
    numbers = [i.number for i in result.invoices if i.number]
    drafts = sum(1 for i in result.invoices if not i.number)
    if numbers:
        parts.append(_tr("Invoice {numbers} was made.").format(numbers=", ".join(numbers)))
    if drafts:
        parts.append(_tr("A draft invoice was made for review."))
    if result.credit_note:
        parts.append(_tr("Credit note {number} was issued.").format(number=result.credit_note))
    if result.pending:
        parts.append(_tr("The credit and charge go on the next invoice."))
    if not parts:
        parts.append(_tr("Nothing had to be credited or charged."))
    return " ".join(parts)
