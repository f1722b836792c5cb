"""Runs in worker processes during a reminder run: renders the invoice PDFs and composes each
email (templates, letter PDF, QR code). Imports only the documents layer, not the database.

With a spool folder each message's bytes go to a file there and only a small ``SpooledEmail``
travels back to the main process (a run over 10,000 customers makes about 1.4 GB of email)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop.documents.email_message import ComposedEmail, Sender, SpooledEmail, spool
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
    spool: str | None = None  # a folder: each message is written there, and only its metadata comes back


def compose_batch(shared: Shared, jobs: list[ComposeJob]) -> list[ComposedEmail | SpooledEmail | str]:
    """Each job's email (spooled to a file when ``shared.spool`` is set), or the message of the problem
    that stopped it (a broken template, ...)."""
    from desktop.documents.email_compose import compose_reminder
    from desktop.documents.invoice_pdf import render_invoice

    folder = Path(shared.spool) if shared.spool else None
    results: list[ComposedEmail | SpooledEmail | str] = []
    for job in jobs:
        try:
            pdfs = [(name, render_invoice(doc, job.pay_link_url)) for name, doc in job.documents]
            composed = compose_reminder(
                job.plan, shared.company, job.pay_link_url, sender=shared.sender, templates=job.templates,
                today=shared.today, invoice_pdfs=pdfs, address=job.address, attach_letter=job.attach_letter,
            )
        except PaydeskError as error:
            results.append(str(error))
            continue
        if folder is None:
            results.append(composed)
            continue
        try:
            results.append(spool(composed, folder))
        except OSError as error:
            results.append(f"the message could not be written to the temporary folder {folder}: {error.strerror or error}")
    return results
