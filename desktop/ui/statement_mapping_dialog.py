"""Teaching Paydesk a bank's CSV or XLSX layout: which column holds what, shown live on the file itself.

The dialog opens pre-filled with a guess. Every change re-reads the file (shortly after the last
keystroke) and shows the first transactions as Paydesk will import them, or the first row and
column that don't fit; OK stays disabled until the whole file reads. A big file is read whole on
a worker thread, so the window never waits on it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.bank import ParsedFile, UnreadableStatement
from desktop.domain.column_mapping import (
    DATE_FORMATS,
    MAX_HEADER_ROW,
    Column,
    ColumnMapping,
    SignConvention,
    date_format_label,
    normalize_date_format,
)
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.services.statement_files import TableInfo, preview_mapping, table_info
from desktop.ui.field_errors import ERROR_COLOR
from desktop.ui.statement_mapping_parts import PREVIEW_ROWS, Checked, ColumnCombo, PreviewModel, WholeFileCheck

SYNC_ROWS = 2000
"""Files with more rows are checked whole on a worker thread (2,000 rows read in about 40 ms)."""
REFRESH_DELAY_MS = 150
_PREVIEW_ACCOUNT = "PREVIEW0000"  # stands in for a missing account while previewing; OK stays disabled


class StatementMappingDialog(QDialog):
    """Asks which column of ``file_name`` holds what; ``mapping()`` is the answer once accepted."""

    def __init__(self, file_name: str, data: bytes, guess: ColumnMapping, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._file_name = file_name
        self._data = data
        self._info: TableInfo | None = None
        self._signature = guess.signature
        self._parsed: ParsedFile | None = None
        self._marked: dict[QWidget, str] = {}
        self._messages: list[str] = []
        self._generation = 0
        self._checking = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._checked = Checked(self)
        self._checked.finished.connect(self._whole_file_checked)
        self.setWindowTitle(self.tr("Columns of {file}").format(file=file_name))

        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)

        intro = QLabel(self.tr("Paydesk doesn't know this bank's layout yet. Say which column holds what; the preview "
                               "below shows the file as Paydesk will import it. Paydesk remembers the layout and reads "
                               "the bank's next file by itself."), self)
        intro.setWordWrap(True)
        self.file_line = QLabel(self)

        self._build_file_box()
        self._build_amount_box()
        self._build_details_box()
        boxes = QHBoxLayout()
        for box in (self.file_box, self.amount_box, self.details_box):
            boxes.addWidget(box, 1)

        self.summary = QLabel(self)
        self.preview_model = PreviewModel(self)
        self.preview = QTableView(self)
        self.preview.setModel(self.preview_model)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.remember = QCheckBox(self.tr("Remember this layout for the bank's next files"), self)
        self.remember.setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remember)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.file_line)
        layout.addLayout(boxes)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        self._load_columns(guess)
        self._apply(guess)
        self._connect_changes()
        screen = self.screen().availableGeometry()
        self.resize(min(1180, int(screen.width() * 0.95)), min(760, int(screen.height() * 0.9)))
        self.update_preview()

    # --- building ---------------------------------------------------------------------------
    def _column_combo(self) -> ColumnCombo:
        return ColumnCombo(self.tr("(none)"), self)

    def _build_file_box(self) -> None:
        self.file_box = QGroupBox(self.tr("File"), self)
        form = self.file_form = QFormLayout(self.file_box)
        self.name = QLineEdit(self.file_box)
        self.name.setPlaceholderText(self.tr("The bank's name, e.g. Bankinter CSV"))
        self.sheet = QComboBox(self.file_box)
        self.delimiter = QComboBox(self.file_box)
        for text, value in ((self.tr("Semicolon ;"), ";"), (self.tr("Comma ,"), ","), (self.tr("Tab"), "\t"),
                            (self.tr("Vertical bar |"), "|")):
            self.delimiter.addItem(text, value)
        self.quote = QComboBox(self.file_box)
        for text, value in ((self.tr('Double quote "'), '"'), (self.tr("Single quote '"), "'"), (self.tr("None"), "")):
            self.quote.addItem(text, value)
        self.header_row = QSpinBox(self.file_box)
        self.header_row.setRange(1, MAX_HEADER_ROW + 1)
        self.header_row.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000") + 40)
        self.no_header = QCheckBox(self.tr("No header row"), self.file_box)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.header_row)
        header.addWidget(self.no_header)
        header.addStretch(1)
        self.skip_footer = QSpinBox(self.file_box)
        self.skip_footer.setRange(0, 1000)
        self.skip_footer.setMinimumWidth(self.header_row.minimumWidth())
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.skip_footer)
        footer.addStretch(1)
        form.addRow(self.tr("Layout name"), self.name)
        form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("Delimiter"), self.delimiter)
        form.addRow(self.tr("Quotes"), self.quote)
        form.addRow(self.tr("Header in row"), header)
        form.addRow(self.tr("Rows to skip at the end"), footer)
        self.decimal = QComboBox(self.file_box)
        for text, value in ((self.tr("Comma ,"), ","), (self.tr("Point ."), ".")):
            self.decimal.addItem(text, value)
        self.thousands = QComboBox(self.file_box)
        for text, value in ((self.tr("None"), ""), (self.tr("Point ."), "."), (self.tr("Comma ,"), ","),
                            (self.tr("Space"), " "), (self.tr("Apostrophe '"), "'")):
            self.thousands.addItem(text, value)
        form.addRow(self.tr("Decimal separator"), self.decimal)
        form.addRow(self.tr("Thousands separator"), self.thousands)

    def _build_amount_box(self) -> None:
        self.amount_box = QGroupBox(self.tr("Date and amount"), self)
        form = self.amount_form = QFormLayout(self.amount_box)
        self.date = self._column_combo()
        self.date_format = QComboBox(self.amount_box)
        self.date_format.setEditable(True)
        self.date_format.setToolTip(self.tr("Pick a format or type one, such as dd.mm.yyyy or %d.%m.%Y"))
        for fmt in DATE_FORMATS:
            self.date_format.addItem(date_format_label(fmt), fmt)
        self.value_date = self._column_combo()
        self.amount_mode = QComboBox(self.amount_box)
        self.amount_mode.addItem(self.tr("One amount column"), False)
        self.amount_mode.addItem(self.tr("Debit and credit columns"), True)
        self.amount = self._column_combo()
        self.sign = QComboBox(self.amount_box)
        for text, value in ((self.tr("As written: minus is money out"), SignConvention.SIGNED),
                            (self.tr("Inverted: minus is money in"), SignConvention.INVERTED),
                            (self.tr("A debit/credit column says"), SignConvention.INDICATOR)):
            self.sign.addItem(text, value)
        self.indicator = self._column_combo()
        self.debit_marker = QLineEdit(self.amount_box)
        self.debit_marker.setPlaceholderText(self.tr("D, Af, S, Debit…"))
        self.debit = self._column_combo()
        self.credit = self._column_combo()
        form.addRow(self.tr("Booking date"), self.date)
        form.addRow(self.tr("Date format"), self.date_format)
        form.addRow(self.tr("Value date"), self.value_date)
        form.addRow(self.tr("Amounts in"), self.amount_mode)
        form.addRow(self.tr("Amount"), self.amount)
        form.addRow(self.tr("Sign"), self.sign)
        form.addRow(self.tr("Debit/credit column"), self.indicator)
        form.addRow(self.tr("Value for money out"), self.debit_marker)
        form.addRow(self.tr("Money out (debit)"), self.debit)
        form.addRow(self.tr("Money in (credit)"), self.credit)

    def _build_details_box(self) -> None:
        self.details_box = QGroupBox(self.tr("Account and details"), self)
        form = self.details_form = QFormLayout(self.details_box)
        self.currency = self._column_combo()
        self.fixed_currency = QLineEdit(self.details_box)
        self.fixed_currency.setMaxLength(3)
        self.fixed_currency.setPlaceholderText(self.tr("EUR"))
        self.account = self._column_combo()
        self.fixed_account = QLineEdit(self.details_box)
        self.fixed_account.setPlaceholderText(self.tr("IBAN of the account"))
        self.counterparty_name = self._column_combo()
        self.counterparty_iban = self._column_combo()
        self.reference = self._column_combo()
        self.bank_reference = self._column_combo()
        self.text = QListWidget(self.details_box)
        self.text.setFixedHeight(self.fontMetrics().lineSpacing() * 6 + 8)
        self.text.setToolTip(self.tr("Tick every column whose text helps to recognize the payment"))
        form.addRow(self.tr("Currency column"), self.currency)
        form.addRow(self.tr("Otherwise currency"), self.fixed_currency)
        form.addRow(self.tr("Account column"), self.account)
        form.addRow(self.tr("Otherwise account"), self.fixed_account)
        form.addRow(self.tr("Counterparty"), self.counterparty_name)
        form.addRow(self.tr("Counterparty IBAN"), self.counterparty_iban)
        form.addRow(self.tr("Payment reference"), self.reference)
        form.addRow(self.tr("Bank reference"), self.bank_reference)
        form.addRow(self.tr("Text columns"), self.text)

    def _column_combos(self) -> dict[str, ColumnCombo]:
        return {"date": self.date, "value_date": self.value_date, "amount": self.amount, "indicator": self.indicator,
                "debit": self.debit, "credit": self.credit, "currency": self.currency, "account": self.account,
                "counterparty_name": self.counterparty_name, "counterparty_iban": self.counterparty_iban,
                "reference": self.reference, "bank_reference": self.bank_reference}

    def _connect_changes(self) -> None:
        for combo in (self.sheet, self.delimiter, self.quote, self.decimal, self.thousands, self.amount_mode, self.sign,
                      *self._column_combos().values()):
            combo.currentIndexChanged.connect(self._changed)
        self.date_format.currentTextChanged.connect(self._changed)
        for edit in (self.name, self.debit_marker, self.fixed_currency, self.fixed_account):
            edit.textChanged.connect(self._changed)
        for spin in (self.header_row, self.skip_footer):
            spin.valueChanged.connect(self._changed)
        self.no_header.toggled.connect(self._changed)
        self.text.itemChanged.connect(self._changed)

    # --- filling ----------------------------------------------------------------------------
    def _apply(self, m: ColumnMapping) -> None:
        """Show ``m`` in the controls (columns must be loaded)."""
        self.name.setText(m.name)
        _select_data(self.sheet, m.sheet)
        _select_data(self.delimiter, m.delimiter)
        _select_data(self.quote, m.quote_char)
        self.no_header.setChecked(m.header_row is None)
        self.header_row.setValue((m.header_row or 0) + 1)
        self.skip_footer.setValue(m.skip_footer_rows)
        self._set_date_format(m.date_format)
        self.amount_mode.setCurrentIndex(1 if m.split_amount else 0)
        _select_data(self.sign, m.sign)
        self.debit_marker.setText(m.debit_marker)
        _select_data(self.decimal, m.decimal_separator)
        _select_data(self.thousands, m.thousands_separator)
        self.fixed_currency.setText(m.fixed_currency)
        self.fixed_account.setText(m.fixed_account)
        for field, combo in self._column_combos().items():
            combo.select(getattr(m, field))
        names = {c.name for c in m.text if c.name}
        indices = {c.index for c in m.text}
        for n in range(self.text.count()):
            item = self.text.item(n)
            name = item.data(Qt.ItemDataRole.UserRole + 1)
            wanted = name in names if name and names else n in indices
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
            if wanted and not any(self.text.item(k).checkState() == Qt.CheckState.Checked for k in range(n)):
                self.text.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._update_visibility()

    def _set_date_format(self, fmt: str) -> None:
        position = self.date_format.findData(fmt)
        if position < 0:
            self.date_format.addItem(date_format_label(fmt), fmt)
            position = self.date_format.count() - 1
        self.date_format.setCurrentIndex(position)

    def _settings(self) -> ColumnMapping:
        """The file-level settings (how to split the file), enough to list its columns."""
        is_csv = self._info is None or self._info.kind == "csv"
        return ColumnMapping(
            sheet="" if is_csv else (self.sheet.currentData() or ""),
            delimiter=(self.delimiter.currentData() or ";") if is_csv else "",
            quote_char=self.quote.currentData() if is_csv else '"',
            header_row=None if self.no_header.isChecked() else self.header_row.value() - 1,
            skip_footer_rows=self.skip_footer.value(),
        )

    def _load_columns(self, settings: ColumnMapping) -> None:
        """Read the file's sheets and columns as ``settings`` split it, and offer them in the combos."""
        try:
            info = table_info(self._file_name, self._data, settings)
        except PaydeskError as error:
            self._info = None
            self.file_line.setText(str(error))
            return
        changed = self._info is None or (info.columns, info.sheets) != (self._info.columns, self._info.sheets)
        self._info = info
        self._signature = info.signature
        self._describe_file(info)
        if not changed:
            return
        has_header = settings.header_row is not None
        labels = [name if has_header and name else self.tr("Column {number}").format(number=n + 1)
                  for n, name in enumerate(info.columns)]
        for combo in self._column_combos().values():
            combo.set_columns(info.columns, has_header, labels)
        self._fill_text_columns(info, labels)
        self.sheet.blockSignals(True)
        if [self.sheet.itemData(n) for n in range(self.sheet.count())] != list(info.sheets):
            self.sheet.clear()
            for sheet in info.sheets:
                self.sheet.addItem(sheet, sheet)
        _select_data(self.sheet, info.sheet)
        self.sheet.blockSignals(False)
        self._update_visibility()

    def _fill_text_columns(self, info: TableInfo, labels: list[str]) -> None:
        items = [self.text.item(n) for n in range(self.text.count())]
        ticked = [item for item in items if item.checkState() == Qt.CheckState.Checked]
        names = {item.data(Qt.ItemDataRole.UserRole + 1) for item in ticked} - {""}
        indices = {item.data(Qt.ItemDataRole.UserRole) for item in ticked}
        self.text.blockSignals(True)
        self.text.clear()
        for n, label in enumerate(labels):
            item = QListWidgetItem(label, self.text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setData(Qt.ItemDataRole.UserRole, n)
            item.setData(Qt.ItemDataRole.UserRole + 1, info.columns[n] if n < len(info.columns) else "")
            keep = info.columns[n] in names if info.columns[n] and names else n in indices
            item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
        self.text.blockSignals(False)

    def _describe_file(self, info: TableInfo) -> None:
        if info.kind == "csv":
            text = self.tr("{file}: CSV, {encoding}, {rows} rows below the header").format(
                file=self._file_name, encoding=info.encoding, rows=info.row_count)
        else:
            text = self.tr("{file}: Excel workbook, sheet {sheet}, {rows} rows below the header").format(
                file=self._file_name, sheet=info.sheet, rows=info.row_count)
        self.file_line.setText(text)

    def _update_visibility(self) -> None:
        is_csv = self._info is None or self._info.kind == "csv"
        split = bool(self.amount_mode.currentData())
        indicator = not split and SignConvention(self.sign.currentData()) is SignConvention.INDICATOR
        self.file_form.setRowVisible(self.sheet, not is_csv)
        self.file_form.setRowVisible(self.delimiter, is_csv)
        self.file_form.setRowVisible(self.quote, is_csv)
        self.header_row.setEnabled(not self.no_header.isChecked())
        for widget, visible in ((self.amount, not split), (self.sign, not split), (self.indicator, indicator),
                                (self.debit_marker, indicator), (self.debit, split), (self.credit, split)):
            self.amount_form.setRowVisible(widget, visible)

    # --- reading the controls ---------------------------------------------------------------
    def _current(self) -> ColumnMapping:
        settings = self._settings()
        split = bool(self.amount_mode.currentData())
        sign = SignConvention(self.sign.currentData())
        try:
            date_format = normalize_date_format(self.date_format.currentText())
        except ValueError:
            date_format = self.date_format.currentText()
        text = []
        for n in range(self.text.count()):
            item = self.text.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                name = item.data(Qt.ItemDataRole.UserRole + 1) if settings.header_row is not None else ""
                text.append(Column(name or "", item.data(Qt.ItemDataRole.UserRole)))
        return replace(
            settings,
            name=self.name.text().strip(),
            signature=self._signature,
            date=self.date.column(),
            date_format=date_format,
            value_date=self.value_date.column(),
            amount=None if split else self.amount.column(),
            sign=SignConvention.SIGNED if split else sign,
            indicator=self.indicator.column() if not split and sign is SignConvention.INDICATOR else None,
            debit_marker=self.debit_marker.text().strip(),
            debit=self.debit.column() if split else None,
            credit=self.credit.column() if split else None,
            decimal_separator=self.decimal.currentData(),
            thousands_separator=self.thousands.currentData(),
            currency=self.currency.column(),
            fixed_currency=self.fixed_currency.text().strip().upper(),
            counterparty_name=self.counterparty_name.column(),
            counterparty_iban=self.counterparty_iban.column(),
            text=tuple(text),
            reference=self.reference.column(),
            bank_reference=self.bank_reference.column(),
            account=self.account.column(),
            fixed_account=self.fixed_account.text().strip(),
        )

    def mapping(self) -> ColumnMapping:
        """The mapping as the controls show it (valid once the dialog is accepted)."""
        return self._current()

    def save_profile(self) -> bool:
        """Whether the user wants the layout kept for the bank's next files."""
        return self.remember.isChecked()

    # --- the preview ------------------------------------------------------------------------
    def _changed(self, *_args: object) -> None:
        self._update_visibility()
        self.ok_button().setEnabled(False)
        self._timer.start()

    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def update_preview(self) -> None:
        """Re-read the file with the controls' mapping: fill the preview, or say what doesn't fit.

        Files of up to ``SYNC_ROWS`` rows are read whole at once; of a bigger file the first rows
        are shown at once and the whole file is checked on a worker thread (OK waits for it).
        """
        self._timer.stop()
        self._generation += 1
        self._load_columns(self._settings())
        mapping = self._current()
        problems = mapping.problems() if self._info is not None else {}
        self._messages = [self._problem_text(field, message) for field, message in problems.items()]
        self._mark(problems)
        parsed = None
        self._checking = False
        if self._info is not None and not set(problems) - {"name", "fixed_account"}:
            trial = replace(mapping, name=mapping.name or "preview",
                            fixed_account=mapping.fixed_account if "fixed_account" not in problems else _PREVIEW_ACCOUNT)
            big = self._info.row_count > SYNC_ROWS
            try:
                parsed = preview_mapping(self._file_name, self._data, trial, PREVIEW_ROWS if big else None)
            except PaydeskError as error:
                self._messages.insert(0, self._error_text(error))
            else:
                if big:
                    self._check_whole_file(trial)
        elif self._info is None:
            self._messages.append(self.file_line.text())
        self._parsed = parsed
        transactions = [t for s in parsed.statements for t in s.transactions] if parsed else []
        self.preview_model.set_transactions(transactions)
        self.preview.resizeColumnsToContents()
        header = self.preview.horizontalHeader()
        for column in range(self.preview_model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), 320))
        self._summarize(parsed)
        self._show_state()

    def _show_state(self) -> None:
        self.error.setText("\n".join(self._messages))
        self.error.setVisible(bool(self._messages))
        self.ok_button().setEnabled(self._parsed is not None and not self._messages and not self._checking)

    def _error_text(self, error: PaydeskError) -> str:
        if isinstance(error, UnreadableStatement):
            return _capitalized(f"{error.where}: {error.reason}" if error.where else error.reason)
        if isinstance(error, ValidationError):
            return "\n".join(self._problem_text(field, message) for field, message in error.fields.items())
        return str(error)

    def _check_whole_file(self, mapping: ColumnMapping) -> None:
        self._checking = True
        self._pool.clear()
        self._pool.start(WholeFileCheck(self._generation, self._file_name, self._data, mapping, self._checked))

    def _whole_file_checked(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # the controls changed meanwhile; a newer check is on its way
        self._checking = False
        if isinstance(result, PaydeskError):
            self._parsed = None
            self._messages.insert(0, self._error_text(result))
            self.summary.setText(self.tr("The first rows read, but not the whole file."))
        elif isinstance(result, ParsedFile):
            self._parsed = result
            self._summarize(result)
        else:
            assert isinstance(result, BaseException)
            raise result  # a bug: on to the crash handler
        self._show_state()

    def checking(self) -> bool:
        """Whether the whole file is still being read on a worker thread."""
        return self._checking

    def done(self, result: int) -> None:
        self._generation += 1
        self._pool.clear()
        self._pool.waitForDone()
        super().done(result)

    def _summarize(self, parsed: ParsedFile | None) -> None:
        if parsed is None:
            self.summary.setText(self.tr("No preview: the file doesn't read with these settings yet."))
            return
        accounts = ", ".join(f"{s.account} ({s.currency})" for s in parsed.statements if s.account != _PREVIEW_ACCOUNT)
        accounts = accounts or self.tr("not given yet")
        count = parsed.transaction_count
        if self._checking:
            text = self.tr("The first {shown} rows read; checking all {rows} rows… Account: {accounts}").format(
                shown=count, rows=self._info.row_count if self._info else count, accounts=accounts)
        elif count > PREVIEW_ROWS:
            text = self.tr("{count} transactions read, the first {shown} shown. Account: {accounts}").format(
                count=count, shown=PREVIEW_ROWS, accounts=accounts)
        else:
            text = self.tr("{count} transactions read. Account: {accounts}").format(count=count, accounts=accounts)
        self.summary.setText(text)

    def _problem_text(self, field: str, message: str) -> str:
        titles = {
            "name": self.tr("Layout name"), "delimiter": self.tr("Delimiter"), "quote_char": self.tr("Quotes"),
            "header_row": self.tr("Header in row"), "skip_footer_rows": self.tr("Rows to skip at the end"),
            "date": self.tr("Booking date"), "date_format": self.tr("Date format"), "value_date": self.tr("Value date"),
            "amount": self.tr("Amount"), "indicator": self.tr("Debit/credit column"),
            "debit_marker": self.tr("Value for money out"), "debit": self.tr("Money out (debit)"),
            "credit": self.tr("Money in (credit)"), "decimal_separator": self.tr("Decimal separator"),
            "thousands_separator": self.tr("Thousands separator"), "currency": self.tr("Currency column"),
            "fixed_currency": self.tr("Currency"), "fixed_account": self.tr("Account"),
            "counterparty_name": self.tr("Counterparty"), "counterparty_iban": self.tr("Counterparty IBAN"),
            "reference": self.tr("Payment reference"), "bank_reference": self.tr("Bank reference"),
            "account": self.tr("Account column"),
        }
        title = titles.get(field.split("[")[0], self.tr("Text columns") if field.startswith("text") else field)
        return f"{title}: {message}"

    def _widget_for(self, field: str) -> QWidget | None:
        combos: dict[str, QWidget] = dict(self._column_combos())
        combos.update({"name": self.name, "delimiter": self.delimiter, "quote_char": self.quote,
                       "header_row": self.header_row, "skip_footer_rows": self.skip_footer,
                       "date_format": self.date_format, "debit_marker": self.debit_marker,
                       "decimal_separator": self.decimal, "thousands_separator": self.thousands,
                       "fixed_currency": self.fixed_currency, "fixed_account": self.fixed_account})
        return combos.get(field, self.text if field.startswith("text") else None)

    def _mark(self, problems: dict[str, str]) -> None:
        """A red border and the message as tooltip on each field at fault (without taking the focus)."""
        for widget, tooltip in self._marked.items():
            widget.setStyleSheet("")
            widget.setToolTip(tooltip)
        self._marked = {}
        for field, message in problems.items():
            widget = self._widget_for(field)
            if widget is None or widget in self._marked:
                continue
            self._marked[widget] = widget.toolTip()
            widget.setStyleSheet(f"{type(widget).__name__} {{ border: 1px solid {ERROR_COLOR}; }}")
            widget.setToolTip(message)

    def marked_fields(self) -> list[QWidget]:
        return list(self._marked)

    def parsed(self) -> ParsedFile | None:
        """The file as the last preview read it (None while the mapping doesn't fit)."""
        return self._parsed

    def accept(self) -> None:
        if self._timer.isActive():  # a change not read yet
            self.update_preview()
        if self.ok_button().isEnabled():
            super().accept()


def _select_data(combo: QComboBox, value: object) -> None:
    position = combo.findData(value)
    if position >= 0:
        combo.setCurrentIndex(position)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
