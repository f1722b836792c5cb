"""Statements of account: every open item of one customer (invoices open on the date, credit notes
not yet applied, payments not yet allocated) with the aging summary and how to pay, as a PDF in the
customer's language, to save or to email.

Emailing goes through the outbox with the ``statement`` template. When email is not set up yet the
message is still composed (from the company's own address) and stored in the outbox as ``queued``:
"saved for later". The outbox keeps it until Settings › Email is filled in, then delivers it with
the next delivery (``email_ready()`` tells the window which of the two happened).

Open invoices are as of the statement's date; credit notes and payments are those dated on or before
it, with what is left of them today (allocations carry no date of their own).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from desktop.documents.email_message import Attachment, Sender, build_message
from desktop.documents.statement_context import STATEMENT_TEMPLATE, statement_email_context
from desktop.documents.statement_model import Statement, StatementItem, StatementSection
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.domain.money import from_minor
from desktop.domain.reference import creditor_reference
from desktop.services.mail_settings import MailSettingsService
from desktop.services.templates import TemplateService
from desktop.store import audit
from desktop.store import company as company_store
from desktop.store import customers as customer_store
from desktop.store import outbox as outbox_store
from desktop.store import report_queries as q
from desktop.store.database import Connection, Database

ZERO = Decimal(0)


def statement_file_name(customer_number: str, as_of: date) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in customer_number).strip("_") or "customer"
    return f"statement-{safe}-{as_of.isoformat()}.pdf"


class StatementOfAccountService:
    def __init__(self, db: Database, templates: TemplateService, mail: MailSettingsService,
                 today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._templates = templates
        self._mail = mail
        self._today = today

    def statement(self, customer_id: int, as_of: date | None = None) -> Statement:
        """What the statement of ``customer_id`` shows on ``as_of`` (default today)."""
        day = as_of or self._today()
        with self._db.reading() as conn:
            return _gather(conn, customer_id, day)

    def render(self, customer_id: int, as_of: date | None = None) -> bytes:
        from desktop.documents.statement_pdf import render_statement

        return render_statement(self.statement(customer_id, as_of))

    def save(self, customer_id: int, path: Path, as_of: date | None = None) -> Path:
        """Write the PDF to ``path`` (a folder: the usual file name in it); returns the file written."""
        statement = self.statement(customer_id, as_of)
        from desktop.documents.statement_pdf import render_statement

        target = path / statement_file_name(statement.customer_number, statement.as_of) if path.is_dir() else path
        try:
            target.write_bytes(render_statement(statement))
        except OSError as error:
            raise PaydeskError(f"The statement could not be saved to {target}: {error.strerror or error}. "
                               "Choose another folder.") from error
        return target

    def email_ready(self) -> bool:
        """True when email is set up (the statement goes out with the next delivery); False: it waits in the outbox."""
        return self._mail.load().configured

    def email(self, customer_id: int, as_of: date | None = None) -> int:
        """Queue the statement email (PDF attached) in the outbox; returns the outbox id. Without email
        settings it is composed from the company's address and waits, queued, until email is set up."""
        statement = self.statement(customer_id, as_of)
        with self._db.reading() as conn:
            customer = customer_store.get(conn, CustomerId(customer_id))
        if not customer.emails:
            raise PaydeskError(f"Customer {customer.number} ({customer.name}) has no email address: add one to the "
                               "customer, or save the statement as PDF and send it yourself.")
        settings = self._mail.load()
        if settings.configured:
            sender = settings.sender
        elif statement.company.email:
            sender = Sender(statement.company.email, statement.company.name)
        else:
            raise PaydeskError("Email is not set up and your company has no email address: enter one in Settings "
                               "(Company or Email), or save the statement as PDF.")
        from desktop.documents.statement_pdf import render_statement

        context = statement_email_context(statement, self._today(), sender_name=settings.from_name)
        rendered = self._templates.render(STATEMENT_TEMPLATE, statement.language, context)
        pdf = render_statement(statement)
        composed = build_message(sender, list(customer.emails), rendered.subject, rendered.text, rendered.html,
                                 attachments=[Attachment(statement_file_name(customer.number, statement.as_of), pdf)],
                                 at=datetime.now(UTC))
        with self._db.transaction() as conn:
            outbox_id = outbox_store.enqueue(conn, composed, customer_id, STATEMENT_TEMPLATE)
            later = "" if settings.configured else " (saved for later: email is not set up yet)"
            audit.record(conn, "customer.statement_queued", "customer", customer_id,
                         f"Statement of account as of {statement.as_of.isoformat()} queued to "
                         f"{', '.join(customer.emails)}{later}")
        return outbox_id


def _gather(conn: Connection, customer_id: int, day: date) -> Statement:
    customer = customer_store.get(conn, CustomerId(customer_id))
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (Settings): the statement is signed with its details.")
    open_rows = q.open_invoices(conn, day, customer_id=customer_id)
    credits = [c for c in q.credit_items(conn, customer_id) if c.date <= day]
    sections: list[StatementSection] = []
    for currency in sorted({r.currency for r in open_rows} | {c.currency for c in credits}):
        rows = [r for r in open_rows if r.currency == currency]
        items = [StatementItem("invoice", r.number, r.issue_date, r.due_date, max(0, r.days_overdue),
                               from_minor(r.total_minor, currency), from_minor(r.open_minor, currency)) for r in rows]
        items += [StatementItem(c.kind, c.reference if c.kind == "credit_note" else "", c.date, None, 0, None,
                                -from_minor(c.open_minor, currency)) for c in credits if c.currency == currency]
        items.sort(key=lambda i: (i.date, i.number))
        buckets = [ZERO] * 5
        for r in rows:
            d = r.days_overdue
            index = 0 if d <= 0 else 1 if d <= 30 else 2 if d <= 60 else 3 if d <= 90 else 4
            buckets[index] += from_minor(r.open_minor, currency)
        sections.append(StatementSection(currency, items, (buckets[0], buckets[1], buckets[2], buckets[3], buckets[4]),
                                         creditor_reference(f"C{customer.number}")))
    return Statement(company, customer.number, customer.name, customer.address_lines(), customer.language,
                     customer.country, day, sections)
