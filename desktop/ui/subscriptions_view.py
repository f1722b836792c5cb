"""The Subscriptions page: the list (filter by state and text), what can be done to the selected
subscription (edit, change plan, pause, resume, cancel, delete), its billed periods below, and
Run billing now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.ids import InvoiceId
from desktop.domain.states import InvoiceStatus
from desktop.domain.subscriptions import SubscriptionId, SubscriptionState
from desktop.services.billing import BillingReport
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.billing_run import BillingRunner
from desktop.ui.formatting import number
from desktop.ui.list_widgets import HINT_STYLE, hint_page, read_only_table, size_sortable_columns
from desktop.ui.subscription_editor import SubscriptionEditor
from desktop.ui.subscription_periods import PeriodsPanel
from desktop.ui.subscription_table import NAME, SubscriptionRow, SubscriptionTableModel, load_rows
from desktop.ui.subscription_texts import state_text
from desktop.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 200


class SubscriptionsView(QWidget):
    """Signals:
        changed: subscriptions or invoices changed here (other views may show stale data).
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.model = SubscriptionTableModel(self)
        self.table = read_only_table(self, self.model)
        size_sortable_columns(self.table, ("Customer name, 25 letters", "", "0,000.00 EUR per quarter", "Quarterly",
                                           "In advance", "Active until Sep 30, 2026", "Sep 30, 2026", "Finalize and email"),
                              padding=12)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search customer, subscription or plan…"))
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox(self)
        self.state.addItem(self.tr("All states"), None)
        for state in SubscriptionState:
            self.state.addItem(state_text(state), state)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filter_changed)
        self.periods = PeriodsPanel(paydesk, self)
        self.count = QLabel(self)
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint_button = QPushButton(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(hint_page(self, self.hint, self.hint_button))
        self.billing = BillingRunner(paydesk, tasks, self)
        self._make_actions()
        self._lay_out()

        self.search.textChanged.connect(self._search_timer.start)
        self.state.currentIndexChanged.connect(self._filter_changed)
        self.hint_button.clicked.connect(self._hint_clicked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self.edit_selected)
        self.model.layoutChanged.connect(self._update_state)
        self.periods.open_invoice.connect(self.open_invoice)
        self.billing.status_message.connect(self.status_message)
        self.billing.finished.connect(self._billed)
        self.refresh()

    # --- building ----------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], object], tip: str = "", shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip or text.replace("…", ""))
        action.setStatusTip(tip or text.replace("…", ""))
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.new_action = self._action(self.tr("New subscription…"), self.new_subscription,
                                       self.tr("Bill a customer every month, quarter or year"),
                                       QKeySequence(QKeySequence.StandardKey.New))
        self.edit_action = self._action(self.tr("Edit…"), self.edit_selected,
                                        self.tr("Edit the selected subscription (Enter or double-click)"))
        self.change_action = self._action(self.tr("Change plan…"), self.change_plan_selected,
                                          self.tr("New lines or interval from a date, with a credit for unused time"))
        self.pause_action = self._action(self.tr("Pause…"), self.pause_selected,
                                         self.tr("Stop billing from a date, optionally until a date"))
        self.resume_action = self._action(self.tr("Resume…"), self.resume_selected, self.tr("Bill a paused subscription again"))
        self.cancel_action = self._action(self.tr("Cancel subscription…"), self.cancel_selected,
                                          self.tr("End it after the current period, or on a day with a prorated credit"))
        self.delete_action = self._action(self.tr("Delete…"), self.delete_selected,
                                          self.tr("Delete a subscription nothing was billed for"))
        self.run_action = self._action(self.tr("Run billing now"), self.billing.start,
                                       self.tr("Make every invoice that has fallen due"))

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for action in (self.new_action, self.edit_action, self.change_action, self.pause_action, self.resume_action,
                       self.cancel_action, self.delete_action, None, self.run_action):
            if action is None:
                bar.addStretch(1)
                continue
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.state)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.pages, 1)
        top_layout.addWidget(self.count)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.periods)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

    # --- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the subscriptions again; the selected one stays selected."""
        keep = self.selected_id()
        try:
            rows = load_rows(self._paydesk)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.model.set_rows(rows)
        if keep is not None:
            self.select(keep)
        self._update_state()

    def _filter_changed(self) -> None:
        keep = self.selected_id()
        self.model.set_filter(self.state.currentData(), self.search.text())
        if keep is not None:
            self.select(keep)
        self._update_state()

    def select(self, sub_id: SubscriptionId) -> None:
        row = self.model.row_of(sub_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_id(self) -> SubscriptionId | None:
        row = self.selected_row()
        return row.id if row is not None else None

    def selected_row(self) -> SubscriptionRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        self._update_state()

    def _update_state(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        text = self.tr("1 subscription") if total == 1 else self.tr("{count} subscriptions").format(count=number(total))
        if shown != total:
            text = self.tr("{shown} of {text}").format(shown=number(shown), text=text)
        self.count.setText(text)
        if shown:
            self.pages.setCurrentIndex(0)
        elif self.model.filtering():
            self.hint.setText(self.tr("No subscriptions match these filters."))
            self.hint_button.setText(self.tr("Clear filters"))
            self.pages.setCurrentIndex(1)
        else:
            self.hint.setText(self.tr("No subscriptions yet: New subscription… bills a customer every month, quarter "
                                      "or year."))
            self.hint_button.setText(self.tr("New subscription…"))
            self.pages.setCurrentIndex(1)
        row = self.selected_row()
        self.periods.show_subscription(row.sub if row is not None else None)
        state = row.state if row is not None else None
        self.edit_action.setEnabled(row is not None)
        live = state in (SubscriptionState.ACTIVE, SubscriptionState.PAUSED, SubscriptionState.SCHEDULED)
        self.change_action.setEnabled(live)
        self.pause_action.setEnabled(state in (SubscriptionState.ACTIVE, SubscriptionState.SCHEDULED))
        self.resume_action.setEnabled(state is SubscriptionState.PAUSED)
        self.cancel_action.setEnabled(live and row is not None and row.sub.cancelled_on is None)
        self.delete_action.setEnabled(row is not None)
        self.run_action.setEnabled(not self.billing.running)

    def _hint_clicked(self) -> None:
        if self.model.filtering():
            self.search.clear()
            self.state.setCurrentIndex(0)
            self._filter_changed()
        else:
            self.new_subscription()

    # --- after a change -------------------------------------------------------------------------
    def _changed(self, message: str = "", select: SubscriptionId | None = None) -> None:
        self.refresh()
        if select is not None:
            self.select(select)
        if message:
            self.status_message.emit(message)
        self.changed.emit()

    def _billed(self, _report: BillingReport | None) -> None:
        self._changed()

    def after_background_run(self) -> None:
        """The start-up billing run made invoices: show them, and let the other pages know."""
        self._changed()

    # --- actions --------------------------------------------------------------------------------
    def new_subscription(self) -> QDialog | None:
        if not self._paydesk.customers.choices():
            messages.inform(self, self.tr("New subscription"), self.tr(
                "A subscription bills a customer, and there are none yet. Add your first customer on the Customers "
                "page, then come back here."))
            return None
        try:
            editor = SubscriptionEditor(self._paydesk, None, self)
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        return self._open(editor)

    def edit_selected(self) -> QDialog | None:
        sub_id = self.selected_id()
        if sub_id is None:
            return None
        try:
            editor = SubscriptionEditor(self._paydesk, self._paydesk.subscriptions.get(sub_id), self)
        except PaydeskError as error:
            messages.show_error(self, error)
            self.refresh()
            return None
        editor.plan_changed.connect(lambda changed_id: self._changed("", SubscriptionId(changed_id)))
        return self._open(editor)

    def _open(self, editor: SubscriptionEditor) -> SubscriptionEditor:
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda sub_id: self._changed(self.tr("Subscription saved."), SubscriptionId(sub_id)))
        editor.open()
        return editor

    def change_plan_selected(self) -> QDialog | None:
        from desktop.ui.change_plan_dialog import ChangePlanDialog

        return self._open_dialog(ChangePlanDialog)

    def pause_selected(self) -> QDialog | None:
        from desktop.ui.subscription_pause_dialog import PauseDialog

        return self._open_dialog(PauseDialog)

    def resume_selected(self) -> QDialog | None:
        from desktop.ui.subscription_pause_dialog import ResumeDialog

        return self._open_dialog(ResumeDialog)

    def cancel_selected(self) -> QDialog | None:
        from desktop.ui.subscription_cancel_dialog import CancelDialog

        return self._open_dialog(CancelDialog)

    def _open_dialog(self, kind: type[QDialog]) -> QDialog | None:
        """One of the change dialogs (each has ``changed(id)`` and ``result_text``) for the selection."""
        sub_id = self.selected_id()
        if sub_id is None:
            return None
        try:
            dialog = kind(self._paydesk, sub_id, self)  # type: ignore[call-arg]
        except PaydeskError as error:
            messages.show_error(self, error)
            self.refresh()
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda changed_id: self._changed(dialog.result_text, SubscriptionId(changed_id)))  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if not messages.confirm(self, self.tr("Delete subscription"), self.tr(
                "Delete {name} for {customer}? This can't be undone.").format(name=row.sub.name,
                                                                               customer=row.sub.customer_name),
                self.tr("Delete")):
            return
        try:
            self._paydesk.subscriptions.delete(row.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self._changed(self.tr("Subscription {name} deleted.").format(name=row.sub.name))

    def open_invoice(self, invoice_id: int) -> QDialog | None:
        """The invoice of a billed period: the editor for a draft left for review, else the viewer."""
        from desktop.ui.invoice_editor import InvoiceEditor
        from desktop.ui.invoice_viewer import InvoiceViewer

        try:
            record = self._paydesk.invoices.get(InvoiceId(invoice_id))
            if record.status is InvoiceStatus.DRAFT:
                editor = InvoiceEditor(self._paydesk, record.draft, self)
                editor.saved.connect(lambda _id, _number: self._changed(self.tr("Invoice saved.")))
                dialog: QDialog = editor
            else:
                dialog = InvoiceViewer(self._paydesk, InvoiceId(invoice_id), self)
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
