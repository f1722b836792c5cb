"""The customer list: search as you type and sort by header, both answered in SQL; new, edit, delete,
and the selected customer's reminders and timeline."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId
from desktop.domain.languages import LANGUAGES
from desktop.domain.listing import CustomerSort
from desktop.services.customers import CustomerListRow
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.customer_editor import CustomerEditor
from desktop.ui.customer_reminders_dialog import CustomerRemindersDialog
from desktop.ui.lazy_table import Column, LazyTableModel
from desktop.ui.list_widgets import empty_state, lay_out_list_page, read_only_table
from desktop.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 200
NAME_COLUMN = 1


class CustomerSource:
    """The customers matching ``text``, sorted in SQL; rows built on demand."""

    def __init__(self, paydesk: Paydesk) -> None:
        self._paydesk = paydesk
        self.text = ""

    def ids(self, sort_key: str, descending: bool) -> list[int]:
        sort = CustomerSort(sort_key) if sort_key else CustomerSort.NAME
        return list(self._paydesk.customers.search(self.text, sort, descending))

    def rows(self, ids: list[int]) -> dict[int, CustomerListRow]:
        return dict(self._paydesk.customers.rows([CustomerId(i) for i in ids]))


class CustomersView(QWidget):
    """Every customer, searchable and sortable, with New (Ctrl+N), Edit (Enter) and Delete.

    Signals:
        changed: a customer was created, changed or deleted here.
    """

    changed = Signal()

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._source = CustomerSource(paydesk)
        self._columns: list[Column[CustomerListRow]] = [
            Column(self.tr("Number"), lambda r: r.number, CustomerSort.NUMBER.value),
            Column(self.tr("Name"), lambda r: r.name, CustomerSort.NAME.value),
            Column(self.tr("City"), lambda r: r.city, CustomerSort.CITY.value),
            Column(self.tr("Country"), lambda r: r.country, CustomerSort.COUNTRY.value),
            Column(self.tr("Email"), lambda r: r.email, CustomerSort.EMAIL.value),
            Column(self.tr("Language"), lambda r: LANGUAGES.get(r.language, r.language)),
        ]
        self.model: LazyTableModel[CustomerListRow] = LazyTableModel(self._columns, self._source, NAME_COLUMN, parent=self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search number, name, city or email…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._search_timer.start)

        self.table = read_only_table(self, self.model)
        header = self.table.horizontalHeader()
        for column, width in enumerate((90, 260, 150, 70, 240, 100)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        self._sort_indicator = (NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._on_activated)  # Enter, or a double-click (as the platform says)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self._kept: CustomerId | None = None
        self.model.layoutAboutToBeChanged.connect(self._keep_selection)
        self.model.layoutChanged.connect(self._restore_selection)

        self.hint, self.stack = empty_state(self, self.table)
        self.count = QLabel(self)

        self.new_action = QAction(self.tr("New customer…"), self)
        self.new_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(self.new_customer)
        self.edit_action = QAction(self.tr("Edit…"), self)
        self.edit_action.setToolTip(self.tr("Edit the selected customer (Enter or double-click)"))
        self.edit_action.triggered.connect(self.edit_selected)
        self.delete_action = QAction(self.tr("Delete…"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.reminders_action = QAction(self.tr("Reminders and timeline…"), self)
        self.reminders_action.setToolTip(self.tr("The selected customer's reminder procedure, pauses, payment plans "
                                                 "and timeline"))
        self.reminders_action.triggered.connect(self.reminders_selected)
        self.cockpit_action = QAction(self.tr("Open cockpit"), self)
        self.cockpit_action.setToolTip(self.tr("Where the selected customer stands, the timeline of everything, notes, "
                                               "promises, disputes, credit limit and statement of account"))
        self.cockpit_action.triggered.connect(self.cockpit_selected)
        self.addAction(self.new_action)
        self.table.addAction(self.delete_action)

        lay_out_list_page(self, self.search, [self.new_action, self.edit_action, self.delete_action, self.reminders_action,
                                       self.cockpit_action],
                          self.stack, self.count)
        self.refresh()

    # --- public -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again (after a change anywhere); the selected customer stays selected."""
        selected = self.selected_id()
        self.model.refresh()
        if selected is not None:
            self.select(selected)
        self._update_state()

    def selected_id(self) -> CustomerId | None:
        rows = self.table.selectionModel().selectedRows()
        return CustomerId(self.model.id_at(rows[0].row())) if rows else None

    def select(self, customer_id: CustomerId) -> None:
        row = self.model.row_of(customer_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def apply_search(self) -> None:
        """Filter now (the search box calls this ~200 ms after the last keystroke)."""
        self._search_timer.stop()
        self._source.text = self.search.text()
        self.refresh()

    def new_customer(self) -> CustomerEditor | None:
        return self._open_editor(None)

    def edit_selected(self) -> CustomerEditor | None:
        customer_id = self.selected_id()
        return self._open_editor(customer_id) if customer_id is not None else None

    def delete_selected(self) -> None:
        customer_id = self.selected_id()
        row = self.model.item(self.model.row_of(customer_id) or 0) if customer_id is not None else None
        if customer_id is None or row is None:
            return
        question = self.tr("Delete customer %1 %2? This cannot be undone.").replace("%1", row.number).replace("%2", row.name)
        if not messages.confirm(self, self.tr("Delete customer"), question, self.tr("Delete")):
            return

        def work(_progress: ProgressCallback, _token: CancelToken) -> None:
            self._paydesk.customers.delete(customer_id)

        self._tasks.run(work, lambda _result: self._after_change(None), title=self.tr("Deleting customer…"),
                        on_failure=self._show_error, dialog_parent=self)

    def reminders_selected(self) -> QDialog | None:
        """Open the selected customer's reminders and timeline."""
        customer_id = self.selected_id()
        if customer_id is None:
            return None
        try:
            dialog = CustomerRemindersDialog(self._paydesk, customer_id, self)
        except PaydeskError as error:
            self._show_error(error)
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def cockpit_selected(self) -> QDialog | None:
        """Open the selected customer's cockpit."""
        customer_id = self.selected_id()
        if customer_id is None:
            return None
        from desktop.ui.cockpit_dialog import CockpitDialog

        try:
            dialog = CockpitDialog(self._paydesk, self._tasks, customer_id, self)
        except PaydeskError as error:
            self._show_error(error)
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.changed)
        dialog.open()
        return dialog

    # --- inside -----------------------------------------------------------------------------
    def _open_editor(self, customer_id: CustomerId | None) -> CustomerEditor | None:
        try:
            editor = CustomerEditor(self._paydesk, self, customer_id)
        except PaydeskError as error:
            self._show_error(error)
            self.refresh()
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda saved_id: self._after_change(CustomerId(saved_id)))
        editor.open()
        return editor

    def _after_change(self, customer_id: CustomerId | None) -> None:
        self.refresh()
        if customer_id is not None:
            self.select(customer_id)
        self.changed.emit()

    def _show_error(self, error: BaseException) -> None:
        messages.show_error(self, error if isinstance(error, PaydeskError) else str(error), self.tr("Customers"))

    def _keep_selection(self) -> None:
        self._kept = self.selected_id()

    def _restore_selection(self) -> None:
        self.table.clearSelection()
        if self._kept is not None:
            self.select(self._kept)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        header = self.table.horizontalHeader()
        if not 0 <= column < len(self._columns) or self._columns[column].sort_key is None:
            header.blockSignals(True)
            header.setSortIndicator(*self._sort_indicator)
            header.blockSignals(False)
            return
        self._sort_indicator = (column, order)

    def _update_state(self) -> None:
        shown = self.model.rowCount()
        text = self._source.text.strip()
        if shown:
            self.stack.setCurrentWidget(self.table)
        elif text:
            self.hint.setText(self.tr("No customer matches “%1”.").replace("%1", text))
            self.stack.setCurrentWidget(self.hint)
        else:
            self.hint.setText(self.tr("No customers yet.\nClick “New customer…” (Ctrl+N) to add the first one."))
            self.stack.setCurrentWidget(self.hint)
        if text:
            self.count.setText(self.tr("Customers matching “%1”: %2").replace("%1", text).replace("%2", str(shown)))
        else:
            self.count.setText(self.tr("Customers: %1").replace("%1", str(shown)))
        self._update_actions()

    def _update_actions(self) -> None:
        has_selection = self.selected_id() is not None
        self.edit_action.setEnabled(has_selection)
        self.delete_action.setEnabled(has_selection)
        self.reminders_action.setEnabled(has_selection)
        self.cockpit_action.setEnabled(has_selection)

