"""The Bank page: imported transactions by state with Paydesk's suggestions and reasons, decided
from the keyboard.

Return accepts the highlighted suggestion, Delete rejects it, Up/Down move through the list, and
after a decision the next transaction is selected. The list is lazy (ids in SQL, rows on demand),
so a statement of tens of thousands of transactions stays fluid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabBar,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.errors import PaydeskError
from desktop.domain.listing import TransactionFilter
from desktop.domain.matching import Suggestion
from desktop.services.bank_review import TransactionDetail
from desktop.services.paydesk import Paydesk
from desktop.services.statements import StatementSummary
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.bank_book_dialog import BankBookDialog
from desktop.ui.bank_detail import BankDetail
from desktop.ui.bank_import import StatementImport
from desktop.ui.bank_rules_dialog import RulesDialog
from desktop.ui.bank_settings_dialog import BankSettingsDialog
from desktop.ui.bank_table import TransactionSource, category_text, transaction_model
from desktop.ui.formatting import money, number
from desktop.ui.list_widgets import HINT_STYLE, hint_page, read_only_table, size_sortable_columns
from desktop.ui.reason_dialog import ReasonDialog
from desktop.ui.tasks import TaskRunner

SEARCH_DELAY_MS = 250
REMITTANCE_COLUMN = 4
STATE_COLUMN = 5
TABS: tuple[TransactionState | None, ...] = (
    TransactionState.REVIEW, TransactionState.UNMATCHED, TransactionState.MATCHED, TransactionState.IGNORED, None,
)
"""The state filters, left to right; None is "All"."""
Shortcut = QKeySequence | QKeySequence.StandardKey | Qt.Key | str
BANNER_STYLE = "QFrame#banner { background: #fff4e5; border: 1px solid #f0b45b; border-radius: 4px; }"


class IgnoreDialog(QDialog):
    """Ignore a transaction as a category (bank fee, salary...) with an optional note.

    ``apply(category, note)`` runs on OK; a ``PaydeskError`` it raises is shown and the dialog stays.
    """

    def __init__(self, default: IgnoreCategory, apply: Callable[[IgnoreCategory, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._apply = apply
        self.setWindowTitle(self.tr("Ignore transaction"))
        self.setMinimumWidth(420)
        self.category = QComboBox(self)
        for category in IgnoreCategory:
            self.category.addItem(category_text(category), category.value)
        self.category.setCurrentIndex(self.category.findData(default.value))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Optional, kept in the audit log"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        intro = QLabel(self.tr("Not a customer payment: it leaves the review list (you can bring it back later)."), self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Ignore as"), self.category)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(self.tr("Ignore"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen(self) -> IgnoreCategory:
        return IgnoreCategory(self.category.currentData())

    def confirm(self) -> None:
        try:
            self._apply(self.chosen(), self.note.text().strip())
        except PaydeskError as error:
            self.error.setText(messages.error_text(error))
            self.error.show()
            return
        self.accept()


class StatementBanner(QFrame):
    """Statements that do not add up, each with "Accept as is".

    Signals:
        accept_requested: the statement's id.
    """

    accept_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(BANNER_STYLE)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 10, 6)
        self._layout.setSpacing(4)
        self.rows: list[tuple[StatementSummary, QLabel, QPushButton]] = []
        self._row_widgets: list[QWidget] = []
        self.setVisible(False)

    def show_problems(self, problems: Sequence[StatementSummary]) -> None:
        for row in self._row_widgets:
            self._layout.removeWidget(row)
            row.deleteLater()
        self._row_widgets = []
        self.rows = []
        for summary in problems:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            name = summary.statement_id or summary.file_name
            label = QLabel(row)
            label.setWordWrap(True)
            label.setText(self.tr("⚠ Statement {name} of account {account} ({file}) does not add up: {problem}.").format(
                name=name, account=summary.account, file=summary.file_name, problem=summary.problem))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            button = QPushButton(self.tr("Accept as is"), row)
            button.setToolTip(self.tr("You checked the statement with your bank; the acceptance is kept in the audit log"))
            button.clicked.connect(lambda _checked=False, statement_id=summary.id: self.accept_requested.emit(statement_id))
            line.addWidget(label, 1)
            line.addWidget(button)
            self._layout.addWidget(row)
            self._row_widgets.append(row)
            self.rows.append((summary, label, button))
        self.setVisible(bool(problems))


class _SearchKeys(QObject):
    """Down or Return in the search box go to the list."""

    def __init__(self, target: QWidget, parent: QObject) -> None:
        super().__init__(parent)
        self._target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._target.setFocus()
            return True
        return False


class BankView(QWidget):
    """Bank transactions to review, with import, "Match again", rules and settings.

    Signals:
        changed: bookings, payments or invoices changed here (other views may show stale data).
        status_message: a short note for the status bar ("Booked to 2026-00042").
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.source = TransactionSource(paydesk.bank)
        self.model = transaction_model(self.source, self)
        self.suggestions: list[Suggestion] = []
        self.counts: dict[TransactionState, int] = {}
        self.importer: StatementImport | None = None
        self.dialog: QDialog | None = None  # the last dialog this page opened (tests drive it)

        self.banner = StatementBanner(self)
        self.banner.accept_requested.connect(self.accept_statement)
        self.tabs = QTabBar(self)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        for _state in TABS:
            self.tabs.addTab("")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, IBAN, text… (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filter_changed)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())

        self.table = self._make_table()
        self.search.installEventFilter(_SearchKeys(self.table, self))
        self.detail = BankDetail(paydesk, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 370])
        self.splitter.setChildrenCollapsible(False)

        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint_button = QPushButton(self)
        self.hint_button.clicked.connect(self._hint_clicked)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self._hint_page())
        self.count_label = QLabel(self)

        self._make_actions()
        self.detail.set_buttons(self._decision_buttons())
        self.toolbar = self._make_toolbar()
        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.count_label)

        self.tabs.currentChanged.connect(self._filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail.current_changed.connect(lambda _index: self._update_actions())
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._after_sort)
        self.setAcceptDrops(True)
        self.refresh()

    # --- building ----------------------------------------------------------------------------
    def _make_table(self) -> QTableView:
        table = read_only_table(self, self.model)
        table.horizontalHeader().setMinimumSectionSize(50)
        size_sortable_columns(table, ("Nov 30, 2026", "-00,000.00 EUR", "García y Asociados S", "NL91ABNA0417164300XX",
                                      "RF18 5390 0754 7034 Invoice", "Needs review", "Suggested: García y Asoc", "Score"))
        table.horizontalHeader().setSectionResizeMode(REMITTANCE_COLUMN, QHeaderView.ResizeMode.Stretch)
        return table

    def _hint_page(self) -> QWidget:
        return hint_page(self, self.hint, self.hint_button)

    def _action(self, text: str, slot: Callable[[], object], shortcuts: Sequence[Shortcut] = (), tip: str = "",
                owner: QWidget | None = None, icon: QStyle.StandardPixmap | None = None) -> QAction:
        """An action whose tooltip names its shortcut; its keys work while ``owner`` (or a child) has focus."""
        action = QAction(text, self)
        action.setIconText(text)  # buttons keep the "…" that says a dialog follows
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        tip = tip or text.replace("…", "")
        if shortcuts:
            keys = QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
            tip = self.tr("{tip} ({shortcut})").format(tip=tip, shortcut=keys)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        (owner or self).addAction(action)
        return action

    def _make_actions(self) -> None:
        keys = Qt.Key
        ctrl = Qt.KeyboardModifier.ControlModifier
        decide = self.splitter  # decision keys act while the list or the detail has focus, not while typing a search
        self.accept_action = self._action(
            self.tr("Accept"), self.accept_current, (keys.Key_Return, keys.Key_Enter),
            self.tr("Book the transaction as the highlighted suggestion proposes"), decide)
        self.write_off_action = self._action(
            self.tr("Accept, write off…"), self.accept_with_write_off,
            (QKeySequence(ctrl | keys.Key_Return), QKeySequence(ctrl | keys.Key_Enter)),
            self.tr("Accept the highlighted suggestion and write off what stays open (asks why)"), decide)
        self.reject_action = self._action(
            self.tr("Reject"), self.reject_current, (keys.Key_Delete,),
            self.tr("This suggestion is wrong: it is not offered again"), decide)
        self.book_action = self._action(
            self.tr("Book by hand…"), self.book_by_hand, ("Ctrl+B",),
            self.tr("Choose the customer and invoices yourself, or split over several invoices"), decide)
        self.ignore_action = self._action(
            self.tr("Ignore…"), self.ignore_current, ("Ctrl+I",),
            self.tr("Not a customer payment (fee, salary, payout…): take it off the review list"), decide)
        self.restore_action = self._action(
            self.tr("Bring back"), self.restore_current, ("Ctrl+Shift+I",),
            self.tr("Put the ignored transaction back on the review list"), decide)
        self.undo_action = self._action(
            self.tr("Undo booking…"), self.undo_current, ("Ctrl+Z",),
            self.tr("Remove the payment this transaction booked; its invoices reopen"), decide)
        self.next_suggestion_action = self._action(
            self.tr("Next suggestion"), lambda: self.detail.step(1), ("Alt+Down",),
            self.tr("Highlight the next suggestion"), decide)
        self.previous_suggestion_action = self._action(
            self.tr("Previous suggestion"), lambda: self.detail.step(-1), ("Alt+Up",),
            self.tr("Highlight the previous suggestion"), decide)
        sp = QStyle.StandardPixmap
        self.import_action = self._action(self.tr("Import statements…"), lambda: self.import_statements(), (),
                                          self.tr("Import camt.053/052/054, MT940/942, OFX, CSV or Excel statement files"),
                                          icon=sp.SP_DialogOpenButton)
        self.rematch_action = self._action(self.tr("Match again"), self.match_again, ("Ctrl+M",),
                                           self.tr("Match every waiting transaction again (after new invoices or rules)"),
                                           icon=sp.SP_BrowserReload)
        self.rules_action = self._action(self.tr("Rules…"), self.open_rules, (),
                                         self.tr("Rules for payments Paydesk can't match on its own"))
        self.settings_action = self._action(self.tr("Settings…"), self.open_settings, (),
                                            self.tr("When Paydesk books on its own, and what it may write off"))
        self.search_action = self._action(self.tr("Search"), self.focus_search, (QKeySequence.StandardKey.Find,))

    def _decision_buttons(self) -> list[QWidget]:
        rows = []
        for actions in ((self.accept_action, self.write_off_action, self.reject_action, self.book_action, self.ignore_action,
                         self.restore_action, self.undo_action),):
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(6)
            for action in actions:
                button = QToolButton(row)
                button.setDefaultAction(action)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                button.setMinimumHeight(26)
                line.addWidget(button)
            line.addStretch(1)
            rows.append(row)
        self.buttons = [b for row in rows for b in row.findChildren(QToolButton)]
        return rows

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(bar.iconSize() * 0.75)
        for action in (self.import_action, self.rematch_action, None, self.rules_action, self.settings_action):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        return bar

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list, the counts and the statement problems again, keeping the selection."""
        self._reload(self.current_id())

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def select(self, transaction_id: int) -> bool:
        row = self.model.row_of(transaction_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self.table.clearSelection()
            self.table.setCurrentIndex(self.model.index(-1, 0))
            self._show_detail(None)
            return
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    def set_state_filter(self, state: TransactionState | None) -> None:
        self.tabs.setCurrentIndex(TABS.index(state))

    def state_filter(self) -> TransactionState | None:
        return TABS[self.tabs.currentIndex()]

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _reload(self, keep: int | None, fallback_row: int = 0) -> None:
        state = self.state_filter()
        self.source.filter = TransactionFilter(states=frozenset({state.value}) if state else frozenset(),
                                               text=self.search.text().strip())
        try:
            self.counts = self._paydesk.bank.counts()
            self.model.refresh()
            self.banner.show_problems(self._paydesk.statements.statements(only_unaccepted_problems=True))
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self._update_tabs()
        self.table.setColumnHidden(STATE_COLUMN, state is not None)  # a tab of one state needs no state column
        row = self.model.row_of(keep) if keep is not None else None
        self.select_row(row if row is not None else min(fallback_row, self.model.rowCount() - 1))
        self._update_count()

    def _filter_changed(self) -> None:
        self._search_timer.stop()
        self._reload(self.current_id())

    def _update_tabs(self) -> None:
        titles = {
            TransactionState.REVIEW: self.tr("Needs review"), TransactionState.UNMATCHED: self.tr("Unmatched"),
            TransactionState.MATCHED: self.tr("Matched"), TransactionState.IGNORED: self.tr("Ignored"),
        }
        for index, state in enumerate(TABS):
            count = self.counts.get(state, 0) if state is not None else sum(self.counts.values())
            title = titles[state] if state is not None else self.tr("All")
            self.tabs.setTabText(index, self.tr("{title} ({count})").format(title=title, count=number(count)))

    def _update_count(self) -> None:
        count = self.model.rowCount()
        text = self.tr("1 transaction") if count == 1 else self.tr("{count} transactions").format(count=number(count))
        keys = self.tr("Return accept · Delete reject · Ctrl+B book by hand · Ctrl+I ignore · Ctrl+Z undo · "
                       "Alt+↓ next suggestion")
        self.count_label.setText(f"{text}    {keys}" if count else text)
        self._update_empty_state(count)

    def _update_empty_state(self, count: int) -> None:
        if count:
            self.pages.setCurrentIndex(0)
            return
        total = sum(self.counts.values())
        text = self.search.text().strip()
        if not total:
            self.hint.setText(self.tr("No bank transactions yet — import a statement (camt.053, MT940, OFX, CSV...) "
                                      "and Paydesk matches the payments to your open invoices."))
            self.hint_button.setText(self.tr("Import statements…"))
        elif text:
            self.hint.setText(self.tr("No transaction here matches “{text}”.").format(text=text))
            self.hint_button.setText(self.tr("Clear search"))
        else:
            hints = {
                TransactionState.REVIEW: self.tr("Nothing needs review: every suggestion has been decided."),
                TransactionState.UNMATCHED: self.tr("No unmatched payments."),
                TransactionState.MATCHED: self.tr("Nothing booked yet."),
                TransactionState.IGNORED: self.tr("Nothing ignored."),
            }
            state = self.state_filter()
            self.hint.setText(hints[state] if state is not None else "")
            self.hint_button.setText(self.tr("Show all transactions"))
        self.pages.setCurrentIndex(1)

    def _hint_clicked(self) -> None:
        if not sum(self.counts.values()):
            self.import_statements()
        elif self.search.text().strip():
            self.search.clear()
            self._filter_changed()
        else:
            self.set_state_filter(None)

    def _after_sort(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.table.scrollTo(index)

    def _current_changed(self) -> None:
        transaction_id = self.current_id()
        if transaction_id is None:
            self._show_detail(None)
            return
        try:
            detail = self._paydesk.bank.detail(transaction_id)
        except PaydeskError as error:
            messages.show_error(self, error)
            self._show_detail(None)
            return
        self._show_detail(detail)

    def _show_detail(self, detail: TransactionDetail | None) -> None:
        self.suggestions = self._paydesk.bank.suggestions(detail) if detail is not None else []
        self.detail.show_transaction(detail, self.suggestions)
        self._update_actions()

    def _update_actions(self) -> None:
        detail = self.detail.detail
        state = detail.row.state if detail is not None else None
        waiting = state in (TransactionState.REVIEW, TransactionState.UNMATCHED)
        incoming = detail is not None and detail.tx.amount > 0
        suggestion = self.detail.current_suggestion() if waiting else None
        self.accept_action.setEnabled(suggestion is not None)
        self.write_off_action.setEnabled(suggestion is not None and suggestion.shortfall > 0)
        self.reject_action.setEnabled(suggestion is not None)
        self.book_action.setEnabled(waiting and incoming)
        self.ignore_action.setEnabled(waiting)
        self.restore_action.setEnabled(state is TransactionState.IGNORED)
        self.undo_action.setEnabled(state is TransactionState.MATCHED)
        many = len(self.detail.cards) > 1 and waiting
        self.next_suggestion_action.setEnabled(many)
        self.previous_suggestion_action.setEnabled(many)
        for button in self.buttons:
            action = button.defaultAction()
            button.setVisible(action is not None and action.isEnabled())

    # --- decisions ---------------------------------------------------------------------------
    def _decided(self, message: str, advance: bool = True) -> None:
        """After a decision: reload, and go on to the next transaction of the list."""
        transaction_id = self.current_id()
        row = self.table.currentIndex().row()
        self._reload(None, fallback_row=max(row, 0))
        still = self.model.row_of(transaction_id) if transaction_id is not None else None
        if still is not None:
            self.select_row(min(still + 1, self.model.rowCount() - 1) if advance else still)
        if message:
            self.status_message.emit(message)
        self.changed.emit()
        self.table.setFocus()

    def _failed(self, error: PaydeskError) -> None:
        messages.show_error(self, error, self.tr("Bank"))
        self.refresh()

    def _highlighted_words(self) -> str:
        """The highlighted suggestion's invoice numbers (or its customer, for credit), for messages."""
        index = self.detail.current_index()
        if not 0 <= index < len(self.detail.cards):
            return ""
        shown = self.detail.cards[index].shown
        return ", ".join(line.number for line in shown.invoices) or shown.customer

    def accept_current(self) -> bool:
        """Book the current transaction as its highlighted suggestion proposes."""
        detail, index = self.detail.detail, self.detail.current_index()
        if detail is None or index < 0 or not self.accept_action.isEnabled():
            return False
        words = self._highlighted_words()
        try:
            self._paydesk.bank.accept(detail.row.id, index)
        except PaydeskError as error:
            self._failed(error)
            return False
        self._decided(self.tr("Booked to {what}.").format(what=words))
        return True

    def accept_with_write_off(self) -> ReasonDialog | None:
        """Accept and write off what stays open; asks for the reason first."""
        detail, index = self.detail.detail, self.detail.current_index()
        suggestion = self.detail.current_suggestion()
        if detail is None or suggestion is None or not self.write_off_action.isEnabled():
            return None
        transaction_id = detail.row.id
        words = self._highlighted_words()
        currency = suggestion.currency or detail.tx.currency
        prompt = self.tr("Book the payment to {what} and write off the {amount} {currency} that stays open. Why?").format(
            what=words, amount=money(suggestion.shortfall, currency), currency=currency)

        def apply(reason: str) -> None:
            self._paydesk.bank.accept(transaction_id, index, reason)

        dialog = ReasonDialog(self.tr("Accept and write off"), prompt, self.tr("Accept and write off"), apply, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._decided(self.tr("Booked to {what}; the difference is written off.")
                                                      .format(what=words)))
        self.dialog = dialog
        dialog.open()
        return dialog

    def reject_current(self) -> bool:
        """The highlighted suggestion is wrong: it goes, and is not offered again after "Match again"."""
        detail, index = self.detail.detail, self.detail.current_index()
        if detail is None or index < 0 or not self.reject_action.isEnabled():
            return False
        try:
            self._paydesk.bank.reject(detail.row.id, index)
        except PaydeskError as error:
            self._failed(error)
            return False
        self._decided(self.tr("Suggestion rejected."))
        return True

    def book_by_hand(self) -> BankBookDialog | None:
        detail = self.detail.detail
        if detail is None or not self.book_action.isEnabled():
            return None
        try:
            dialog = BankBookDialog(self._paydesk, detail, self.suggestions, self)
        except PaydeskError as error:
            self._failed(error)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.booked.connect(lambda _payment: self._decided(self.tr("Booked by hand.")))
        self.dialog = dialog
        dialog.open()
        return dialog

    def ignore_current(self) -> IgnoreDialog | None:
        detail = self.detail.detail
        if detail is None or not self.ignore_action.isEnabled():
            return None
        transaction_id = detail.row.id
        default = IgnoreCategory.OUTGOING if detail.tx.amount < 0 else IgnoreCategory.OTHER

        def apply(category: IgnoreCategory, note: str) -> None:
            self._paydesk.bank.ignore(transaction_id, category, note)

        dialog = IgnoreDialog(default, apply, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._decided(self.tr("Transaction ignored.")))
        self.dialog = dialog
        dialog.open()
        return dialog

    def restore_current(self) -> bool:
        detail = self.detail.detail
        if detail is None or not self.restore_action.isEnabled():
            return False
        try:
            self._paydesk.bank.restore(detail.row.id)
        except PaydeskError as error:
            self._failed(error)
            return False
        self._decided(self.tr("The transaction is back on the review list."))
        return True

    def undo_current(self) -> bool:
        """Undo the booking (after asking): the payment goes, the invoices reopen; audited."""
        detail = self.detail.detail
        if detail is None or not self.undo_action.isEnabled():
            return False
        booked = ", ".join(detail.row.invoices) or self.tr("customer credit")
        amount = f"{money(detail.tx.amount, detail.tx.currency)} {detail.tx.currency}"
        if not messages.confirm(self, self.tr("Undo booking"), self.tr(
                "Undo the booking of {amount} from {name} to {booked}? The payment is removed and the invoices "
                "reopen; the transaction goes back to the review list.").format(
                amount=amount, name=detail.tx.counterparty_name, booked=booked), self.tr("Undo booking")):
            return False
        try:
            self._paydesk.bank.undo(detail.row.id)
        except PaydeskError as error:
            self._failed(error)
            return False
        self._decided(self.tr("Booking undone; {booked} open again.").format(booked=booked), advance=False)
        return True

    def accept_statement(self, statement_id: int) -> None:
        try:
            self._paydesk.statements.accept_statement(statement_id)
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Bank"))
        self.refresh()

    # --- import, match again, rules, settings ------------------------------------------------
    def import_statements(self, paths: list[Path] | None = None) -> StatementImport:
        """Choose files (or import ``paths``) in the background; the page refreshes when done."""
        importer = StatementImport(self._paydesk, self._tasks, self)
        importer.imported.connect(self._imported)
        importer.finished.connect(lambda _outcomes: importer.deleteLater())
        self.importer = importer
        if paths:
            importer.start(paths)
        else:
            importer.choose_files()
        return importer

    def _imported(self) -> None:
        if self.model.rowCount() == 0 and not sum(self.counts.values()):
            self.set_state_filter(None)
        self.refresh()
        self.changed.emit()

    def match_again(self) -> None:
        paydesk = self._paydesk

        def work(progress: ProgressCallback, token: CancelToken) -> dict[TransactionState, int]:
            return paydesk.bank.rematch(progress, token)

        def done(states: dict[TransactionState, int]) -> None:
            self.refresh()
            self.status_message.emit(self.tr("Matched again: {matched} booked, {review} to review, {unmatched} unmatched.")
                                     .format(matched=number(states.get(TransactionState.MATCHED, 0)),
                                             review=number(states.get(TransactionState.REVIEW, 0)),
                                             unmatched=number(states.get(TransactionState.UNMATCHED, 0))))
            self.changed.emit()

        self._tasks.run(work, done, title=self.tr("Matching transactions again…"), on_failure=self._failed,
                        dialog_parent=self.window())

    def open_rules(self) -> RulesDialog:
        dialog = RulesDialog(self._paydesk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.rules_changed.connect(lambda: self.status_message.emit(
            self.tr("Rules changed: “Match again” (Ctrl+M) applies them to the waiting transactions.")))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_settings(self) -> BankSettingsDialog:
        dialog = BankSettingsDialog(self._paydesk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    # --- dropping files ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() and all(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_statements(paths)
