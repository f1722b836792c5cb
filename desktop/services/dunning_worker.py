"""Runs in worker processes during a reminder run: renders the invoice PDFs and composes each
email (templates, letter PDF, QR code). Imports only the documents layer, not the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop.documents.email_message import ComposedEmail, Sender
from desktop.documents.email_render import TemplateSources
from desktop.domain.company import Company
from desktop.domain.document import InvoiceDocument
from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.errors import PaydeskError


@dataclass(frozen=True, slots=True)
class ComposeJob:
    plan: ReminderPlan
    templates: TemplateSources
    pay_link_url: str | None = None
    documents: tuple[tuple[str, InvoiceDocument], ...] = field(default=(), repr=False)  # (file name, invoice) to attach
    address: tuple[str, ...] = ()  # the customer's postal address, for the letter
    attach_letter: bool | None = None  # None: as the level says; False for a quick dry run


@dataclass(frozen=True, slots=True)
class Shared:
    """What every job of a run has in common (sent to a worker once per batch)."""

    company: Company
    sender: Sender
    today: date


def compose_batch(shared: Shared, jobs: list[ComposeJob]) -> list[ComposedEmail | str]:
    """Each job's email, or the message of the problem that stopped it (a broken template, ...)."""
    from desktop.documents.email_compose import compose_reminder
    from desktop.documents.invoice_pdf import render_invoice

    results: list[ComposedEmail | str] = []
    for job in jobs:
        try:
            pdfs = [(name, render_invoice(doc)) for name, doc in job.documents]
            results.append(compose_reminder(
                job.plan, shared.company, job.pay_link_url, sender=shared.sender, templates=job.templates,
                today=shared.today, invoice_pdfs=pdfs, address=job.address, attach_letter=job.attach_letter,
            ))
        except PaydeskError as error:
            results.append(str(error))
    return results
