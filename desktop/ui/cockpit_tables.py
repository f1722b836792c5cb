"""The cockpit's tabs as rows of text: open invoices, payments, credit notes and credits, the
timeline of everything (newest first) and the notes with their follow-ups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QCoreApplication

from desktop.domain.debtors import NoteKind
from desktop.domain.states import InvoiceStatus
from desktop.services.cockpit import CockpitDocument, CustomerNote, TimelineEntry
from desktop.services.payments import PaymentSummary
from desktop.ui.formatting import date_text, money, status_text
from desktop.ui.reminder_timeline import state_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("CockpitTables", text)


def invoice_titles() -> list[str]:
    return [_tr("Invoice"), _tr("Issued"), _tr("Due"), _tr("Days overdue"), _tr("Total"), _tr("Open"), _tr("Currency"),
            _tr("Level"), _tr("Status")]


def invoice_cells(doc: CockpitDocument, today: date) -> tuple[str, ...]:
    late = (today - doc.due_date).days
    return (doc.number, date_text(doc.issue_date), date_text(doc.due_date), str(late) if late > 0 else "",
            money(doc.total, doc.currency), money(doc.open, doc.currency), doc.currency,
            str(doc.level) if doc.level else "", _status(doc.status))


def payment_titles() -> list[str]:
    return [_tr("Date"), _tr("Amount"), _tr("Currency"), _tr("Not allocated"), _tr("Paid"), _tr("Note")]


def payment_cells(p: PaymentSummary) -> tuple[str, ...]:
    return (date_text(p.date), money(p.amount, p.currency), p.currency,
            money(p.unallocated, p.currency) if p.unallocated else "", ", ".join(p.invoices), p.note)


def credit_titles() -> list[str]:
    return [_tr("Credit note"), _tr("Issued"), _tr("Total"), _tr("Not yet applied"), _tr("Currency"), _tr("Status")]


def credit_cells(doc: CockpitDocument) -> tuple[str, ...]:
    return (doc.number, date_text(doc.issue_date), money(doc.total, doc.currency),
            money(doc.open, doc.currency) if doc.open else "", doc.currency, _status(doc.status))


def credit_summary(credits: dict[str, Decimal]) -> str:
    parts = [f"{money(amount, currency)} {currency}" for currency, amount in sorted(credits.items()) if amount]
    if not parts:
        return _tr("No credit: every payment is allocated and every credit note applied.")
    return _tr("Credit to use: {amounts} (payments not allocated and credit notes not applied)").format(
        amounts=", ".join(parts))


def timeline_titles() -> list[str]:
    return [_tr("Date"), _tr("What"), _tr("Event"), _tr("Details"), _tr("State")]


def timeline_kind_text(kind: str) -> str:
    texts = {"reminder": _tr("Reminder"), "pause": _tr("Pause"), "pause_ended": _tr("Pause ended"),
             "plan": _tr("Payment plan"), "collection": _tr("Collection"), "pay_link": _tr("Pay link"),
             "pay_link_paid": _tr("Pay link"), "invoice": _tr("Invoice"), "credit_note": _tr("Credit note"),
             "invoice_sent": _tr("Email"), "payment": _tr("Payment"), "note": _tr("Note"), "call": _tr("Call")}
    return texts.get(kind, kind)


def timeline_cells(e: TimelineEntry) -> tuple[str, ...]:
    state = {"due": _tr("Due"), "done": _tr("Done")}.get(e.state) or _status(e.state) or state_text(e.state)
    return (date_text(e.day), timeline_kind_text(e.kind), e.title, e.detail, state)


def note_titles() -> list[str]:
    return [_tr("Written"), _tr("Kind"), _tr("Text"), _tr("Follow up on"), _tr("Follow-up")]


def note_cells(n: CustomerNote, today: date) -> tuple[str, ...]:
    if n.follow_up_on is None:
        state = ""
    elif n.done_at is not None:
        state = _tr("Done {day}").format(day=date_text(n.done_at.date()))
    elif n.follow_up_on <= today:
        state = _tr("Due")
    else:
        state = _tr("Open")
    kind = _tr("Call") if n.kind is NoteKind.CALL else _tr("Note")
    return (date_text(n.created_at.date()), kind, n.text.replace("\n", " "), date_text(n.follow_up_on), state)


def _status(value: str) -> str:
    try:
        return status_text(InvoiceStatus(value))
    except ValueError:
        return ""
