"""Today: the work queue of the day, read in the background - promises to pay that fell due and are
not kept, follow-ups due, open disputes, bank transactions waiting for review, the reminders a run
would send today, and customers over their credit limit. Each item opens where it is handled: the
cockpit for a customer, the Bank or Reminders page for the others."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.services.work_queue import QueueRow, WorkQueue
from desktop.ui import crash, messages
from desktop.ui.background_reader import BackgroundReader
from desktop.ui.formatting import date_text, money, number
from desktop.ui.list_widgets import HINT_STYLE
from desktop.ui.tasks import TaskRunner

ROLE = Qt.ItemDataRole.UserRole


class Target(StrEnum):
    CUSTOMER = "customer"
    BANK = "bank"
    REMINDERS = "reminders"


class TodayView(QWidget):
    """Signals:
        changed: something changed from here (a cockpit action).
        status_message: a short note for the status bar.
        open_bank_review: the user wants the Bank page's transactions waiting for review.
        open_reminders: the user wants the Reminders page (today's run).
    """

    changed = Signal()
    status_message = Signal(str)
    open_bank_review = Signal()
    open_reminders = Signal()

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._service = paydesk.work_queue
        self.reader = BackgroundReader(self)
        self.queue: WorkQueue | None = None
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.loading = QLabel(self.tr("Loading…"), self)
        self.loading.setStyleSheet("color: palette(placeholder-text);")
        self.loading.hide()
        self.reload_button = QPushButton(self.tr("Reload"), self)
        self.reload_button.clicked.connect(self.refresh)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("What"), self.tr("When"), self.tr("Details")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 460)
        self.tree.setColumnWidth(1, 130)
        self.tree.itemActivated.connect(self._activated)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.clicked.connect(self.open_selected)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.hint = QLabel(self.tr("Nothing needs you today."), self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet(HINT_STYLE)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.tree)
        self.pages.addWidget(self.hint)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.loading)
        top.addStretch(1)
        top.addWidget(self.reload_button)
        bottom = QHBoxLayout()
        note = QLabel(self.tr("Double-click an item, or select it and press Enter, to open where it is handled."), self)
        note.setStyleSheet("color: palette(placeholder-text);")
        bottom.addWidget(note, 1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)
        self.reader.busy_changed.connect(self.loading.setVisible)
        self._update_buttons()
        self.heading.setText(self.tr("Today, {day}").format(day=date_text(paydesk.today())))
        self.refresh()

    # --- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.reader.read(self._service.queue, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, PaydeskError):
            messages.show_error(self, error)
        else:
            crash.report_bug(error)

    def _show(self, queue: WorkQueue) -> None:
        self.queue = queue
        self.heading.setText(self.tr("Today, {day}").format(day=date_text(queue.day)))
        self.tree.clear()
        if queue.promises:
            section = self._section(self.tr("Promises to pay due ({count})").format(count=len(queue.promises)))
            for row in queue.promises:
                detail = self._for(row, self.tr("Promised to pay by this day, still open."))
                self._customer_item(section, row, detail)
        if queue.follow_ups:
            section = self._section(self.tr("Follow-ups due ({count})").format(count=len(queue.follow_ups)))
            for row in queue.follow_ups:
                what = self.tr("Call") if row.note_kind == "call" else self.tr("Note")
                self._customer_item(section, row, f"{what}: {row.text}".replace("\n", " "))
        if queue.disputes:
            section = self._section(self.tr("Open disputes ({count})").format(count=len(queue.disputes)))
            for row in queue.disputes:
                self._customer_item(section, row, self._for(row, row.text), self.tr("since {day}"))
        if queue.bank_review or queue.bank_unmatched:
            section = self._section(self.tr("Bank"))
            text = self.tr("{review} transactions wait for review, {unmatched} payments found no invoice").format(
                review=number(queue.bank_review), unmatched=number(queue.bank_unmatched))
            self._item(section, [text, "", self.tr("Opens the Bank page")], (Target.BANK, None))
        if queue.reminders_due:
            section = self._section(self.tr("Reminder run"))
            text = (self.tr("1 reminder is due today") if queue.reminders_due == 1 else
                    self.tr("{count} reminders are due today").format(count=number(queue.reminders_due)))
            self._item(section, [text, "", self.tr("Opens the Reminders page to check and send them")],
                       (Target.REMINDERS, None))
        if queue.over_limit:
            section = self._section(self.tr("Over the credit limit ({count})").format(count=len(queue.over_limit)))
            for d in queue.over_limit:
                limit = d.credit_limit if d.credit_limit is not None else 0
                self._item(section, [f"{d.customer_name} ({d.customer_number})", "", self.tr(
                    "Owes {open} {currency}, limit {limit} ({used} %)").format(
                    open=money(d.open_balance, d.currency), currency=d.currency, limit=money(limit, d.currency),
                    used=number(d.credit_used_pct or 0))], (Target.CUSTOMER, d.customer_id))
        self.tree.expandAll()
        self.pages.setCurrentIndex(1 if queue.is_empty() else 0)
        self._update_buttons()

    def _for(self, row: QueueRow, text: str) -> str:
        if row.invoice_number:
            return self.tr("Invoice {number}: {text}").format(number=row.invoice_number, text=text)
        return text

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _customer_item(self, section: QTreeWidgetItem, row: QueueRow, detail: str, when: str = "") -> QTreeWidgetItem:
        day = date_text(row.day)
        return self._item(section, [f"{row.customer_name} ({row.customer_number})", when.format(day=day) if when else day,
                                    detail], (Target.CUSTOMER, row.customer_id))

    def _item(self, section: QTreeWidgetItem, cells: list[str], target: tuple[Target, CustomerId | None]) -> QTreeWidgetItem:
        item = QTreeWidgetItem(section, cells)
        item.setData(0, ROLE, target)
        for column, text in enumerate(cells):
            item.setToolTip(column, text)
        return item

    # --- opening ----------------------------------------------------------------------------
    def items(self) -> list[QTreeWidgetItem]:
        """Every item (not the section headings), top to bottom."""
        found = []
        for n in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(n)
            found += [section.child(m) for m in range(section.childCount())]
        return found

    def open_selected(self) -> QWidget | None:
        items = self.tree.selectedItems()
        return self.open_item(items[0]) if items else None

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.open_item(item)

    def open_item(self, item: QTreeWidgetItem) -> QWidget | None:
        target = item.data(0, ROLE)
        if not target:
            return None
        kind, customer_id = target
        if kind == Target.BANK:
            self.open_bank_review.emit()
        elif kind == Target.REMINDERS:
            self.open_reminders.emit()
        elif customer_id is not None:
            return self.open_cockpit(CustomerId(customer_id))
        return None

    def open_cockpit(self, customer_id: CustomerId) -> QWidget:
        from desktop.ui.cockpit_dialog import CockpitDialog

        dialog = CockpitDialog(self._paydesk, self._tasks, customer_id, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._cockpit_changed)
        dialog.status_message.connect(self.status_message)
        dialog.show()
        return dialog

    def _cockpit_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _update_buttons(self) -> None:
        items = self.tree.selectedItems()
        self.open_button.setEnabled(bool(items) and bool(items[0].data(0, ROLE)))

    def shutdown(self) -> None:
        self.reader.wait()
