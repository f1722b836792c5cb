"""The customer cockpit: documents, payments, credits, and one timeline of everything."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from desktop.domain.debtors import NoteKind
from desktop.domain.dunning.model import PauseKind
from desktop.domain.errors import NotFound
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.debtors import DebtorService
from desktop.services.paydesk import Paydesk

T = date(2026, 11, 21)
D = Decimal


def test_cockpit_shows_documents_credits_and_a_timeline_of_everything(paydesk: Paydesk, customer, make_invoice) -> None:
    debtors = DebtorService(paydesk.db, lambda: T)
    paid = make_invoice("40.00", issue=T - timedelta(days=60), vat="0")
    a = make_invoice("100.00", issue=T - timedelta(days=45), vat="0")
    make_invoice("30.00", issue=T - timedelta(days=5), currency="USD", vat="0")
    paydesk.payments.record(PaymentInput(customer, T - timedelta(days=4), D("40.00"), "EUR",
                                         allocations=[Allocation(paid, D("40.00"))]))
    paydesk.payments.record(PaymentInput(customer, T - timedelta(days=2), D("12.00"), "EUR"))
    paydesk.credit_notes.credit_amount(paid, D("10.00"), D(0), on=T - timedelta(days=1))
    paydesk.pauses.add(customer, PauseKind.PROMISE, "Pays on Friday", until=T + timedelta(days=4))
    paydesk.pauses.add(customer, PauseKind.DISPUTE, "Wrong quantity", invoice_id=a)
    note = debtors.add_note(customer, NoteKind.CALL, "Spoke to Anna", follow_up_on=T + timedelta(days=1))
    debtors.set_credit_limit(customer, D("1000"), "EUR")

    cockpit = debtors.cockpit(customer)
    assert cockpit.open_invoices[0].id == a
    assert [(d.currency, d.open) for d in cockpit.open_invoices] == [("EUR", D("100.00")), ("USD", D("30.00"))]
    assert [(c.total, c.open) for c in cockpit.credit_notes] == [(D("10.00"), D("10.00"))]
    assert cockpit.credits == {"EUR": D("22.00")}
    assert [p.amount for p in cockpit.payments] == [D("12.00"), D("40.00")]
    assert cockpit.credit_limit == (D("1000.00"), "EUR")
    assert {p.kind for p in cockpit.active_pauses} == {PauseKind.PROMISE, PauseKind.DISPUTE}
    assert [n.id for n in cockpit.notes] == [note]
    rows = {r.currency: r for r in cockpit.rows}
    assert rows["EUR"].open_balance == D("100.00") and rows["EUR"].credit == D("22.00") and rows["EUR"].disputed
    assert rows["USD"].open_balance == D("30.00")
    kinds = [e.kind for e in cockpit.timeline]
    assert {"invoice", "credit_note", "payment", "call", "pause"} <= set(kinds)
    assert kinds.count("invoice") == 3 and kinds.count("payment") == 2
    days_ = [e.day for e in cockpit.timeline]
    assert days_ == sorted(days_, reverse=True)
    call = next(e for e in cockpit.timeline if e.kind == "call")
    assert call.detail == "Spoke to Anna" and call.state == "open" and "follow up on 2026-11-22" in call.title
    promise = next(e for e in cockpit.timeline if e.kind == "pause" and "Promise" in e.title)
    assert promise.state == "active" and promise.detail == "Pays on Friday"

    debtors.complete_follow_up(note)
    assert next(e for e in debtors.cockpit(customer).timeline if e.kind == "call").state == "done"


def test_cockpit_of_a_missing_customer(paydesk: Paydesk) -> None:
    with pytest.raises(NotFound):
        DebtorService(paydesk.db, lambda: T).cockpit(12345)
