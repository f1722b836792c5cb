"""A reminder run from start to end: preview what is due, prepare every email (pay link, invoice
PDFs, letter, templates; in worker processes), then send: record the reminders with their outbox
messages in one transaction and deliver the outbox.

Nothing is written before ``send``; ``prepare(..., complete=False)`` is a quick dry run without PDFs
and without creating pay links at the provider.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from desktop.documents.email_message import ComposedEmail, Sender
from desktop.documents.email_render import TemplateSources
from desktop.domain.company import Company
from desktop.domain.dunning.model import PlanStatus, ReminderPlan
from desktop.domain.errors import PaydeskError
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

BATCH = 20
IN_PROCESS_LIMIT = 8  # fewer messages than this are composed without starting workers
_STATES = {outbox_store.SENT: PlanStatus.SENT, outbox_store.FAILED: PlanStatus.FAILED}


class PayLinkLike(Protocol):
    @property
    def url(self) -> str: ...


class LinkMaker(Protocol):
    """``PayLinkService``: a pay link for a message, or None when no provider is set up."""

    def enabled(self) -> bool: ...

    def link_for(self, plan: ReminderPlan) -> PayLinkLike | None: ...


class Deliverer(Protocol):
    """``OutboxService``: delivers what is queued, one message at a time."""

    def deliver(self, progress: Any = ..., cancel: Any = ...) -> Any: ...


@dataclass(slots=True)
class PreparedMessage:
    plan: ReminderPlan
    email: ComposedEmail | None  # None when held back or when composing failed (``plan.reason`` says why)
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
        *, preview: RunPreview | None = None, complete: bool = True, pay_links: bool = True,
    ) -> PreparedRun:
        """Every message of the run composed (held-back ones without an email). Writes nothing to the database;
        with ``pay_links`` the provider is asked for a link per message (reused on a later call)."""
        preview = preview or self._dunning.preview(run_date)
        company, sender = self._company_and_sender()
        messages = [PreparedMessage(plan, None) for plan in preview.plans]
        todo = [m for m in messages if m.plan.status is PlanStatus.PLANNED]
        with self._db.reading() as conn:
            addresses = dunning_book.addresses(conn, {m.plan.customer_id for m in todo}, company.country)
        templates: dict[tuple[str, str], TemplateSources | str] = {}
        with_links = complete and pay_links and self._pay_links is not None and self._pay_links.enabled()

        def jobs() -> Iterator[tuple[PreparedMessage, ComposeJob]]:
            for message in todo:
                if cancel is not None:
                    cancel.check()
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
                attach = complete and plan.level.attach_invoice and plan.instalment_id is None
                documents = tuple((file_name(i.number), self._documents.document(i.invoice_id)) for i in plan.invoices) \
                    if attach else ()
                yield message, ComposeJob(plan, sources, message.pay_link_url, documents,
                                          addresses.get(plan.customer_id, ()), None if complete else False)

        shared = Shared(company, sender, preview.run_date)
        for batch, results in self._composed(shared, jobs(), len(todo), progress, cancel):
            for (message, _), result in zip(batch, results, strict=True):
                if isinstance(result, str):
                    _hold(message.plan, result)
                else:
                    message.email = result
        progress(len(todo), len(todo))
        return PreparedRun(preview, messages, complete)

    def send(self, prepared: PreparedRun, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
             deliver: bool = True) -> SendReport:
        """Record the prepared messages (and hand-overs to collection) in one transaction, then deliver the outbox."""
        if not prepared.complete:
            raise PaydeskError("This run was prepared as a dry run, without attachments: prepare it again to send it.")
        if deliver and not self._mail.load().configured:
            raise PaydeskError("Set up the email server first (Settings › Email): nothing was sent or recorded.")
        ready = [m for m in prepared.messages if m.email is not None and m.plan.status is PlanStatus.PLANNED]
        recorded = self._dunning.record([m.plan for m in ready], [m.email for m in ready if m.email is not None],
                                        prepared.run_date, prepared.preview.handovers)
        report = SendReport(recorded, messages=prepared.messages)
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
    ) -> Iterator[tuple[list[tuple[PreparedMessage, ComposeJob]], list[ComposedEmail | str]]]:
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
            pending: list[tuple[list[tuple[PreparedMessage, ComposeJob]], Future[list[ComposedEmail | str]]]] = []
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
