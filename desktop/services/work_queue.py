"""Today: the credit manager's work queue for the day - promises to pay that fell due and are not
kept, follow-ups due, open disputes, bank transactions waiting for review, the reminders a run would
send today, and customers over their credit limit. Reads only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from desktop.domain.bank import TransactionState
from desktop.domain.debtors import DebtorColumn, DebtorFilter, DebtorRow, DebtorSort
from desktop.services.bank_review import BankReviewService
from desktop.services.debtors import DebtorService
from desktop.services.dunning import DunningService
from desktop.store import work_queue
from desktop.store.database import Database
from desktop.store.work_queue import QueueRow

__all__ = ["QueueRow", "WorkQueue", "WorkQueueService"]

OVER_LIMIT_MAX = 200  # customers over their limit listed at most (the Debtors page filters all of them)


@dataclass(frozen=True, slots=True)
class WorkQueue:
    day: date
    promises: list[QueueRow] = field(default_factory=list)
    follow_ups: list[QueueRow] = field(default_factory=list)
    disputes: list[QueueRow] = field(default_factory=list)
    over_limit: list[DebtorRow] = field(default_factory=list)
    bank_review: int = 0  # bank transactions with suggestions waiting for the user's decision
    bank_unmatched: int = 0  # incoming payments no invoice was found for
    reminders_due: int = 0  # messages a reminder run would send today

    def is_empty(self) -> bool:
        return not (self.promises or self.follow_ups or self.disputes or self.over_limit or self.bank_review
                    or self.bank_unmatched or self.reminders_due)


class WorkQueueService:
    def __init__(self, db: Database, debtors: DebtorService, bank: BankReviewService, dunning: DunningService,
                 today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._debtors = debtors
        self._bank = bank
        self._dunning = dunning
        self._today = today

    def queue(self) -> WorkQueue:
        day = self._today()
        with self._db.reading() as conn:
            promises = work_queue.promises_due(conn, day)
            follow_ups = work_queue.follow_ups_due(conn, day)
            disputes = work_queue.open_disputes(conn, day)
        over = self._debtors.overview(filter=DebtorFilter(over_limit=True),
                                      sort=DebtorSort(DebtorColumn.CREDIT_USED, True), limit=OVER_LIMIT_MAX).rows
        counts = self._bank.counts()
        due = len(self._dunning.preview(day).to_send)
        return WorkQueue(day, promises, follow_ups, disputes, over, counts.get(TransactionState.REVIEW, 0),
                         counts.get(TransactionState.UNMATCHED, 0), due)
