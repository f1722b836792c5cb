"""Emailing invoices: the renewal notice of an in-advance subscription invoice and the invoice email
of one billed in arrears, queued after a billing run for every billed period whose notice is
pending; and any single issued invoice the user emails.

Each message is composed (template in the customer's language, the invoice PDF attached, a pay link
when a provider is set up) outside the database, then queued in the outbox in the transaction that
moves the period's notice from ``pending`` to ``queued``: a conditional update, so two calls at once
(or a re-run) queue each notice once, and a notice is never marked without its message. A customer
without an email address gets none: the notice becomes ``skipped`` and the reason is written to the
invoice's audit trail. Drafts, void invoices and credit notes are never emailed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from desktop.documents.email_message import Attachment, ComposedEmail, build_message
from desktop.documents.invoice_email_context import InvoiceMail, SubscriptionPeriod, invoice_email_context
from desktop.domain.company import Company
from desktop.domain.dunning.model import DueInvoice
from desktop.domain.errors import PaydeskError, StateError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.documents import DocumentService, file_name
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.pay_links import PayLinkService
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.services.templates import TemplateService
from desktop.store import audit
from desktop.store import company as company_store
from desktop.store import customers as customer_store
from desktop.store import events as event_store
from desktop.store import invoices as invoice_store
from desktop.store import outbox as outbox_store
from desktop.store import subscription_billing as notices
from desktop.store.database import Connection, Database

log = logging.getLogger(__name__)
PAGE = 200


class NoEmailAddress(PaydeskError):
    """The customer has no email address: the invoice cannot be emailed."""

    def __init__(self, invoice_number: str, customer_number: str, customer_name: str) -> None:
        super().__init__(f"Customer {customer_number} ({customer_name}) has no email address: add one to the customer, "
                         f"then email invoice {invoice_number} from the invoice list.")
        self.invoice_number = invoice_number
        self.customer_number = customer_number


@dataclass(frozen=True, slots=True)
class SkippedNotice:
    invoice_number: str
    customer_number: str
    reason: str


@dataclass(slots=True)
class NoticeReport:
    """What ``queue_subscription_notices`` did. ``count`` is the number of emails queued."""

    queued: int = 0
    skipped: list[SkippedNotice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # left pending, tried again next time (e.g. a broken template)
    warnings: list[str] = field(default_factory=list)  # queued, but e.g. without a pay link
    taken: int = 0  # queued meanwhile by another call
    cancelled: bool = False

    @property
    def count(self) -> int:
        return self.queued


class InvoiceMailService:
    def __init__(
        self, db: Database, templates: TemplateService, mail: MailSettingsService, documents: DocumentService,
        pay_links: PayLinkService | None = None, today: Callable[[], date] = date.today,
    ) -> None:
        self._db = db
        self._templates = templates
        self._mail = mail
        self._documents = documents
        self._pay_links = pay_links
        self._today = today

    def pending_count(self) -> int:
        """Subscription invoices whose email is still to be queued."""
        with self._db.reading() as conn:
            return notices.pending_notice_count(conn)

    # --- after a billing run ------------------------------------------------------------------------------------
    def queue_subscription_notices(
        self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
    ) -> NoticeReport:
        """Queue the renewal (in advance) or invoice (in arrears) email of every billed period whose
        notice is pending. A cancel stops before the next message; what is queued stays queued."""
        report = NoticeReport()
        with self._db.reading() as conn:
            total = notices.pending_notice_count(conn)
        if not total:
            return report
        settings, company = self._ready(total)
        links = self._pay_links is not None and self._pay_links.enabled()
        done = after = 0
        progress(0, total)
        while not report.cancelled:
            with self._db.reading() as conn:
                page = notices.pending_notices(conn, after, PAGE)
            if not page:
                break
            for notice in page:
                if cancel is not None and cancel.cancelled:
                    report.cancelled = True
                    break
                after = notice.period_id
                self._one_notice(notice, settings, company, links, report)
                done += 1
                progress(min(done, total), total)
        return report

    def _one_notice(self, notice: notices.PendingNotice, settings: MailSettings, company: Company, links: bool,
                    report: NoticeReport) -> None:
        if not notice.auto_send:
            self._skip(notice, "", "", f"Automatic emailing is switched off for subscription \u201c{notice.subscription}\u201d; "
                       "email the invoice from the invoice list if it should go out.", report)
            return
        if notice.invoice_id is None:
            self._skip(notice, "", "", "The invoice of this period no longer exists.", report)
            return
        period = SubscriptionPeriod(notice.subscription, notice.period_start, notice.period_end, notice.in_advance)
        try:
            with self._db.reading() as conn:
                mail = _gather(conn, InvoiceId(notice.invoice_id), period)
        except NoEmailAddress as error:
            self._skip(notice, error.invoice_number, error.customer_number, str(error), report)
            return
        except PaydeskError as error:  # a draft, void or deleted invoice
            self._skip(notice, "", "", str(error), report)
            return
        try:
            composed = self._compose(mail, settings, company, links)
        except PaydeskError as error:  # a template problem, a missing company detail: left pending
            report.errors.append(f"Invoice {mail.number}: {error}")
            return
        report.warnings.extend(f"Invoice {mail.number}: {w}" for w in mail.warnings)
        with self._db.transaction() as conn:
            if not notices.settle_notice(conn, notice.period_id, "queued"):
                report.taken += 1
                return
            self._enqueue(conn, mail, composed)
        report.queued += 1

    def _skip(self, notice: notices.PendingNotice, number: str, customer: str, reason: str, report: NoticeReport) -> None:
        with self._db.transaction() as conn:
            if not notices.settle_notice(conn, notice.period_id, "skipped"):
                report.taken += 1
                return
            what = f"invoice {number}" if number else f"the period from {notice.period_start.isoformat()}"
            if notice.invoice_id is not None:
                audit.record(conn, "invoice.email_skipped", "invoice", notice.invoice_id,
                             f"No email sent for {what} (subscription {notice.subscription}): {reason}")
            else:
                audit.record(conn, "subscription.email_skipped", "subscription", notice.subscription_id,
                             f"No email sent for {what}: {reason}")
        report.skipped.append(SkippedNotice(number, customer, reason))

    # --- one invoice, by hand -----------------------------------------------------------------------------------
    def email_invoice(self, invoice_id: InvoiceId) -> int:
        """Queue the email of one issued invoice (the renewal text for an in-advance subscription
        invoice, else the invoice text) with its PDF; returns the outbox id. A subscription notice
        still pending for it is marked queued, so the invoice is not sent a second time. Raises
        ``PaydeskError`` for a draft, a void invoice, a credit note or a customer without email."""
        settings, company = self._ready(1)
        with self._db.reading() as conn:
            found = notices.invoice_period(conn, invoice_id)
            period = None
            if found is not None:
                name, in_advance, start, end = found
                period = SubscriptionPeriod(name, start, end, in_advance)
            mail = _gather(conn, invoice_id, period)
        links = self._pay_links is not None and self._pay_links.enabled()
        composed = self._compose(mail, settings, company, links)
        with self._db.transaction() as conn:
            outbox_id = self._enqueue(conn, mail, composed)
            notices.settle_invoice_notices(conn, invoice_id, "queued")
        return outbox_id

    # --- shared -------------------------------------------------------------------------------------------------
    def _ready(self, waiting: int) -> tuple[MailSettings, Company]:
        settings = self._mail.load()
        if not settings.configured:
            raise PaydeskError(f"Email is not set up yet, so {waiting} invoice email(s) wait: enter the SMTP server and "
                               "sender address in Settings › Email. The invoices themselves are made.")
        with self._db.reading() as conn:
            company = company_store.load(conn)
        if company is None:
            raise PaydeskError("Set up your company first (Settings): invoice emails are signed with its details.")
        return settings, company

    def _compose(self, mail: InvoiceMail, settings: MailSettings, company: Company, links: bool) -> ComposedEmail:
        pay_link = self._pay_link(mail) if links else None
        context = invoice_email_context(mail, company, self._today(), pay_link, sender_name=settings.from_name)
        rendered = self._templates.render(mail.template, mail.language, context)
        pdf = self._documents.render(InvoiceId(mail.invoice_id), pay_link)
        return build_message(settings.sender, mail.emails, rendered.subject, rendered.text, rendered.html,
                             attachments=[Attachment(file_name(mail.number), pdf)], at=datetime.now(UTC))

    def _pay_link(self, mail: InvoiceMail) -> str | None:
        if self._pay_links is None or mail.open_amount <= 0:
            return None
        due = DueInvoice(InvoiceId(mail.invoice_id), mail.number, mail.issue_date, mail.due_date, mail.total,
                         mail.open_amount, 0)
        try:
            link = self._pay_links.link_for_invoices(CustomerId(mail.customer_id), [due], mail.open_amount, mail.currency,
                                                     customer_number=mail.customer_number, country=mail.country)
        except PaydeskError as error:  # the provider refused or is down: the email goes without the link
            mail.warnings.append(f"sent without a pay link: {error}")
            log.warning("no pay link for invoice %s: %s", mail.number, error)
            return None
        return link.url if link is not None else None

    def _enqueue(self, conn: Connection, mail: InvoiceMail, composed: ComposedEmail) -> int:
        kind = mail.template  # "renewal" or "invoice"
        outbox_id = outbox_store.enqueue(conn, composed, mail.customer_id, kind)
        event_store.link_message(conn, outbox_id, [mail.invoice_id])
        what = "Renewal notice" if kind == "renewal" else "Invoice email"
        audit.record(conn, f"invoice.{kind}_queued", "invoice", mail.invoice_id,
                     f"{what} for invoice {mail.number} queued to {', '.join(mail.emails)}")
        return outbox_id


def _gather(conn: Connection, invoice_id: InvoiceId, period: SubscriptionPeriod | None) -> InvoiceMail:
    """What the email of ``invoice_id`` shows; raises ``StateError`` for what is never emailed and
    ``NoEmailAddress`` for a customer without one."""
    record = invoice_store.load(conn, invoice_id)
    if record.status is InvoiceStatus.DRAFT or record.number is None:
        raise StateError("A draft is not emailed: finalize it first.")
    if record.draft.kind is not InvoiceKind.INVOICE:
        raise StateError(f"Credit note {record.number} is not emailed from Paydesk; export its PDF and send it yourself.")
    if record.status is InvoiceStatus.VOID:
        raise StateError(f"Invoice {record.number} is void; it is not emailed.")
    customer = customer_store.get(conn, record.draft.customer_id)
    if not customer.emails:
        raise NoEmailAddress(record.number, customer.number, customer.name)
    totals = record.draft.totals()
    return InvoiceMail(
        customer_number=customer.number, customer_name=record.bill_name or customer.name,
        language=record.bill_language or customer.language, country=record.bill_country or customer.country,
        emails=list(customer.emails), currency=record.draft.currency, number=record.number,
        issue_date=record.draft.issue_date, due_date=record.draft.due_date, net=totals.net, vat=totals.vat,
        total=record.total, open_amount=max(record.open_amount, Decimal(0)), reference=record.reference or "",
        subscription=period, customer_id=int(record.draft.customer_id), invoice_id=int(invoice_id),
    )
