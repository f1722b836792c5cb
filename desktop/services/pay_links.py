"""Pay links for reminders: one link per message (customer, invoices, amount), created at the
provider with an idempotency key committed to the database first, so a retry after a timeout, a
crash or a restart returns the same link; polling books a paid link's payment once.

``link_for(plan)`` is what the reminder run calls; ``poll()`` runs in the background; ``links(customer)``
feeds the customer's timeline."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from desktop.domain.dunning.model import DueInvoice, Level, ReminderPlan
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.money import from_minor, round_money, to_minor
from desktop.domain.payment import Allocation, PaymentInput, PaymentMethod, validate_payment
from desktop.gateways.http_client import LinkRequest, LinkState, ProviderError, ProviderUnavailable
from desktop.services.provider_settings import (
    API_PROVIDERS,
    Gateway,
    ProviderKind,
    ProviderSettings,
    ProviderSettingsService,
    render_template,
)
from desktop.store import audit
from desktop.store import events as event_store
from desktop.store import invoices as invoice_store
from desktop.store import pay_links as store
from desktop.store import payments as payment_store
from desktop.store.database import Database
from desktop.store.schema import invoices

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class PayLink:
    """A link to put into the reminder email and PDF. ``id`` is Paydesk's (None for a URL template)."""

    url: str
    provider: str
    id: int | None = None
    provider_id: str = ""


@dataclass(frozen=True, slots=True)
class PayLinkInfo:
    """A link as the customer's timeline shows it."""

    id: int
    provider: str
    state: str  # creating, open, paid, closed, failed
    url: str
    amount: Decimal
    currency: str
    invoice_numbers: tuple[str, ...]
    created_at: datetime
    paid_on: date | None
    payment_id: PaymentId | None
    last_error: str


@dataclass(slots=True)
class PollReport:
    checked: int = 0
    paid: list[PaymentId] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False


_INVOICE_EMAIL = Level(0, "Invoice email", 0, "invoice")  # what ``link_for_invoices`` passes as the plan's level


def _description(plan: ReminderPlan) -> str:
    numbers = plan.invoice_numbers
    return f"Invoice {numbers[0]}" if len(numbers) == 1 else f"Invoices {', '.join(numbers)}"


class PayLinkService:
    def __init__(self, db: Database, provider_settings: ProviderSettingsService, today: Callable[[], date] = date.today,
                 timeout: tuple[float, float] | None = None) -> None:
        self._db = db
        self._settings = provider_settings
        self._today = today
        self._timeout = timeout

    # Creating --------------------------------------------------------------------------------------------------
    def enabled(self) -> bool:
        """Whether pay links are switched on (a run over many customers can ask once instead of per message)."""
        return self._settings.get().provider is not ProviderKind.NONE

    def link_for(self, plan: ReminderPlan) -> PayLink | None:
        """The link for this message, reusing an open one for the same invoices and amount; None when pay links are
        off or there is nothing to pay. Raises ``ProviderError`` (refused: the provider's message),
        ``ProviderUnavailable`` (retriable: the next call reuses the stored key) or ``NotConfigured``."""
        cfg = self._settings.get()
        amount = round_money(plan.amount, plan.currency)
        if cfg.provider is ProviderKind.NONE or amount <= 0 or not plan.invoices:
            return None
        if cfg.provider is ProviderKind.URL_TEMPLATE:
            return PayLink(self._template_url(cfg, plan, amount), cfg.provider.value)
        gateway = self._gateway(cfg)
        try:
            return self._create(gateway, cfg, plan, amount)
        finally:
            gateway.close()

    def link_for_invoices(
        self, customer_id: CustomerId, invoices: Sequence[DueInvoice], amount: Decimal, currency: str, *,
        customer_number: str = "", country: str = "",
    ) -> PayLink | None:
        """A link for invoices outside a reminder (the invoice or renewal email): the same reuse,
        idempotency and errors as ``link_for``."""
        open_total = sum((i.open_amount for i in invoices), Decimal(0))
        plan = ReminderPlan(customer_id, customer_number, "", "en", country, [], currency, _INVOICE_EMAIL, 0, list(invoices),
                            credits=open_total - amount)
        return self.link_for(plan)

    def _create(self, gateway: Gateway, cfg: ProviderSettings, plan: ReminderPlan, amount: Decimal) -> PayLink:
        provider = cfg.provider.value
        amount_minor = to_minor(amount, plan.currency)
        key = store.invoices_key([i.invoice_id for i in plan.invoices])
        description = _description(plan)
        with self._db.transaction() as conn:  # committed before the provider is called
            found = store.find_reusable(conn, plan.customer_id, provider, key, plan.currency, amount_minor)
            if found is not None and found.state == "open":
                return PayLink(found.url, provider, found.id, found.provider_id or "")
            if found is not None:
                link_id, idempotency_key = found.id, found.idempotency_key
            else:
                idempotency_key = str(uuid.uuid4())
                parts = {i.invoice_id: to_minor(round_money(i.open_amount, plan.currency), plan.currency) for i in plan.invoices}
                link_id = store.reserve(conn, plan.customer_id, provider, idempotency_key, plan.currency, amount_minor,
                                        description, parts)
        request = LinkRequest(amount, plan.currency, description, f"paydesk-{link_id}", tuple(plan.invoice_numbers),
                              plan.customer_number, cfg.methods_for(plan.country), cfg.redirect_url)
        try:
            made = gateway.create_link(request, idempotency_key)
        except ProviderUnavailable as error:
            with self._db.transaction() as conn:
                store.note_error(conn, link_id, str(error))
            raise
        except ProviderError as error:
            with self._db.transaction() as conn:
                store.mark_failed(conn, link_id, str(error))
            raise
        with self._db.transaction() as conn:
            store.mark_open(conn, link_id, made.provider_id, made.url)
            audit.record(conn, "pay_link.created", "pay_link", link_id,
                         f"{provider.title()} pay link for {', '.join(plan.invoice_numbers)}: {amount} {plan.currency}")
        return PayLink(made.url, provider, link_id, made.provider_id)

    def _template_url(self, cfg: ProviderSettings, plan: ReminderPlan, amount: Decimal) -> str:
        reference = ""
        if len(plan.invoices) == 1:
            with self._db.reading() as conn:
                reference = conn.execute(invoices.select().with_only_columns(invoices.c.reference)
                                         .where(invoices.c.id == plan.invoices[0].invoice_id)).scalar() or ""
        return render_template(cfg.url_template, {
            "number": ",".join(plan.invoice_numbers), "amount": f"{amount:f}", "currency": plan.currency,
            "reference": reference, "customer": plan.customer_number,
        })

    def _gateway(self, cfg: ProviderSettings) -> Gateway:
        gateway = self._settings.gateway(cfg, self._timeout)
        assert gateway is not None
        return gateway

    # Polling ---------------------------------------------------------------------------------------------------
    def poll(self, progress: Progress | None = None, cancel: Cancel | None = None) -> PollReport:
        """Ask the provider about every open link; book each paid one once. Problems are reported, not raised."""
        report = PollReport()
        with self._db.reading() as conn:
            links = store.open_links(conn)
        cfg = self._settings.get()
        gateways: dict[str, Gateway | PaydeskError] = {}
        try:
            for index, link in enumerate(links):
                if cancel is not None and cancel():
                    report.cancelled = True
                    break
                if progress is not None:
                    progress(index, len(links))
                gateway = gateways.get(link.provider)
                if gateway is None:
                    gateway = gateways[link.provider] = self._gateway_for(cfg, link.provider)
                if isinstance(gateway, PaydeskError):
                    report.errors.append(f"Link {link.id}: {gateway}")
                    continue
                self._poll_one(gateway, link, report)
            if progress is not None and not report.cancelled:
                progress(len(links), len(links))
        finally:
            for gateway in gateways.values():
                if not isinstance(gateway, PaydeskError):
                    gateway.close()
        return report

    def _gateway_for(self, cfg: ProviderSettings, provider: str) -> Gateway | PaydeskError:
        """Links made with an earlier provider are still followed, with that provider's key."""
        kind = ProviderKind(provider)
        if kind not in API_PROVIDERS:
            return PaydeskError(f"{provider} links cannot be followed.")
        try:
            return self._gateway(dataclasses.replace(cfg, provider=kind))
        except PaydeskError as error:
            return error

    def _poll_one(self, gateway: Gateway, link: store.PayLinkRecord, report: PollReport) -> None:
        report.checked += 1
        try:
            state = gateway.link_state(link.provider_id or "")
        except PaydeskError as error:
            report.errors.append(f"Link {link.id}: {error}")
            with self._db.transaction() as conn:
                store.note_error(conn, link.id, str(error))
            return
        if state.paid:
            payment_id = self._book(link, state)
            if payment_id is not None:
                report.paid.append(payment_id)
            return
        with self._db.transaction() as conn:
            store.mark_polled(conn, link.id, closed=state.closed)

    def _book(self, link: store.PayLinkRecord, state: LinkState) -> PaymentId | None:
        """Record the payment against the link's invoices, once: the link leaves 'open' in the same transaction."""
        currency = link.currency
        amount = state.amount if state.amount and state.currency.upper() == currency else from_minor(link.amount_minor, currency)
        amount = round_money(amount, currency)
        provider = link.provider.title()
        with self._db.transaction() as conn:
            current = store.get(conn, link.id)
            if current is None or current.state != "open":
                return None
            items = {i.invoice_id: i for i in payment_store.open_items(conn, link.customer_id, currency)}
            allocations: list[Allocation] = []
            left = amount
            for invoice_id, minor in store.parts(conn, link.id).items():
                item = items.get(invoice_id)
                if item is None or left <= 0:
                    continue
                take = min(from_minor(minor, currency), item.open_amount, left)
                if take > 0:
                    allocations.append(Allocation(invoice_id, take))
                    left -= take
            note = f"Paid through {provider} pay link {link.provider_id}"
            if state.payment_ref and state.payment_ref != link.provider_id:
                note += f" ({state.payment_ref})"
            payment = PaymentInput(CustomerId(link.customer_id), state.paid_on or self._today(), amount, currency,
                                   PaymentMethod.PAY_LINK, note, allocations)
            validate_payment(payment, items)
            payment_id = payment_store.insert_payment(conn, payment)
            if not store.mark_paid(conn, link.id, payment_id, payment.date, state.payment_ref):
                raise RuntimeError(f"pay link {link.id} left 'open' inside a write transaction")
            invoice_store.resettle(conn, {a.invoice_id for a in allocations})
            numbers = ", ".join(current.invoice_numbers)
            summary = f"Payment of {amount} {currency} received through a {provider} pay link for {numbers}"
            if left > 0:
                summary += f"; {left} {currency} kept as credit"
            audit.record(conn, "payment.recorded", "payment", payment_id, summary,
                         {"customer_id": (None, link.customer_id), "date": (None, payment.date)})
            audit.record(conn, "pay_link.paid", "pay_link", link.id, f"Paid: payment {payment_id} booked ({note})")
            for a in allocations:
                audit.record(conn, "invoice.payment", "invoice", a.invoice_id,
                             f"{a.amount} {currency} of payment {payment_id} allocated (pay link)")
            event_store.record_payments(conn, [payment_id])
        log.info("pay link %s paid: payment %s", link.id, payment_id)
        return payment_id

    # Reading ---------------------------------------------------------------------------------------------------
    def links(self, customer_id: CustomerId) -> list[PayLinkInfo]:
        """The customer's links, newest first, for the timeline."""
        with self._db.reading() as conn:
            records = store.for_customer(conn, customer_id)
        return [_info(r) for r in records]

    def link(self, link_id: int) -> PayLinkInfo | None:
        with self._db.reading() as conn:
            record = store.get(conn, link_id)
        return _info(record) if record is not None else None

    def open_links_for_invoice(self, invoice_id: InvoiceId) -> list[PayLinkInfo]:
        with self._db.reading() as conn:
            records = [r for r in store.open_links(conn) if str(invoice_id) in r.invoices_key.split(",")]
            return [_info(store.get(conn, r.id) or r) for r in records]


def _info(r: store.PayLinkRecord) -> PayLinkInfo:
    return PayLinkInfo(r.id, r.provider, r.state, r.url, from_minor(r.amount_minor, r.currency), r.currency,
                       r.invoice_numbers, r.created_at, r.paid_on, r.payment_id, r.last_error)
