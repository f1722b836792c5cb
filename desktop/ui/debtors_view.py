"""Debtors: where every customer stands, per currency, as of today or a past day - balances, aging,
reminder level, last and next action, credit limit use - sorted and filtered in SQL, read page by
page in the background, with the totals per currency below. Enter or a double-click opens the cockpit."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.domain.debtors import DebtorFilter, DebtorPage, DebtorRow, DebtorSort
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.ui import crash, messages
from desktop.ui.background_reader import BackgroundReader
from desktop.ui.debtor_filter_bar import DebtorFilterBar
from desktop.ui.debtor_table import SAMPLES, DebtorTableModel
from desktop.ui.formatting import date_text, money, number
from desktop.ui.list_widgets import HINT_STYLE, hint_page, read_only_table, size_sortable_columns
from desktop.ui.tasks import TaskRunner

PAGE = 200


class DebtorsView(QWidget):
    """Signals:
        changed: something changed from here (a cockpit action): other views may show stale data.
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.reader = BackgroundReader(self)
        self.model = DebtorTableModel(self)
        self.filters = DebtorFilterBar(paydesk.today, self)
        self.table = read_only_table(self, self.model)
        size_sortable_columns(self.table, SAMPLES, padding=32)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 220)
        self.loading = QLabel(self.tr("Loading…"), self)
        self.loading.setStyleSheet("color: palette(placeholder-text);")
        self.loading.hide()
        self.count_label = QLabel(self)
        self.totals = QLabel(self)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint_button = QPushButton(self.tr("Clear filters"), self)
        self.hint_button.clicked.connect(self.filters.clear)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(hint_page(self, self.hint, self.hint_button))
        self.cockpit_action = QAction(self.tr("Open cockpit"), self)
        self.cockpit_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.cockpit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cockpit_action.triggered.connect(self.open_selected)
        self.table.addAction(self.cockpit_action)
        self.cockpit_button = QPushButton(self.tr("Open cockpit"), self)
        self.cockpit_button.clicked.connect(self.open_selected)
        self.reload_button = QPushButton(self.tr("Reload"), self)
        self.reload_button.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.loading)
        bottom.addStretch(1)
        bottom.addWidget(self.reload_button)
        bottom.addWidget(self.cockpit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.totals)
        layout.addLayout(bottom)

        self.filters.changed.connect(self.refresh)
        self.model.fetch_requested.connect(self._fetch)
        self.model.reload_requested.connect(self.refresh)
        self.reader.busy_changed.connect(self.loading.setVisible)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()
        self.refresh()

    # --- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the first page again with the current filters, sort and day."""
        self._read(0)

    def _fetch(self, offset: int) -> None:
        self._read(offset)

    def _read(self, offset: int) -> None:
        debtors = self._paydesk.debtors
        day, flt, sort = self.filters.day(), self.filters.current(), self.model.debtor_sort

        def work() -> DebtorPage:
            return debtors.overview(as_of=day, filter=flt, sort=sort, offset=offset, limit=PAGE)

        self.reader.read(work, lambda page: self._loaded(page, offset, flt), self._failed)

    def _loaded(self, page: DebtorPage, offset: int, flt: DebtorFilter) -> None:
        keep = self.selected_row()
        self.model.set_page(page, offset)
        if flt == DebtorFilter():
            self.filters.offer_currencies(t.currency for t in page.totals)
        if offset == 0 and keep is not None:
            self.select(keep.customer_id, keep.currency)
        self._show_counts(page)

    def _failed(self, error: BaseException) -> None:
        self.model.fetch_failed()
        if isinstance(error, PaydeskError):
            messages.show_error(self, error)
        else:
            crash.report_bug(error)

    def _show_counts(self, page: DebtorPage) -> None:
        count = page.total_count
        self.count_label.setText(self.tr("1 debtor") if count == 1 else self.tr("{count} debtors").format(count=number(count)))
        day = page.as_of or self._paydesk.today()
        lines = []
        for t in page.totals:
            lines.append(self.tr(
                "<b>{currency}</b> ({count}): open {open} · overdue <span style='color:#c62828'>{overdue}</span> · "
                "not yet due {b0} · 1-30: {b1} · 31-60: {b2} · 61-90: {b3} · over 90: {b4} · credit {credit}").format(
                currency=t.currency, count=number(t.customers), open=money(t.open_balance, t.currency),
                overdue=money(t.overdue, t.currency), b0=money(t.not_due, t.currency), b1=money(t.days_1_30, t.currency),
                b2=money(t.days_31_60, t.currency), b3=money(t.days_61_90, t.currency),
                b4=money(t.days_over_90, t.currency), credit=money(t.credit, t.currency)))
        heading = self.tr("Totals as of {day}").format(day=date_text(day))
        self.totals.setText("<br>".join([heading, *lines]) if lines else "")
        self.totals.setVisible(bool(lines))
        self._update_empty_state(count)

    def _update_empty_state(self, count: int) -> None:
        if count:
            self.pages.setCurrentIndex(0)
            return
        filtering = self.filters.is_filtering()
        if filtering:
            self.hint.setText(self.tr("No debtors match these filters."))
        elif self.filters.day() is not None:
            self.hint.setText(self.tr("Nobody owed anything on {day}.").format(day=date_text(self.filters.day())))
        else:
            self.hint.setText(self.tr("Nobody owes you anything right now. Customers with open invoices or "
                                      "credit show here."))
        self.hint_button.setVisible(filtering)
        self.pages.setCurrentIndex(1)

    # --- selection and opening ----------------------------------------------------------------
    def selected_row(self) -> DebtorRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def select(self, customer_id: CustomerId, currency: str | None = None) -> bool:
        for n in range(self.model.rowCount()):
            row = self.model.item(n)
            if row is not None and row.customer_id == customer_id and currency in (None, row.currency):
                self.table.selectRow(n)
                self.table.scrollTo(self.model.index(n, 0))
                return True
        return False

    def _activated(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.open_selected()

    def open_selected(self) -> QWidget | None:
        row = self.selected_row()
        return self.open_cockpit(row.customer_id) if row is not None else None

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

    def _update_actions(self) -> None:
        enabled = self.selected_row() is not None
        self.cockpit_action.setEnabled(enabled)
        self.cockpit_button.setEnabled(enabled)

    def shutdown(self) -> None:
        self.reader.wait()

    def as_of(self) -> date | None:
        return self.filters.day()

    @property
    def sort(self) -> DebtorSort:
        return self.model.debtor_sort
