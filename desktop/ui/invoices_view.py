"""The invoice list: filters, a lazily loaded table sorted in SQL, and what can be done to the selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.states import ISSUED_STATES, Action, InvoiceKind, InvoiceStatus, allowed
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import Cancelled, CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.customer_editor import CustomerEditor
from desktop.ui.formatting import number
from desktop.ui.invoice_editor import InvoiceEditor
from desktop.ui.invoice_filter_bar import InvoiceFilterBar
from desktop.ui.invoice_table import InvoiceSource, invoice_model
from desktop.ui.invoice_viewer import InvoiceViewer
from desktop.ui.list_widgets import hint_page, read_only_table, size_sortable_columns
from desktop.ui.tasks import TaskRunner

MAX_INSPECTED = 5000
"""Above this many selected rows the actions are enabled without reading every row's state;
the services refuse what does not apply."""

CREDITABLE = ISSUED_STATES - {InvoiceStatus.VOID}
QItemSelectionFlags = QItemSelectionModel.SelectionFlag
Shortcut = QKeySequence | QKeySequence.StandardKey | Qt.Key | str


class InvoicesView(QWidget):
    """Signals:
        changed: invoices changed here (other views may show stale data).
        status_message: a short note for the status bar ("Invoice 2026-00012 issued").
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._source = InvoiceSource(paydesk.invoices)
        self.model = invoice_model(self._source, paydesk.today, self)
        self.filters = InvoiceFilterBar(paydesk.customers, paydesk.today, self)
        self.table = self._make_table()
        self.count_label = QLabel(self)
        self.hint = QLabel(self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid); font-size: 15px; padding: 40px;")
        self.hint_button = QPushButton(self)
        self.hint_button.clicked.connect(self._hint_clicked)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(self._hint_page())
        self._make_actions()
        self.toolbar = self._make_toolbar()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filters)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.count_label)

        self.filters.changed.connect(self._filter_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        self.refresh()

    # --- building ----------------------------------------------------------------------------
    def _make_table(self) -> QTableView:
        table = read_only_table(self, self.model, multiple=True)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        size_sortable_columns(table, ("CN2026-00000", "", "Sep 30, 2026", "Sep 30, 2026", "000,000.00", "000,000.00",
                                      "Currency", "Partially paid, 100 days overdue"), padding=24)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(60)
        return table

    def _hint_page(self) -> QWidget:
        return hint_page(self, self.hint, self.hint_button)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None,
                icon: QStyle.StandardPixmap | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        tip = tip or text.replace("…", "")
        if shortcut is not None:
            tip = self.tr("{tip} ({shortcut})").format(tip=tip, shortcut=action.shortcut().toString(
                QKeySequence.SequenceFormat.NativeText))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action(self.tr("New invoice"), self.new_invoice, QKeySequence.StandardKey.New,
                                       sp.SP_FileIcon)
        self.open_action = self._action(self.tr("Edit draft"), self.open_selected, Qt.Key.Key_Return,
                                        tip=self.tr("Edit the draft, or look at the issued invoice"))
        self.finalize_action = self._action(self.tr("Finalize…"), self.finalize_selected, "Ctrl+Shift+F",
                                            sp.SP_DialogApplyButton, self.tr("Give the selected drafts their numbers"))
        self.delete_action = self._action(self.tr("Delete draft…"), self.delete_selected, QKeySequence.StandardKey.Delete,
                                          sp.SP_TrashIcon, self.tr("Delete the selected drafts"))
        self.payment_action = self._action(self.tr("Record payment…"), self.record_payment, "Ctrl+Shift+P")
        self.credit_action = self._action(self.tr("Credit note…"), self.credit_note, "Ctrl+Shift+C",
                                          tip=self.tr("Credit all or part of the invoice"))
        self.void_action = self._action(self.tr("Void…"), self.void_selected,
                                        tip=self.tr("Cancel an issued invoice nothing was paid on"))
        self.write_off_action = self._action(self.tr("Write off…"), self.write_off_selected,
                                             tip=self.tr("Mark what is left open as uncollectible"))
        self.pdf_action = self._action(self.tr("Open PDF"), self.open_pdf_selected, "Ctrl+Shift+O")
        self.email_action = self._action(self.tr("Email invoice"), self.email_selected,
                                         tip=self.tr("Email the invoice with its PDF to the customer (through the outbox)"))
        self.export_action = self._action(self.tr("Export PDFs…"), self.export_selected, "Ctrl+E",
                                          sp.SP_DialogSaveButton, self.tr("Write a PDF of each selected invoice to a folder"))
        self.search_action = self._action(self.tr("Search"), self._focus_search, QKeySequence.StandardKey.Find)
        self.refresh_action = self._action(self.tr("Reload"), self.refresh, QKeySequence.StandardKey.Refresh)

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(bar.iconSize() * 0.75)
        for action in (self.new_action, self.open_action, self.finalize_action, self.delete_action, None,
                       self.payment_action, self.credit_action, self.void_action, self.write_off_action, None,
                       self.pdf_action, self.email_action, self.export_action):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        return bar

    # --- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again (after changes elsewhere), keeping the selection where it still exists."""
        keep = self.selected_ids()
        current = self._current_id()
        self.filters.reload_customers()
        self._source.filter = self.filters.current()
        try:
            self.model.refresh()
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.select_ids(keep, current)
        self._update_count()
        self._update_actions()

    def _filter_changed(self) -> None:
        self._source.filter = self.filters.current()
        try:
            self.model.refresh()
        except PaydeskError as error:
            messages.show_error(self, error)
        self._update_count()
        self._update_actions()

    def select_ids(self, ids: list[InvoiceId], current: InvoiceId | None = None) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionFlags.Select | QItemSelectionFlags.Rows
        for invoice_id in ids:
            row = self.model.row_of(invoice_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionFlags.NoUpdate)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_ids(self) -> list[InvoiceId]:
        return [InvoiceId(self.model.id_at(index.row())) for index in self._selected_rows()]

    def _selected_rows(self) -> list[QModelIndex]:
        return sorted(self.table.selectionModel().selectedRows(), key=lambda index: index.row())

    def selected_summaries(self) -> list[InvoiceSummary] | None:
        """The selected invoices, or None when too many are selected to look at each."""
        rows = self._selected_rows()
        if len(rows) > MAX_INSPECTED:
            return None
        return self.model.items([index.row() for index in rows])

    def _single(self) -> InvoiceSummary | None:
        found = self.selected_summaries()
        return found[0] if found and len(found) == 1 else None

    def _current_id(self) -> InvoiceId | None:
        index = self.table.currentIndex()
        return InvoiceId(self.model.id_at(index.row())) if index.isValid() else None

    def _update_count(self) -> None:
        count = self.model.rowCount()
        text = self.tr("1 invoice") if count == 1 else self.tr("{count} invoices").format(count=number(count))
        selected = len(self.table.selectionModel().selectedRows())
        if selected > 1:
            text = self.tr("{text} · {selected} selected").format(text=text, selected=number(selected))
        self.count_label.setText(text)
        self._update_empty_state(count)

    def _update_empty_state(self, count: int) -> None:
        if count:
            self.pages.setCurrentIndex(0)
            return
        if self.filters.is_filtering():
            self.hint.setText(self.tr("No invoices match these filters."))
            self.hint_button.setText(self.tr("Clear filters"))
        else:
            self.hint.setText(self.tr("No invoices yet — click New invoice to write your first one."))
            self.hint_button.setText(self.tr("New invoice"))
        self.pages.setCurrentIndex(1)

    def _hint_clicked(self) -> None:
        if self.filters.is_filtering():
            self.filters.clear()
        else:
            self.new_invoice()

    def _selection_changed(self) -> None:
        self._update_actions()
        self._update_count()

    def _update_actions(self) -> None:
        found = self.selected_summaries()
        many = found is None  # too many to inspect: let the services decide
        chosen = found or []
        one = chosen[0] if len(chosen) == 1 else None
        any_selected = many or bool(chosen)
        invoice = one if one is not None and one.kind is InvoiceKind.INVOICE else None
        self.open_action.setEnabled(one is not None)
        is_draft = one is not None and one.status is InvoiceStatus.DRAFT
        self.open_action.setText(self.tr("Edit draft") if is_draft or one is None else self.tr("View invoice"))
        self.finalize_action.setEnabled(many or (any_selected and all(allowed(Action.FINALIZE, s.status) for s in chosen)))
        self.delete_action.setEnabled(many or (any_selected and all(allowed(Action.DELETE, s.status) for s in chosen)))
        self.payment_action.setEnabled(invoice is not None and allowed(Action.SETTLE, invoice.status)
                                       and invoice.open_amount > 0)
        self.credit_action.setEnabled(invoice is not None and invoice.status in CREDITABLE)
        self.void_action.setEnabled(invoice is not None and allowed(Action.VOID, invoice.status))
        self.write_off_action.setEnabled(invoice is not None and allowed(Action.WRITE_OFF, invoice.status))
        self.pdf_action.setEnabled(one is not None and one.status is not InvoiceStatus.DRAFT)
        self.email_action.setEnabled(one is not None and one.kind is InvoiceKind.INVOICE
                                     and one.status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID))
        self.export_action.setEnabled(many or any(s.status is not InvoiceStatus.DRAFT for s in chosen))

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.open_action, self.finalize_action, self.delete_action, None, self.payment_action,
                       self.credit_action, self.void_action, self.write_off_action, None, self.pdf_action,
                       self.email_action, self.export_action, None, self.new_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _double_clicked(self, _index: QModelIndex) -> None:
        self.open_selected()

    def _focus_search(self) -> None:
        self.filters.text.setFocus()
        self.filters.text.selectAll()

    # --- after a change -------------------------------------------------------------------------
    def _changed(self, message: str = "", select: list[InvoiceId] | None = None) -> None:
        self.refresh()
        if select:
            self.select_ids(select, select[0])
        if message:
            self.status_message.emit(message)
        self.changed.emit()

    # --- actions --------------------------------------------------------------------------------
    def new_invoice(self) -> QDialog | None:
        """Open the invoice editor; with no customer yet, the customer editor first, then the invoice."""
        try:
            draft = self._paydesk.invoices.new_draft(self.filters.current().customer_id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        if not self._paydesk.customers.choices():
            messages.inform(self, self.tr("New invoice"), self.tr(
                "An invoice is written to a customer, and there are none yet. Add your first customer; "
                "the invoice opens right after."))
            editor = CustomerEditor(self._paydesk, self)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            editor.saved.connect(lambda customer_id: self._first_customer_added(CustomerId(customer_id)))
            editor.open()
            return editor
        return self._open_editor(InvoiceEditor(self._paydesk, draft, self))

    def _first_customer_added(self, customer_id: CustomerId) -> None:
        self.changed.emit()
        self._open_editor(InvoiceEditor(self._paydesk, self._paydesk.invoices.new_draft(customer_id), self))

    def _open_editor(self, editor: InvoiceEditor) -> InvoiceEditor:
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._editor_saved)
        editor.open()
        return editor

    def _editor_saved(self, invoice_id: int, number_text: str) -> None:
        message = (self.tr("Invoice {number} issued.").format(number=number_text) if number_text
                   else self.tr("Draft saved."))
        self._changed(message, [InvoiceId(invoice_id)])

    def open_selected(self) -> QWidget | None:
        one = self._single()
        if one is None:
            return None
        try:
            if one.status is InvoiceStatus.DRAFT:
                return self._open_editor(InvoiceEditor(self._paydesk, self._paydesk.invoices.get(one.id).draft, self))
            viewer = InvoiceViewer(self._paydesk, one.id, self, open_pdf=self.open_pdf)
        except PaydeskError as error:
            messages.show_error(self, error)
            self.refresh()
            return None
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer

    def finalize_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        text = (self.tr("Finalize this draft?") if len(ids) == 1
                else self.tr("Finalize {count} drafts?").format(count=number(len(ids))))
        if not messages.confirm(self, self.tr("Finalize"), text + "\n\n" + self.tr(
                "Finalized invoices get their numbers and can't be changed afterwards."), self.tr("Finalize")):
            return

        def work(progress: ProgressCallback, token: CancelToken) -> list[str]:
            return self._paydesk.invoices.finalize_many(ids, progress, token)

        def done(numbers: list[str]) -> None:
            if len(numbers) == 1:
                message = self.tr("Invoice {number} issued.").format(number=numbers[0])
            else:
                message = self.tr("{count} invoices issued, {first} to {last}.").format(
                    count=number(len(numbers)), first=min(numbers), last=max(numbers))
            self._changed(message, ids)

        self._tasks.run(work, done, title=self.tr("Finalizing invoices…"), on_failure=self._task_failed,
                        dialog_parent=self.window())

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        text = (self.tr("Delete this draft?") if len(ids) == 1
                else self.tr("Delete {count} drafts?").format(count=number(len(ids))))
        if not messages.confirm(self, self.tr("Delete drafts"), text + "\n\n" + self.tr("This can't be undone."),
                                self.tr("Delete")):
            return
        deleted = 0
        try:
            for invoice_id in ids:
                self._paydesk.invoices.delete_draft(invoice_id)
                deleted += 1
        except PaydeskError as error:
            messages.show_error(self, error)
        if deleted:
            self._changed(self.tr("1 draft deleted.") if deleted == 1
                          else self.tr("{count} drafts deleted.").format(count=number(deleted)))

    def record_payment(self) -> QWidget | None:
        one = self._single()
        if one is None:
            return None
        from desktop.ui.payment_dialog import PaymentDialog

        dialog = PaymentDialog(self._paydesk, self, customer_id=one.customer_id, invoice_id=one.id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(self.tr("Payment recorded."), [one.id]))
        dialog.open()
        return dialog

    def credit_note(self) -> QWidget | None:
        one = self._single()
        if one is None:
            return None
        from desktop.ui.credit_note_dialog import CreditNoteDialog

        try:
            dialog = CreditNoteDialog(self._paydesk, one.id, self)
        except PaydeskError as error:
            messages.show_error(self, error)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(
            self.tr("Credit note {number} issued.").format(number=dialog.number), [one.id]))
        dialog.open()
        return dialog

    def void_selected(self) -> QWidget | None:
        one = self._single()
        if one is None:
            return None
        return self._ask_reason(
            one, self.tr("Void invoice {number}").format(number=one.number),
            self.tr("A void invoice stays in the books with its number, marked as cancelled. Why is it voided?"),
            self.tr("Void invoice"), self._paydesk.invoices.void, self.tr("Invoice {number} voided."))

    def write_off_selected(self) -> QWidget | None:
        one = self._single()
        if one is None:
            return None
        return self._ask_reason(
            one, self.tr("Write off invoice {number}").format(number=one.number),
            self.tr("What is still open on the invoice will be marked as uncollectible. Why is it written off?"),
            self.tr("Write off"), self._paydesk.invoices.write_off, self.tr("Invoice {number} written off."))

    def _ask_reason(self, one: InvoiceSummary, title: str, prompt: str, action: str,
                    apply: Callable[[InvoiceId, str], None], done: str) -> QWidget:
        from desktop.ui.reason_dialog import ReasonDialog

        dialog = ReasonDialog(title, prompt, action, lambda reason: apply(one.id, reason), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._changed(done.format(number=one.number), [one.id]))
        dialog.open()
        return dialog

    def open_pdf_selected(self) -> None:
        one = self._single()
        if one is not None:
            self.open_pdf(one.id)

    def email_selected(self) -> None:
        """Queue the invoice email (PDF attached, pay link when a provider is set up); the outbox sends it."""
        one = self._single()
        if one is None:
            return
        mail = self._paydesk.invoice_mail

        def work(_progress: ProgressCallback, _token: CancelToken) -> int:
            return mail.email_invoice(one.id)

        def done(_outbox_id: int) -> None:
            self.status_message.emit(self.tr("Invoice {number} is queued for email; the outbox sends it within a minute.")
                                     .format(number=one.number))
            self.changed.emit()

        self._tasks.run(work, done, title=self.tr("Preparing the email…"), on_failure=self._task_failed,
                        dialog_parent=self.window())

    def open_pdf(self, invoice_id: InvoiceId) -> None:
        def work(_progress: ProgressCallback, _token: CancelToken) -> Path:
            return self._paydesk.documents.preview_file(invoice_id)

        self._tasks.run(work, self.show_file, title=self.tr("Preparing the PDF…"), on_failure=self._task_failed,
                        dialog_parent=self.window())

    def show_file(self, path: Path) -> None:
        """Open a file in the system's viewer."""
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            messages.show_error(self, self.tr("No program to show PDFs was found. The file is at {path}").format(path=path))

    def choose_export_folder(self) -> Path | None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export PDFs to folder"), start)
        return Path(folder) if folder else None

    def export_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        folder = self.choose_export_folder()
        if folder is None:
            return
        invoices = self._paydesk.invoices
        documents = self._paydesk.documents

        def work(progress: ProgressCallback, token: CancelToken) -> tuple[list[Path], int]:
            summaries = invoices.summaries(ids)
            issued = [i for i in ids if i in summaries and summaries[i].status is not InvoiceStatus.DRAFT]
            return documents.export(issued, folder, progress, token), len(ids) - len(issued)

        def done(result: tuple[list[Path], int]) -> None:
            written, drafts = result
            text = (self.tr("1 PDF written to {folder}.") if len(written) == 1
                    else self.tr("{count} PDFs written to {folder}.")).format(count=number(len(written)), folder=folder)
            if drafts:
                text += " " + (self.tr("1 draft was skipped: drafts have no PDF yet.") if drafts == 1 else self.tr(
                    "{count} drafts were skipped: drafts have no PDF yet.").format(count=number(drafts)))
            self.status_message.emit(text)
            messages.inform(self, self.tr("Export PDFs"), text)

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                messages.inform(self, self.tr("Export PDFs"), self.tr(
                    "Export cancelled. The PDFs written before you cancelled are in {folder}.").format(folder=folder))
            else:
                self._task_failed(error)

        self._tasks.run(work, done, title=self.tr("Exporting PDFs…"), on_failure=failed, dialog_parent=self.window())

    def _task_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.status_message.emit(str(error))
            return
        messages.show_error(self, error if isinstance(error, PaydeskError) else str(error))
        self.refresh()

