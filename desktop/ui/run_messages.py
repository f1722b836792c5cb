"""The messages of a reminder run as the Run tab lists them: customer, level, invoices, amount,
recipients and status (planned, held back with its reason, queued, sent, failed).

The few attributes read from the run's prepared messages go through ``plan_of`` and ``raw_of``,
so a change of how the service keeps a composed email touches only these two functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.dunning.model import PlanStatus, ReminderPlan
from desktop.ui.formatting import money_with_currency
from desktop.ui.rows_model import RowsModel

Index = QModelIndex | QPersistentModelIndex
PlanKey = tuple[int, int, int | None, tuple[int, ...]]
HELD_BACK_COLOR = "#b26a00"
FAILED_COLOR = "#c62828"
SENT_COLOR = "#2e7d32"


def _tr(text: str) -> str:
    return QCoreApplication.translate("run_messages", text)


def plan_key(plan: ReminderPlan) -> PlanKey:
    """Which message this is, stable between two previews of the same day: customer, level, instalment, invoices."""
    invoices = tuple(sorted(int(i.invoice_id) for i in plan.invoices))
    return (int(plan.customer_id), plan.level.position, plan.instalment_id, invoices)


def plan_of(message: Any) -> ReminderPlan:
    """The plan of a prepared message."""
    return message.plan  # type: ignore[no-any-return]


def raw_of(message: Any) -> bytes | None:
    """A prepared message's exact bytes: from its composed email, or from the file it was spooled to."""
    email = getattr(message, "email", None)
    raw = getattr(email, "raw", None) if email is not None else None
    if isinstance(raw, bytes) and raw:
        return raw
    for name in ("raw_path", "spool_path", "path"):
        path = getattr(message, name, None) or (getattr(email, name, None) if email is not None else None)
        if isinstance(path, str | Path) and Path(path).is_file():
            return Path(path).read_bytes()
    return None


def status_text(plan: ReminderPlan) -> str:
    texts = {
        PlanStatus.PLANNED: _tr("Planned"),
        PlanStatus.QUEUED: _tr("Queued"),
        PlanStatus.SENT: _tr("Sent"),
        PlanStatus.FAILED: _tr("Failed"),
        PlanStatus.HELD_BACK: _tr("Held back"),
    }
    text = texts[plan.status]
    return _tr("{status}: {reason}").format(status=text, reason=plan.reason) if plan.reason else text


def level_text(plan: ReminderPlan) -> str:
    if plan.instalment_id is not None:
        return _tr("{level} (instalment)").format(level=plan.level.name)
    return plan.level.name


class RunMessagesModel(RowsModel):
    """The run's plans, one row each; ``set_rows`` replaces them, ``statuses_changed`` repaints."""

    CUSTOMER, LEVEL, INVOICES, AMOUNT, TO, STATUS = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__((_tr("Customer"), _tr("Level"), _tr("Invoices"), _tr("Amount"), _tr("To"), _tr("Status")), parent)

    def statuses_changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.STATUS))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section == self.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        plan = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(plan, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS or plan.status is PlanStatus.HELD_BACK:
                return status_text(plan)
            return self._text(plan, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            color = {PlanStatus.HELD_BACK: HELD_BACK_COLOR, PlanStatus.FAILED: FAILED_COLOR,
                     PlanStatus.SENT: SENT_COLOR}.get(plan.status)
            return QBrush(QColor(color)) if color else None
        return None

    def _text(self, plan: ReminderPlan, column: int) -> str:
        if column == self.CUSTOMER:
            return f"{plan.customer_number} {plan.customer_name}"
        if column == self.LEVEL:
            return level_text(plan)
        if column == self.INVOICES:
            return ", ".join(plan.invoice_numbers)
        if column == self.AMOUNT:
            return money_with_currency(plan.amount, plan.currency)
        if column == self.TO:
            return ", ".join(plan.emails)
        return status_text(plan)


def counts_text(plans: list[ReminderPlan], handovers: int = 0) -> str:
    """``12 messages to send, 2 held back`` (after sending: how many were sent, queued, failed)."""
    by_status = {status: sum(1 for p in plans if p.status is status) for status in PlanStatus}
    parts: list[str] = []
    if by_status[PlanStatus.PLANNED]:
        parts.append(_tr("{count} messages to send").format(count=by_status[PlanStatus.PLANNED]))
    if by_status[PlanStatus.SENT]:
        parts.append(_tr("{count} sent").format(count=by_status[PlanStatus.SENT]))
    if by_status[PlanStatus.QUEUED]:
        parts.append(_tr("{count} queued in the outbox").format(count=by_status[PlanStatus.QUEUED]))
    if by_status[PlanStatus.FAILED]:
        parts.append(_tr("{count} failed").format(count=by_status[PlanStatus.FAILED]))
    if by_status[PlanStatus.HELD_BACK]:
        parts.append(_tr("{count} held back").format(count=by_status[PlanStatus.HELD_BACK]))
    if handovers:
        parts.append(_tr("{count} cases go to collection").format(count=handovers))
    return ", ".join(parts) if parts else _tr("No messages")
