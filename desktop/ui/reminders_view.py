"""The Reminders page: the run (preview and send), the outbox, and the collection cases; it owns
the quiet background jobs that deliver the outbox and check pay links."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.services.paydesk import Paydesk
from desktop.ui.background_jobs import BackgroundJobs
from desktop.ui.collection_tab import CollectionTab
from desktop.ui.outbox_tab import OutboxTab
from desktop.ui.reminder_run_tab import RunTab
from desktop.ui.tasks import TaskRunner


class RemindersView(QWidget):
    """Signals:
        changed: reminders were recorded, payments booked or a case closed (other views may be stale).
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None,
                 background: bool = True) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.run = RunTab(paydesk, tasks, self)
        self.outbox = OutboxTab(paydesk, tasks, self)
        self.collection = CollectionTab(paydesk, tasks, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.run, self.tr("Run"))
        self.tabs.addTab(self.outbox, self.tr("Outbox"))
        self.tabs.addTab(self.collection, self.tr("Collection"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.tabs)

        self.jobs = BackgroundJobs(paydesk, self, busy=lambda: self.run.sending)
        self.jobs.status.connect(self.status_message)
        self.jobs.problem.connect(self.outbox.show_problem)
        self.jobs.delivered.connect(self._outbox_changed)
        self.jobs.payments_booked.connect(self.changed)
        for tab in (self.run, self.outbox, self.collection):
            tab.status_message.connect(self.status_message)
        self.run.changed.connect(self._run_sent)
        self.collection.changed.connect(self.changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        if background:
            self.jobs.start()

    def refresh(self) -> None:
        """Reload the outbox and the cases (the run's preview is computed when asked for)."""
        self.outbox.refresh()
        self.collection.refresh()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.outbox:
            self.outbox.refresh()
        elif self.tabs.widget(index) is self.collection:
            self.collection.refresh()

    def _outbox_changed(self) -> None:
        if self.outbox.isVisible():
            self.outbox.refresh()

    def _run_sent(self) -> None:
        self.refresh()
        self.changed.emit()

    def shutdown(self) -> None:
        """Stop the background jobs and wait for a running one (before the database closes)."""
        self.jobs.stop()
