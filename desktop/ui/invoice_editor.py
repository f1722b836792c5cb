"""Writing an invoice: customer, dates, lines with live totals; save as draft or finalize.

Problems are shown where they are: under the field, or on the line's cell, with a summary above
the buttons; nothing is saved while there is one.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, compute_totals, validate_draft
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.field_errors import FieldErrors, error_label
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate
from desktop.ui.invoice_lines_model import AMOUNT, DESCRIPTION, DISCOUNT, QUANTITY, UNIT, UNIT_PRICE, VAT_RATE, InvoiceLinesModel
from desktop.ui.invoice_totals import TotalsPanel

CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY")
HEADER_FIELDS = ("customer", "currency", "issue_date", "due_date", "notes")


class InvoiceEditor(QDialog):
    """Edit a draft (new when ``draft.id`` is None).

    Signals:
        saved: (invoice id, number) after saving; the number is "" for a draft.
    """

    saved = Signal(int, str)

    def __init__(self, paydesk: Paydesk, draft: InvoiceDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._draft = draft
        self._term_days = max((draft.due_date - draft.issue_date).days, 0)
        self._dirty = False
        self.setWindowTitle(self.tr("New invoice") if draft.id is None else self.tr("Draft invoice"))
        self.setSizeGripEnabled(True)
        self.resize(980, 640)

        self.customer = CustomerPicker(paydesk.customers, self)
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.currency))
        self.currency.addItems(list(dict.fromkeys((draft.currency, *CURRENCIES))))
        self.currency.setCurrentText(draft.currency)
        self.issue_date = self._date_edit(draft.issue_date)
        self.due_date = self._date_edit(draft.due_date)
        self.term_label = QLabel(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(self.tr("Printed on the invoice (optional)"))
        self.notes.setPlainText(draft.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.field_errors = FieldErrors(self)

        self.lines = InvoiceLinesModel(draft.currency, draft.lines, parent=self)
        if not draft.lines:
            self.lines.add_line()
        self.table = self._lines_table()
        self.add_line_button = QPushButton(self.tr("Add line"), self)
        self.remove_line_button = QPushButton(self.tr("Remove line"), self)
        self.totals = TotalsPanel(self)
        self.summary = error_label(self)
        self.summary.setObjectName("summary")
        self.save_button = QPushButton(self.tr("Save draft"), self)
        self.finalize_button = QPushButton(self.tr("Finalize…"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        for button in (self.add_line_button, self.remove_line_button, self.save_button, self.finalize_button,
                       self.cancel_button):
            button.setAutoDefault(False)
        self.save_button.setToolTip(self.tr("Keep it as a draft you can change later (Ctrl+S)"))
        self.finalize_button.setToolTip(self.tr("Give it its number; after that it cannot be changed"))
        self._layout()

        self.customer.set_customer_id(draft.customer_id)
        self._update_term_label()
        self._update_totals()
        self.customer.customer_changed.connect(self._customer_chosen)
        self.currency.currentTextChanged.connect(self._currency_changed)
        self.issue_date.dateChanged.connect(self._issue_date_changed)
        self.due_date.dateChanged.connect(self._due_date_changed)
        self.notes.textChanged.connect(self._mark_dirty)
        self.lines.edited.connect(self._lines_edited)
        self.add_line_button.clicked.connect(self.add_line)
        self.remove_line_button.clicked.connect(self.remove_selected_lines)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.save_button.clicked.connect(self.save_draft)
        self.finalize_button.clicked.connect(self.finalize)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_draft)
        self._update_buttons()
        self._dirty = False

    # --- building ----------------------------------------------------------------------------
    def _date_edit(self, value: date) -> QDateEdit:
        edit = QDateEdit(to_qdate(value), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(qt_date_format())
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)
        edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return edit

    def _lines_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.lines)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(QAbstractItemView.EditTrigger.CurrentChanged | QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.setTabKeyNavigation(True)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        widths = {QUANTITY: "Quantity", UNIT: "Unit", UNIT_PRICE: "000,000.00", DISCOUNT: "Discount %",
                  VAT_RATE: "VAT %", AMOUNT: "0,000,000.00"}
        for column, sample in widths.items():
            title = str(self.lines.headerData(column, Qt.Orientation.Horizontal))
            table.setColumnWidth(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 28)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        return table

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 1)

        def field(row: int, column: int, title: str, widget: QWidget, name: str, span: int = 1,
                  buddy: QWidget | None = None) -> None:
            """The field on ``row``, its message (hidden until there is one) on the row below."""
            label = QLabel(title, self)
            label.setBuddy(buddy or widget)
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(widget, row, column + 1, 1, span)
            message = error_label(self)
            grid.addWidget(message, row + 1, column + 1, 1, span)
            self.field_errors.bind(name, buddy or widget, title.replace("&", ""), message)

        due = QWidget(self)
        due_row = QHBoxLayout(due)
        due_row.setContentsMargins(0, 0, 0, 0)
        due_row.addWidget(self.due_date)
        due_row.addWidget(self.term_label, 1)
        issue = QWidget(self)
        issue_row = QHBoxLayout(issue)
        issue_row.setContentsMargins(0, 0, 0, 0)
        issue_row.addWidget(self.issue_date)
        issue_row.addStretch(1)
        field(0, 0, self.tr("&Customer"), self.customer, "customer")
        field(0, 2, self.tr("C&urrency"), self.currency, "currency")
        field(2, 0, self.tr("&Issue date"), issue, "issue_date", buddy=self.issue_date)
        field(2, 2, self.tr("&Due date"), due, "due_date", buddy=self.due_date)
        field(4, 0, self.tr("&Notes"), self.notes, "notes", span=3)

        line_buttons = QVBoxLayout()
        line_buttons.addWidget(self.add_line_button)
        line_buttons.addWidget(self.remove_line_button)
        line_buttons.addStretch(1)
        below = QHBoxLayout()
        below.addLayout(line_buttons)
        below.addStretch(1)
        below.addWidget(self.totals)

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finalize_button)

        lines_title = QLabel(self.tr("Lines"), self)
        lines_title.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(lines_title)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    # --- reacting to edits --------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self._dirty = True

    def _customer_chosen(self, customer_id: CustomerId | None) -> None:
        self._mark_dirty()
        if customer_id is None:
            return
        try:
            self._term_days = self._paydesk.invoices.payment_term_for(customer_id)
        except PaydeskError as error:
            self.show_error(error)
            return
        self.due_date.setDate(to_qdate(self._issue() + timedelta(days=self._term_days)))

    def _currency_changed(self, text: str) -> None:
        self._mark_dirty()
        self.lines.set_currency(text.strip().upper())

    def _issue_date_changed(self) -> None:
        self._mark_dirty()
        self.due_date.setDate(to_qdate(self._issue() + timedelta(days=self._term_days)))

    def _due_date_changed(self) -> None:
        self._mark_dirty()
        self._term_days = max((self._due() - self._issue()).days, 0)
        self._update_term_label()

    def _update_term_label(self) -> None:
        days = (self._due() - self._issue()).days
        if days < 0:
            text = self.tr("before the issue date")
        elif days == 0:
            text = self.tr("due on receipt")
        elif days == 1:
            text = self.tr("1 day after issue")
        else:
            text = self.tr("{days} days after issue").format(days=days)
        self.term_label.setText(text)

    def _lines_edited(self) -> None:
        self._mark_dirty()
        self._update_totals()
        self._update_buttons()

    def _update_totals(self) -> None:
        currency = self.lines.currency
        if len(currency) == 3 and currency.isalpha():
            self.totals.show_totals(compute_totals(self.lines.preview_lines(), currency), currency)

    def _update_buttons(self) -> None:
        self.remove_line_button.setEnabled(self.table.selectionModel().hasSelection() or self.table.currentIndex().isValid())

    def add_line(self) -> None:
        row = self.lines.add_line()
        index = self.lines.index(row, DESCRIPTION)
        self.table.setFocus()
        self.table.setCurrentIndex(index)  # opens the cell's editor (edit trigger CurrentChanged)
        if self.table.state() != QAbstractItemView.State.EditingState:
            self.table.edit(index)

    def remove_selected_lines(self) -> None:
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        self.lines.remove_rows(sorted(rows))

    # --- saving --------------------------------------------------------------------------------
    def current_draft(self, *, for_finalize: bool = False) -> InvoiceDraft:
        """What the form says; raises ``ValidationError`` with every problem: numbers that do not
        parse together with what the domain's validation finds."""
        self.lines.drop_blank_lines()
        problems = self.lines.input_problems()
        draft = InvoiceDraft(
            customer_id=self.customer.customer_id(), currency=self.currency.currentText().strip().upper(),
            issue_date=self._issue(), due_date=self._due(), lines=self.lines.lines(),
            notes=self.notes.toPlainText().strip(), id=self._draft.id, kind=self._draft.kind,
            credited_invoice_id=self._draft.credited_invoice_id,
        )
        try:
            validate_draft(draft, for_finalize=for_finalize)
        except ValidationError as error:
            found = {k: v for k, v in error.fields.items() if not (problems and k == "lines")}
            problems = {**found, **problems}
        if problems:
            raise ValidationError(problems)
        return draft

    def save_draft(self) -> bool:
        self._commit_open_editor()
        try:
            draft = self.current_draft()
            invoice_id = self._paydesk.invoices.save_draft(draft)
        except PaydeskError as error:
            self.show_error(error)
            return False
        self._draft.id = invoice_id
        self._dirty = False
        self.saved.emit(invoice_id, "")
        self.accept()
        return True

    def finalize(self) -> bool:
        self._commit_open_editor()
        try:
            draft = self.current_draft(for_finalize=True)
        except PaydeskError as error:
            self.show_error(error)
            return False
        if not messages.confirm(self, self.tr("Finalize invoice"),
                                self.tr("Once finalized it can't be changed: it gets the next invoice number, and "
                                        "corrections need a credit note.\n\nFinalize this invoice now?"),
                                self.tr("Finalize")):
            return False
        try:
            number = self._paydesk.invoices.finalize(draft)
            invoice_id = self._paydesk.invoices.id_by_number(number)
        except PaydeskError as error:
            self.show_error(error)
            return False
        self._dirty = False
        self.saved.emit(invoice_id, number)
        self.accept()
        return True

    def _commit_open_editor(self) -> None:
        """Take what is typed in a cell that is still being edited."""
        editor = self.focusWidget()
        if editor is not None and self.table.viewport().isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def reject(self) -> None:
        if self._dirty and not messages.confirm(self, self.tr("Discard changes"),
                                                self.tr("Close the invoice without saving your changes?"),
                                                self.tr("Discard")):
            return
        super().reject()

    # --- errors ---------------------------------------------------------------------------------
    def show_error(self, error: PaydeskError) -> None:
        """Show each problem at its field or line, and all of them in the summary."""
        fields = error.fields if isinstance(error, ValidationError) else {}
        self.lines.set_errors(fields)
        self.field_errors.show(ValidationError({k: v for k, v in fields.items() if k in HEADER_FIELDS}))
        problems = list(fields.values()) or [str(error)]
        if len(problems) == 1:
            text = self.tr("Nothing was saved: {problem}").format(problem=problems[0])
        else:
            text = self.tr("Nothing was saved. Fix these first:") + "\n" + "\n".join(f"• {p}" for p in problems)
        self.summary.setText(text)
        self.summary.show()

    def errors(self) -> dict[str, str]:
        """The messages on show at header fields, by field name."""
        return {name: self.field_errors.message(name) or "" for name in self.field_errors.marked()}

    def _issue(self) -> date:
        return from_qdate(self.issue_date.date())

    def _due(self) -> date:
        return from_qdate(self.due_date.date())

    @property
    def invoice_id(self) -> InvoiceId | None:
        return self._draft.id
