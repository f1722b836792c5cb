"""Recording payments and spreading them over invoices; what is left stays as customer credit."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.errors import NotFound, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.money import round_money
from desktop.domain.payment import Allocation, OpenItem, PaymentInput, oldest_first, validate_payment
from desktop.store import audit
from desktop.store import events as event_store
from desktop.store import invoices as invoice_store
from desktop.store import payments as store
from desktop.store.database import Database
from desktop.store.payments import PaymentSummary

__all__ = ["PaymentService", "PaymentSummary"]


class PaymentService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open_items(self, customer_id: CustomerId, currency: str | None = None) -> list[OpenItem]:
        with self._db.reading() as conn:
            return store.open_items(conn, customer_id, currency)

    def suggest(self, customer_id: CustomerId, amount: Decimal, currency: str) -> list[Allocation]:
        """Oldest invoices first, as a starting point the user can change."""
        return oldest_first(amount, self.open_items(customer_id, currency))

    def record(self, payment: PaymentInput) -> PaymentId:
        """Store a payment and its allocations; invoice states follow in the same transaction."""
        payment.amount = round_money(payment.amount, payment.currency)
        payment.allocations = [Allocation(a.invoice_id, round_money(a.amount, payment.currency))
                               for a in payment.allocations if a.amount]
        with self._db.transaction() as conn:
            items = {i.invoice_id: i for i in store.open_items(conn, payment.customer_id)}
            validate_payment(payment, items)
            payment_id = store.insert_payment(conn, payment)
            touched = {a.invoice_id for a in payment.allocations}
            invoice_store.resettle(conn, touched)
            allocated = sum((a.amount for a in payment.allocations), Decimal(0))
            numbers = ", ".join(items[a.invoice_id].number for a in payment.allocations)
            summary = f"Payment of {payment.amount} {payment.currency} received ({payment.method.value})"
            if numbers:
                summary += f" for {numbers}"
            if allocated < payment.amount:
                summary += f"; {payment.amount - allocated} {payment.currency} kept as credit"
            audit.record(conn, "payment.recorded", "payment", payment_id, summary,
                         {"customer_id": (None, payment.customer_id), "date": (None, payment.date)})
            for a in payment.allocations:
                audit.record(conn, "invoice.payment", "invoice", a.invoice_id,
                             f"{a.amount} {payment.currency} of payment {payment_id} allocated")
            event_store.record_payments(conn, [payment_id])
            return payment_id

    def allocate(self, payment_id: PaymentId, allocations: list[Allocation]) -> None:
        """Use what is left of an earlier payment (customer credit) for invoices."""
        with self._db.transaction() as conn:
            found = store.summaries(conn, payment_id=payment_id)
            if not found:
                raise NotFound(f"Payment {payment_id} does not exist.")
            payment = found[0]
            items = {i.invoice_id: i for i in store.open_items(conn, payment.customer_id)}
            wanted = sum((a.amount for a in allocations), Decimal(0))
            if wanted > payment.unallocated:
                raise ValidationError({"allocations": f"Only {payment.unallocated} {payment.currency} of the payment is free."})
            probe = PaymentInput(payment.customer_id, payment.date, payment.unallocated, payment.currency,
                                 payment.method, allocations=allocations)
            validate_payment(probe, items)
            store.add_allocations(conn, payment_id, payment.currency, allocations)
            invoice_store.resettle(conn, {a.invoice_id for a in allocations})
            for a in allocations:
                audit.record(conn, "invoice.payment", "invoice", a.invoice_id,
                             f"{a.amount} {payment.currency} of payment {payment_id} allocated")
            event_store.record_settlement(conn, {a.invoice_id for a in allocations})

    def unallocate(self, payment_id: PaymentId) -> set[InvoiceId]:
        """Undo a payment's allocations (its amount becomes credit again)."""
        with self._db.transaction() as conn:
            touched = store.remove_allocations(conn, payment_id)
            invoice_store.resettle(conn, touched)
            audit.record(conn, "payment.unallocated", "payment", payment_id,
                         f"Allocations of payment {payment_id} undone", {"invoices": (sorted(touched), None)})
            return touched

    def credit(self, customer_id: CustomerId) -> dict[str, Decimal]:
        with self._db.reading() as conn:
            return store.customer_credit(conn, customer_id)

    def list(self, customer_id: CustomerId | None = None, limit: int | None = None) -> list[PaymentSummary]:
        with self._db.reading() as conn:
            return store.summaries(conn, customer_id, limit)
