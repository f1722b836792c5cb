"""File › Import customers and invoices…: an accounting package's CSV/XLSX export, mapped, previewed, imported.

Page one says which column holds what (pre-filled from the source's saved profile when the file's
header is known, else guessed) and shows the first rows as Paydesk reads them, live. "Preview
import" saves the profile under the source's name and shows page two: the plan in tabs (customers
new/changed, invoices new/changed/closed, problems). "Import" writes it in the background, in one
transaction; with problems in the file it stays disabled and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.column_mapping import DATE_FORMATS, date_format_label
from desktop.domain.errors import PaydeskError
from desktop.services.ledger_import import (
    CUSTOMER_FIELDS,
    INVOICE_FIELDS,
    LABELS,
    ImportPlan,
    ImportResult,
    LedgerMapping,
    TableInfo,
)
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.formatting import date_text, money, number
from desktop.ui.statement_mapping_parts import PREVIEW_ROWS, ColumnCombo
from desktop.ui.tasks import TaskRunner

LEDGER_PATTERNS = "*.csv *.txt *.tsv *.xlsx"
REFRESH_DELAY_MS = 150


class LedgerImportDialog(QDialog):
    """Maps, previews and imports one file.

    Signals:
        imported: the import was written (other pages may show stale data).
    """

    imported = Signal()

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, file_name: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = paydesk.ledger_import
        self._tasks = tasks
        self._file_name, self._data = file_name, data
        self._info: TableInfo | None = None
        self._signature = ""
        self._loaded: tuple[str, str, int | None] = ("", "", None)
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(self.tr("Import customers and invoices: {file}").format(file=file_name))
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._plan_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        saved = self.service.matching_profile(file_name, data)
        self.recognized = saved is not None
        start = saved or self.service.guess(file_name, data)
        self.intro.setText(
            self.tr("This file has the layout of the source “{name}”: its saved columns are filled in. Check the rows "
                    "below, then preview the import.").format(name=start.name) if saved else
            self.tr("Say which column holds what; the rows below show the file as Paydesk reads it. Name the source "
                    "(the accounting package): Paydesk remembers its layout and its ids, so the next file updates "
                    "what this one imports instead of duplicating it."))
        self._apply(start)
        self._connect_changes()
        screen = self.screen().availableGeometry()
        self.resize(min(1180, int(screen.width() * 0.95)), min(780, int(screen.height() * 0.9)))
        self.update_preview()

    # --- page one: the columns --------------------------------------------------------------
    def _mapping_page(self) -> QWidget:
        page = QWidget(self)
        self.intro = QLabel(page)
        self.intro.setWordWrap(True)
        self.source = QComboBox(page)
        self.source.setEditable(True)
        self.source.lineEdit().setPlaceholderText(self.tr("The accounting package, e.g. Exact Online"))
        self.sheet = QComboBox(page)
        self.delimiter = QComboBox(page)
        for text, value in ((self.tr("Semicolon ;"), ";"), (self.tr("Comma ,"), ","), (self.tr("Tab"), "\t"),
                            (self.tr("Vertical bar |"), "|")):
            self.delimiter.addItem(text, value)
        self.header_row = QSpinBox(page)
        self.header_row.setRange(1, 1001)
        self.date_format = QComboBox(page)
        self.date_format.setEditable(True)
        for fmt in DATE_FORMATS:
            self.date_format.addItem(date_format_label(fmt), fmt)
        self.decimal = QComboBox(page)
        for text, value in ((self.tr("Comma ,"), ","), (self.tr("Point ."), ".")):
            self.decimal.addItem(text, value)
        self.thousands = QComboBox(page)
        for text, value in ((self.tr("None"), ""), (self.tr("Point ."), "."), (self.tr("Comma ,"), ","),
                            (self.tr("Space"), " "), (self.tr("Apostrophe '"), "'")):
            self.thousands.addItem(text, value)
        self.fixed_currency = QLineEdit(page)
        self.fixed_currency.setMaxLength(3)
        self.fixed_currency.setPlaceholderText(self.tr("EUR"))
        file_box = QGroupBox(self.tr("File"), page)
        form = QFormLayout(file_box)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("Delimiter"), self.delimiter)
        form.addRow(self.tr("Header in row"), self.header_row)
        form.addRow(self.tr("Date format"), self.date_format)
        form.addRow(self.tr("Decimal separator"), self.decimal)
        form.addRow(self.tr("Thousands separator"), self.thousands)
        form.addRow(self.tr("Otherwise currency"), self.fixed_currency)

        self.combos: dict[str, ColumnCombo] = {}
        boxes = QHBoxLayout()
        boxes.addWidget(file_box, 1)
        for title, names in ((self.tr("Customer"), CUSTOMER_FIELDS), (self.tr("Invoice"), INVOICE_FIELDS)):
            box = QGroupBox(title, page)
            grid = QFormLayout(box)
            for name in names:
                combo = self.combos[name] = ColumnCombo(self.tr("(none)"), box)
                grid.addRow(self.tr(LABELS[name]), combo)
            boxes.addWidget(box, 1)

        self.rows = _table(page, [self.tr("Row"), self.tr("Customer id"), self.tr("Invoice"), self.tr("Date"), self.tr("Due"),
                                  self.tr("Total"), self.tr("Open"), self.tr("Currency"), self.tr("Customer")])
        self.summary = QLabel(page)
        self.problems = QLabel(page)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {ERROR_COLOR};")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_button = QPushButton(self.tr("Preview import…"), page)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.show_plan)
        cancel = QPushButton(self.tr("Cancel"), page)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(cancel)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addLayout(boxes)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        return page

    def _connect_changes(self) -> None:
        for combo in (self.sheet, self.delimiter, self.decimal, self.thousands, *self.combos.values()):
            combo.currentIndexChanged.connect(self._changed)
        self.date_format.currentTextChanged.connect(self._changed)
        self.source.currentTextChanged.connect(self._changed)
        self.fixed_currency.textChanged.connect(self._changed)
        self.header_row.valueChanged.connect(self._changed)

    def _changed(self) -> None:
        self._timer.start()

    def _apply(self, m: LedgerMapping) -> None:
        names = [p.name for p in self.service.profiles()]
        self.source.addItems(names)
        self.source.setCurrentText(m.name)
        self._load_columns(m)
        _select(self.sheet, m.sheet)
        _select(self.delimiter, m.delimiter)
        self.header_row.setValue((m.header_row or 0) + 1)
        position = self.date_format.findData(m.date_format)
        if position < 0:
            self.date_format.addItem(date_format_label(m.date_format), m.date_format)
            position = self.date_format.count() - 1
        self.date_format.setCurrentIndex(position)
        _select(self.decimal, m.decimal_separator)
        _select(self.thousands, m.thousands_separator)
        self.fixed_currency.setText(m.fixed_currency)
        for name, combo in self.combos.items():
            combo.select(m.column(name))
        self._loaded = _layout(self.mapping())

    def _load_columns(self, m: LedgerMapping) -> None:
        try:
            self._info = self.service.table_info(self._file_name, self._data, m)
        except PaydeskError as error:
            self._info = None
            self.problems.setText(messages.error_text(error))
            return
        info = self._info
        self.delimiter.setEnabled(info.kind == "csv")
        self.sheet.setEnabled(info.kind == "xlsx" and len(info.sheets) > 1)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(info.sheets))
        _select(self.sheet, info.sheet, by_text=True)
        self.sheet.blockSignals(False)
        labels = [f"{chr(65 + i) if i < 26 else i + 1}: {name}" if name else self.tr("column {n}").format(n=i + 1)
                  for i, name in enumerate(info.columns)]
        for combo in self.combos.values():
            combo.set_columns(info.columns, True, labels)
        self._signature = info.signature

    def mapping(self) -> LedgerMapping:
        """The mapping the controls show."""
        is_csv = self._info is None or self._info.kind == "csv"
        fmt = self.date_format.currentData() if self.date_format.currentText() == date_format_label(
            self.date_format.currentData() or "") else self.date_format.currentText()
        columns = {name: column for name, combo in self.combos.items() if (column := combo.column()) is not None}
        return LedgerMapping(
            name=self.source.currentText().strip(), signature=self._signature,
            sheet="" if is_csv else self.sheet.currentText(), delimiter=self.delimiter.currentData() if is_csv else "",
            header_row=self.header_row.value() - 1, date_format=fmt or "", decimal_separator=self.decimal.currentData(),
            thousands_separator=self.thousands.currentData(), fixed_currency=self.fixed_currency.text().strip().upper(),
            columns=columns,
        )

    def update_preview(self) -> None:
        """Re-split the file if its layout changed, and show its first rows as the mapping reads them."""
        mapping = self.mapping()
        if _layout(mapping) != self._loaded:
            self._load_columns(mapping)
            mapping = self.mapping()
            self._loaded = _layout(mapping)
        problems = mapping.problems()
        self.rows.setRowCount(0)
        if problems:
            self.problems.setText("\n".join(f"{self.tr(LABELS.get(k, k.replace('_', ' ').capitalize()))}: {v}"
                                            for k, v in problems.items()))
            self.summary.setText("")
            self.next_button.setEnabled(False)
            return
        try:
            parsed = self.service.read(self._file_name, self._data, mapping, PREVIEW_ROWS)
        except PaydeskError as error:
            self.problems.setText(messages.error_text(error))
            self.next_button.setEnabled(False)
            return
        customers = {c.external_id: c for c in parsed.customers}
        rows: list[list[str]] = []
        for invoice in parsed.invoices:
            c = customers.get(invoice.customer_external_id)
            rows.append([str(invoice.row), invoice.customer_external_id, invoice.number, date_text(invoice.issue_date),
                         date_text(invoice.due_date), money(invoice.total, invoice.currency),
                         money(invoice.open_amount, invoice.currency), invoice.currency, (c.name or "") if c else ""])
        if not mapping.has_invoices:
            rows = [[str(c.row), c.external_id, "", "", "", "", "", "", c.name or ""] for c in parsed.customers]
        _fill(self.rows, rows, right=(5, 6))
        self.summary.setText(self.tr("{rows} data rows in the file; the first {shown} as Paydesk reads them:").format(
            rows=number(parsed.rows), shown=number(min(parsed.rows, PREVIEW_ROWS))))
        self.problems.setText("\n".join(str(e) for e in parsed.errors[:8]))
        self.next_button.setEnabled(not any(e.row is not None and e.row <= (mapping.header_row or 0) + 1
                                            for e in parsed.errors))

    # --- page two: the plan -----------------------------------------------------------------
    def _plan_page(self) -> QWidget:
        page = QWidget(self)
        self.plan_summary = QLabel(page)
        self.plan_summary.setWordWrap(True)
        self.tabs = QTabWidget(page)
        self.new_customers = _table(page, [self.tr("Row"), self.tr("Source id"), self.tr("Number"), self.tr("Name"),
                                           self.tr("Country"), self.tr("Email")])
        self.changed_customers = _table(page, [self.tr("Row"), self.tr("Source id"), self.tr("Number"), self.tr("Name"),
                                               self.tr("Changes")])
        self.new_invoices = _table(page, [self.tr("Row"), self.tr("Number"), self.tr("Customer id"), self.tr("Date"),
                                          self.tr("Due"), self.tr("Total"), self.tr("Open"), self.tr("Currency"),
                                          self.tr("Customer")])
        self.changed_invoices = _table(page, [self.tr("Row"), self.tr("Number"), self.tr("Open now"), self.tr("Open after"),
                                              self.tr("Settled in the source"), self.tr("Currency"), self.tr("Note")])
        self.closed_invoices = _table(page, [self.tr("Row"), self.tr("Number"), self.tr("Open now"), self.tr("Open after"),
                                             self.tr("Settled in the source"), self.tr("Currency"), self.tr("Note")])
        self.problem_list = _table(page, [self.tr("Row"), self.tr("Column"), self.tr("Message")])
        self.back_button = QPushButton(self.tr("‹ Columns"), page)
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.import_button = QPushButton(self.tr("Import"), page)
        self.import_button.clicked.connect(self.start_import)
        cancel = QPushButton(self.tr("Cancel"), page)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plan_summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        return page

    def show_plan(self) -> None:
        """Save the profile and work out the plan in the background, then show it."""
        mapping = self.mapping()
        service, file_name, data = self.service, self._file_name, self._data

        def work(_progress: ProgressCallback, _token: CancelToken) -> ImportPlan:
            service.save_profile(mapping)
            return service.preview(file_name, data, mapping)

        self._tasks.run(work, self._show_plan, title=self.tr("Reading {file}…").format(file=file_name),
                        on_failure=lambda error: messages.show_error(self, error), dialog_parent=self)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        c = plan.counts()
        cu, inv = c["customers"], c["invoices"]
        _fill(self.new_customers, [[str(p.row), p.external_id, p.customer.number, p.customer.name, p.customer.country,
                                    ", ".join(p.customer.emails)] for p in plan.customers_new])
        _fill(self.changed_customers, [[str(p.row), p.external_id, p.customer.number, p.customer.name,
                                        "; ".join(f"{ch.field}: {ch.old or '–'} → {ch.new or '–'}" for ch in p.changes)]
                                       for p in plan.customers_changed])
        names = {c.external_id: c.name or "" for c in plan.parsed.customers}
        _fill(self.new_invoices, [[str(i.row), i.number, i.customer_external_id, date_text(i.issue_date), date_text(i.due_date),
                                   money(i.total, i.currency), money(i.open_after, i.currency), i.currency,
                                   names.get(i.customer_external_id, "")] for i in plan.invoices_new], right=(5, 6))
        for table, items in ((self.changed_invoices, plan.invoices_changed), (self.closed_invoices, plan.invoices_closed)):
            _fill(table, [[str(i.row) if i.row else "–", i.number, money(i.open_before, i.currency),
                           money(i.open_after, i.currency), money(i.settle, i.currency), i.currency, i.note]
                          for i in items], right=(2, 3, 4))
        problems = [[str(e.row or ""), e.column, e.message] for e in plan.errors]
        problems += [["", self.tr("warning"), w] for w in plan.warnings]
        problems += [[str(s.row), self.tr("skipped"), f"{s.external_id}: {s.reason}"] for s in plan.skipped]
        _fill(self.problem_list, problems)
        self.tabs.clear()
        for table, title, count in (
            (self.new_customers, self.tr("New customers ({n})"), cu["created"]),
            (self.changed_customers, self.tr("Changed customers ({n})"), cu["changed"]),
            (self.new_invoices, self.tr("New invoices ({n})"), inv["created"]),
            (self.changed_invoices, self.tr("Changed invoices ({n})"), inv["changed"]),
            (self.closed_invoices, self.tr("Closed invoices ({n})"), inv["closed"]),
            (self.problem_list, self.tr("Problems ({n})") if plan.errors else self.tr("Notes ({n})"), len(problems)),
        ):
            self.tabs.addTab(table, title.format(n=number(count)))
        if plan.errors:
            self.tabs.setCurrentWidget(self.problem_list)
            text = self.tr("The file has {n} problem(s): correct them in {source} (or the columns) and preview again. "
                           "Nothing is imported while there are problems.").format(n=number(len(plan.errors)),
                                                                                  source=plan.source)
        elif plan.empty:
            text = self.tr("Paydesk is up to date with this file: nothing to import.")
        else:
            text = self.tr("From {source}: {cn} new and {cc} changed customers ({cu} unchanged); {inew} new, {ich} changed "
                           "and {icl} closed invoices ({iu} unchanged). Closed and paid parts are recorded as settled in "
                           "{source}, not as payments.").format(
                source=plan.source, cn=number(cu["created"]), cc=number(cu["changed"]), cu=number(cu["unchanged"]),
                inew=number(inv["created"]), ich=number(inv["changed"]), icl=number(inv["closed"]),
                iu=number(inv["unchanged"]))
        self.plan_summary.setText(text)
        self.plan_summary.setStyleSheet(f"color: {ERROR_COLOR};" if plan.errors else "")
        self.import_button.setEnabled(not plan.errors and not plan.empty)
        self.pages.setCurrentIndex(1)

    def start_import(self) -> None:
        plan = self.plan
        assert plan is not None
        service = self.service
        self.import_button.setEnabled(False)

        def work(_progress: ProgressCallback, _token: CancelToken) -> ImportResult:
            return service.apply(plan)

        def done(result: ImportResult) -> None:
            self.result = result
            self.imported.emit()
            self.accept()

        def failed(error: BaseException) -> None:
            messages.show_error(self, error if isinstance(error, PaydeskError) else str(error))
            self.import_button.setEnabled(True)

        self._tasks.run(work, done, title=self.tr("Importing from {source}…").format(source=plan.source), on_failure=failed,
                        dialog_parent=self, cancellable=False)


def _layout(m: LedgerMapping) -> tuple[str, str, int | None]:
    """What decides how the file splits into columns."""
    return m.sheet, m.delimiter, m.header_row


def _table(parent: QWidget, titles: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(titles), parent)
    table.setHorizontalHeaderLabels(titles)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _select(combo: QComboBox, value: object, by_text: bool = False) -> None:
    position = combo.findText(str(value)) if by_text else combo.findData(value)
    if position >= 0:
        combo.setCurrentIndex(position)


def open_ledger_import(
    window: QWidget, paydesk: Paydesk, tasks: TaskRunner, path: Path | None = None,
) -> LedgerImportDialog | None:
    """Ask for the export file (unless ``path``) and open the dialog; after an import the window refreshes."""
    if path is None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        name, _filter = QFileDialog.getOpenFileName(
            window, window.tr("Import customers and invoices"), start,
            window.tr("CSV and Excel files ({patterns});;All files (*)").format(patterns=LEDGER_PATTERNS))
        if not name:
            return None
        path = Path(name)
    try:
        data = path.read_bytes()
        dialog = LedgerImportDialog(paydesk, tasks, path.name, data, window)
    except OSError as error:
        messages.show_error(window, PaydeskError(f"Cannot read {path}: {error.strerror}."))
        return None
    except PaydeskError as error:
        messages.show_error(window, error)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    refresh = getattr(window, "refresh_all", None)
    if refresh is not None:
        dialog.imported.connect(refresh)
    dialog.open()
    return dialog

