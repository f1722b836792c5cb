"""A reminder run from start to end: preview what is due, prepare every email (pay link, invoice
PDFs, letter, templates; in worker processes), then send: record the reminders with their outbox
messages in one transaction and deliver the outbox.

Nothing is written before ``send``; ``prepare(..., complete=False)`` is a quick dry run without PDFs
and without creating pay links at the provider.

Composed messages are spooled: each worker writes a message's bytes to a file in a private temporary
folder of the run and hands back only its metadata (``SpooledEmail``), so a run over 10,000 customers
keeps about 1.4 GB of email on disk, not in memory; the bytes are read back one message at a time
when they are recorded in the outbox. The folder goes when no prepared message refers to it.

Before a real send the pay links are polled (when a provider is set up), so a link paid online is
booked before the reminders are recorded; ``DunningService.record`` then checks each plan again.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from desktop.documents.email_message import ComposedEmail, Sender, SpooledEmail
from desktop.documents.email_render import TemplateSources
from desktop.domain.company import Company
from desktop.domain.document import InvoiceDocument
from desktop.domain.dunning.model import PlanStatus, ReminderPlan
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import InvoiceId
from desktop.services.documents import DocumentService, file_name
from desktop.services.dunning import DunningService, RecordResult, RunPreview
from desktop.services.dunning_worker import ComposeJob, Shared, compose_batch
from desktop.services.mail_settings import MailSettingsService
from desktop.services.tasks import CancelToken, ProgressCallback, no_progress
from desktop.services.templates import TemplateService
from desktop.store import company as company_store
from desktop.store import dunning_book
from desktop.store import outbox as outbox_store
from desktop.store.database import Database

log = logging.getLogger(__name__)
BATCH = 20
IN_PROCESS_LIMIT = 8  # fewer messages than this are composed without starting workers
DOCUMENT_CHUNK = 200  # invoices' documents are loaded for this many messages at a time
_STATES = {outbox_store.SENT: PlanStatus.SENT, outbox_store.FAILED: PlanStatus.FAILED}


class PayLinkLike(Protocol):
    @property
    def url(self) -> str: ...


class LinkMaker(Protocol):
    """``PayLinkService``: a pay link for a message, or None when no provider is set up."""

    def enabled(self) -> bool: ...

    def link_for(self, plan: ReminderPlan) -> PayLinkLike | None: ...

    def poll(self) -> Any: ...  # a PollReport: ``errors`` (list of str), ``paid`` (payment ids)


class Deliverer(Protocol):
    """``OutboxService``: delivers what is queued, one message at a time."""

    def deliver(self, progress: Any = ..., cancel: Any = ...) -> Any: ...


class Spool:
    """A run's private temporary folder for its composed messages; removed when nothing refers to it any more
    (every ``SpooledEmail`` holds it) or when the program ends."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="paydesk-run-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)

    def remove(self) -> None:
        self._finalizer()


@dataclass(slots=True)
class PreparedMessage:
    plan: ReminderPlan
    # None when held back or when composing failed (``plan.reason`` says why); ``raw`` reads a spooled message's bytes
    email: ComposedEmail | SpooledEmail | None
    pay_link_url: str | None = None

    @property
    def to(self) -> str:
        return ", ".join(self.email.to if self.email else self.plan.emails)

    @property
    def subject(self) -> str:
        return self.email.subject if self.email else ""


@dataclass(slots=True)
class PreparedRun:
    preview: RunPreview
    messages: list[PreparedMessage]
    complete: bool  # with attachments and pay links: can be sent
    pay_links_polled: bool = False  # the pay links were polled before the preview was computed

    @property
    def run_date(self) -> date:
        return self.preview.run_date

    @property
    def warnings(self) -> list[str]:
        return self.preview.warnings


@dataclass(slots=True)
class SendReport:
    recorded: RecordResult
    delivery: Any = None  # the outbox's DeliveryReport, None when not delivered now
    messages: list[PreparedMessage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. the pay links could not be polled
    polled: Any = None  # the pay links' PollReport when they were polled before recording

    def count(self, status: PlanStatus) -> int:
        return sum(1 for m in self.messages if m.plan.status is status)


class ReminderRun:
    def __init__(
        self, db: Database, dunning: DunningService, documents: DocumentService, templates: TemplateService,
        mail: MailSettingsService, outbox: Deliverer | None = None, pay_links: LinkMaker | None = None,
        today: Callable[[], date] = date.today, workers: int = 2,
    ) -> None:
        self._db = db
        self._dunning = dunning
        self._documents = documents
        self._templates = templates
        self._mail = mail
        self._outbox = outbox
        self._pay_links = pay_links
        self._today = today
        self.workers = workers

    def preview(self, run_date: date | None = None) -> RunPreview:
        return self._dunning.preview(run_date)

    def prepare(
        self, run_date: date | None = None, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
        *, preview: RunPreview | None = None, complete: bool = True, pay_links: bool = True, poll_pay_links: bool = False,
    ) -> PreparedRun:
        """Every message of the run composed (held-back ones without an email). Writes nothing to the database
        except, with ``poll_pay_links`` (a run that is sent right away, as the CLI's ``--send``), the payments of
        pay links paid online, booked before the run is computed; with ``pay_links`` the provider is asked for a
        link per message (reused on a later call)."""
        polled = poll_pay_links and complete
        poll_warnings = self.poll_pay_links()[1] if polled else []
        preview = preview or self._dunning.preview(run_date)
        preview.warnings.extend(poll_warnings)
        company, sender = self._company_and_sender()
        messages = [PreparedMessage(plan, None) for plan in preview.plans]
        todo = [m for m in messages if m.plan.status is PlanStatus.PLANNED]
        with self._db.reading() as conn:
            addresses = dunning_book.addresses(conn, {m.plan.customer_id for m in todo}, company.country)
        templates: dict[tuple[str, str], TemplateSources | str] = {}
        with_links = complete and pay_links and self._pay_links is not None and self._pay_links.enabled()

        def attaches(plan: ReminderPlan) -> bool:
            return complete and plan.level.attach_invoice and plan.instalment_id is None

        def jobs() -> Iterator[tuple[PreparedMessage, ComposeJob]]:
            loaded: dict[InvoiceId, InvoiceDocument] = {}
            for index, message in enumerate(todo):
                if cancel is not None:
                    cancel.check()
                if index % DOCUMENT_CHUNK == 0:  # the next chunk's invoices in a few queries, not one connection each
                    chunk = todo[index:index + DOCUMENT_CHUNK]
                    loaded = self._documents.documents(
                        [i.invoice_id for m in chunk if attaches(m.plan) for i in m.plan.invoices])
                plan = message.plan
                sources = self._sources(templates, plan)
                if isinstance(sources, str):
                    _hold(plan, sources)
                    continue
                if with_links and self._pay_links is not None:
                    try:
                        link = self._pay_links.link_for(plan)
                    except PaydeskError as error:
                        _hold(plan, f"the pay link could not be made: {error}")
                        continue
                    message.pay_link_url = link.url if link is not None else None
                documents = tuple((file_name(i.number), loaded[i.invoice_id]) for i in plan.invoices) \
                    if attaches(plan) else ()
                yield message, ComposeJob(plan, sources, message.pay_link_url, documents,
                                          addresses.get(plan.customer_id, ()), None if complete else False)

        spool = Spool()
        shared = Shared(company, sender, preview.run_date, str(spool.folder))
        try:
            for batch, results in self._composed(shared, jobs(), len(todo), progress, cancel):
                for (message, _), result in zip(batch, results, strict=True):
                    if isinstance(result, str):
                        _hold(message.plan, result)
                    else:
                        if isinstance(result, SpooledEmail):
                            result.keeper = spool
                        message.email = result
        except BaseException:
            spool.remove()
            raise
        progress(len(todo), len(todo))
        return PreparedRun(preview, messages, complete, pay_links_polled=polled)

    def poll_pay_links(self) -> tuple[Any, list[str]]:
        """Ask the provider about the open pay links and book those paid (when a provider is set up):
        (the PollReport or None when not polled, warnings). A provider problem is a warning, not a failure."""
        if self._pay_links is None or not self._pay_links.enabled():
            return None, []
        try:
            report = self._pay_links.poll()
        except PaydeskError as error:
            log.warning("pay links not polled: %s", error)
            return None, [f"The pay links could not be checked with the payment provider ({error}): payments made "
                          "online since the last check are not booked yet, and their customers may be reminded."]
        errors = list(getattr(report, "errors", []))
        if not errors:
            return report, []
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return report, [f"Some pay links could not be checked with the payment provider: {errors[0]}{more}. Payments "
                        "made online through them are not booked yet, and their customers may be reminded."]

    def send(self, prepared: PreparedRun, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
             deliver: bool = True) -> SendReport:
        """Record the prepared messages (and hand-overs to collection) in one transaction, then deliver the outbox."""
        if not prepared.complete:
            raise PaydeskError("This run was prepared as a dry run, without attachments: prepare it again to send it.")
        if deliver and not self._mail.load().configured:
            raise PaydeskError("Set up the email server first (Settings › Email): nothing was sent or recorded.")
        polled, warnings = (None, []) if prepared.pay_links_polled else self.poll_pay_links()
        ready = [m for m in prepared.messages if m.email is not None and m.plan.status is PlanStatus.PLANNED]
        # ``record`` checks every plan again in its transaction: one paid or changed since the preview (also by the
        # poll just now) is held back, not recorded
        recorded = self._dunning.record([m.plan for m in ready], [m.email for m in ready if m.email is not None],
                                        prepared.run_date, prepared.preview.handovers)
        report = SendReport(recorded, messages=prepared.messages, warnings=warnings, polled=polled)
        if deliver and self._outbox is not None and recorded.reminder_ids:
            report.delivery = self._outbox.deliver(progress, cancel)
            with self._db.reading() as conn:
                states = outbox_store.states_by_message_id(conn, [m.email.message_id for m in ready if m.email])
            for message in ready:
                if message.email is not None and message.plan.status is PlanStatus.QUEUED:
                    message.plan.status = _STATES.get(states.get(message.email.message_id, ""), PlanStatus.QUEUED)
        return report

    # -- helpers ----------------------------------------------------------------------------------

    def _company_and_sender(self) -> tuple[Company, Sender]:
        with self._db.reading() as conn:
            company = company_store.load(conn)
        if company is None:
            raise PaydeskError("Set up your company first (Settings).")
        settings = self._mail.load()
        sender = settings.sender if settings.configured else Sender(company.email or "reminders@paydesk.invalid", company.name)
        return company, sender

    def _sources(self, cache: dict[tuple[str, str], TemplateSources | str], plan: ReminderPlan) -> TemplateSources | str:
        key = (plan.level.template, plan.language)
        if key not in cache:
            try:
                cache[key] = self._templates.sources_for(*key)
            except PaydeskError as error:
                cache[key] = str(error)
        return cache[key]

    def _composed(
        self, shared: Shared, jobs: Iterator[tuple[PreparedMessage, ComposeJob]], total: int, progress: ProgressCallback,
        cancel: CancelToken | None,
    ) -> Iterator[tuple[list[tuple[PreparedMessage, ComposeJob]], list[ComposedEmail | SpooledEmail | str]]]:
        done = 0
        batches = _batched(jobs, BATCH)
        progress(0, total)
        if total < IN_PROCESS_LIMIT or self.workers <= 1:
            for batch in batches:
                if cancel is not None:
                    cancel.check()
                yield batch, compose_batch(shared, [job for _, job in batch])
                done += len(batch)
                progress(done, total)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            pending: list[tuple[list[tuple[PreparedMessage, ComposeJob]], Future[list[ComposedEmail | SpooledEmail | str]]]] = []
            try:
                for batch in batches:
                    pending.append((batch, pool.submit(compose_batch, shared, [job for _, job in batch])))
                    while len(pending) > self.workers * 2:
                        finished, future = pending.pop(0)
                        yield finished, future.result()
                        done += len(finished)
                        progress(done, total)
                        if cancel is not None:
                            cancel.check()
                for finished, future in pending:
                    yield finished, future.result()
                    done += len(finished)
                    progress(done, total)
                    if cancel is not None:
                        cancel.check()
            except BaseException:
                for _, future in pending:
                    future.cancel()
                raise


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _hold(plan: ReminderPlan, reason: str) -> None:
    plan.status = PlanStatus.HELD_BACK
    plan.reason = reason


def reminder_run_for(paydesk: Any, workers: int = 2) -> ReminderRun:
    """The facade's run, or a new one over its services with ``workers`` processes (benchmarks)."""
    if workers == paydesk.reminder_run.workers:
        return paydesk.reminder_run
    return ReminderRun(
        paydesk.db, paydesk.dunning, paydesk.documents, paydesk.templates, paydesk.mail_settings, paydesk.outbox,
        paydesk.pay_links, today=paydesk.today, workers=workers,
    )
