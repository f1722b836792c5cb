"""The facade the window and the command line talk to: one open database and its services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from desktop.services.audit import AuditService
from desktop.services.bank_review import BankReviewService
from desktop.services.billing import BillingService
from desktop.services.collection import CollectionService
from desktop.services.company import CompanyService
from desktop.services.credit_notes import CreditNoteService
from desktop.services.customers import CustomerService
from desktop.services.debtors import DebtorService
from desktop.services.documents import DocumentService
from desktop.services.dunning import DunningService
from desktop.services.dunning_pauses import PauseService
from desktop.services.invoice_mail import InvoiceMailService
from desktop.services.invoicing import InvoicingService
from desktop.services.ledger_import import LedgerImportService
from desktop.services.mail_settings import MailSettingsService
from desktop.services.outbox import OutboxService
from desktop.services.pay_links import PayLinkService
from desktop.services.payments import PaymentService
from desktop.services.provider_settings import ProviderSettingsService
from desktop.services.reminder_run import ReminderRun
from desktop.services.reports import ReportService
from desktop.services.secrets import SecretStore
from desktop.services.statements import StatementService
from desktop.services.statements_of_account import StatementOfAccountService
from desktop.services.subscriptions import SubscriptionService
from desktop.services.templates import TemplateService
from desktop.services.webhooks import WebhookService
from desktop.services.work_queue import WorkQueueService
from desktop.store.database import Database, OpenReport, open_database


class Paydesk:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.today = today
        self.company = CompanyService(db)
        self.customers = CustomerService(db)
        self.invoices = InvoicingService(db, today)
        self.credit_notes = CreditNoteService(db, today)
        self.payments = PaymentService(db)
        self.documents = DocumentService(db, today)
        self.audit = AuditService(db)
        self.statements = StatementService(db)
        self.bank = BankReviewService(db)
        self.secrets = SecretStore()
        self.provider_settings = ProviderSettingsService(db, self.secrets)
        self.pay_links = PayLinkService(db, self.provider_settings, today)
        self.mail_settings = MailSettingsService(db, self.secrets)
        self.templates = TemplateService(db, today)
        self.outbox = OutboxService(db, self.mail_settings)
        self.dunning = DunningService(db, today)
        self.pauses = PauseService(db, today)
        self.collection = CollectionService(db, self.documents, today)
        self.webhooks = WebhookService(db, self.secrets)
        self.invoice_mail = InvoiceMailService(db, self.templates, self.mail_settings, self.documents, self.pay_links, today)
        self.debtors = DebtorService(db, today)
        self.work_queue = WorkQueueService(db, self.debtors, self.bank, self.dunning, today)
        self.reports = ReportService(db, today)
        self.statements_of_account = StatementOfAccountService(db, self.templates, self.mail_settings, today)
        self.ledger_import = LedgerImportService(db, today)
        self.subscriptions = SubscriptionService(db, today)
        self.billing = BillingService(db, today)
        self.reminder_run = ReminderRun(db, self.dunning, self.documents, self.templates, self.mail_settings, self.outbox,
                                        self.pay_links, today=today)

    @classmethod
    def open(cls, path: Path, today: Callable[[], date] = date.today) -> Paydesk:
        """Open (create, or migrate after a backup) the database; raises ``DatabaseProblem``."""
        return cls(open_database(path), today)

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def open_report(self) -> OpenReport:
        return self.db.report

    def close(self) -> None:
        self.debtors.close()
        self.db.close()
