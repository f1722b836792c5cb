"""The user's matching rules: a list in the order they are tried (the first that fits decides),
with up/down, add/edit/delete, enabled, and "Test" against past transactions showing the hits.

A rule looks for a text, a regular expression, a payer IBAN or an amount range, and either
assigns a customer or ignores the transaction as a category (bank fee, salary...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.bank import IgnoreCategory
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.matching import Rule, RuleKind
from desktop.services.bank_review import TransactionRow
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.bank_table import category_text, reference_text, state_text
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import date_text, money, parse_decimal

HIT_ROWS_SHOWN = 500


def kind_text(kind: RuleKind) -> str:
    texts = {
        RuleKind.TEXT: QCoreApplication.translate("RuleKind", "Text contains"),
        RuleKind.REGEX: QCoreApplication.translate("RuleKind", "Text matches a regular expression"),
        RuleKind.IBAN: QCoreApplication.translate("RuleKind", "Payer's IBAN is"),
        RuleKind.AMOUNT_RANGE: QCoreApplication.translate("RuleKind", "Amount between"),
    }
    return texts[kind]


def _tr(text: str) -> str:
    return QCoreApplication.translate("BankRules", text)


def condition_text(rule: Rule) -> str:
    """``Text contains “Stripe” · amount from 0`` — what a rule looks for, in words."""
    low, high = rule.amount_min, rule.amount_max
    if rule.kind is RuleKind.AMOUNT_RANGE:
        if low is not None and high is not None:
            return _tr("Amount {low} to {high}").format(low=low, high=high)
        if low is not None:
            return _tr("Amount from {low}").format(low=low)
        return _tr("Amount up to {high}").format(high=high)
    text = f"{kind_text(rule.kind)} “{rule.pattern}”"
    if low is not None and high is not None:
        text += " · " + _tr("amount {low} to {high}").format(low=low, high=high)
    elif low is not None:
        text += " · " + _tr("amount from {low}").format(low=low)
    elif high is not None:
        text += " · " + _tr("amount up to {high}").format(high=high)
    return text


def fill_hits(table: QTableWidget, hits: list[TransactionRow]) -> None:
    """Show transactions a rule would catch: date, amount, counterparty, text, state."""
    table.setRowCount(len(hits))
    for row, hit in enumerate(hits):
        cells = (date_text(hit.booking_date), f"{money(hit.amount, hit.currency)} {hit.currency}", hit.counterparty_name,
                 reference_text(hit), state_text(hit.state))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
    table.resizeColumnToContents(0)
    table.resizeColumnToContents(1)


def hits_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, 5, parent)
    table.setHorizontalHeaderLabels([_tr("Booked"), _tr("Amount"), _tr("Counterparty"), _tr("Text"), _tr("State")])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(2, 200)
    return table


def hits_text(count: int) -> str:
    if count == 0:
        return _tr("No past transaction fits this rule.")
    if count == 1:
        return _tr("1 past transaction fits this rule:")
    if count >= HIT_ROWS_SHOWN:
        return _tr("{count} or more past transactions fit this rule; the newest are shown:").format(count=count)
    return _tr("{count} past transactions fit this rule:").format(count=count)


class RuleEditor(QDialog):
    """Add or change one rule; "Test" shows the past transactions it would catch.

    Signals:
        saved: the rule's id, after it was stored; the dialog then closes as accepted.
    """

    saved = Signal(int)

    def __init__(self, paydesk: Paydesk, rule: Rule | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.rule_id = rule.id if rule is not None else None
        self.setWindowTitle(self.tr("Edit rule") if rule is not None else self.tr("New rule"))
        self.setMinimumWidth(620)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("e.g. Stripe payouts"))
        self.kind = QComboBox(self)
        for kind in RuleKind:
            self.kind.addItem(kind_text(kind), kind.value)
        self.pattern = QLineEdit(self)
        self.amount_min = QLineEdit(self)
        self.amount_min.setPlaceholderText(self.tr("lowest"))
        self.amount_max = QLineEdit(self)
        self.amount_max.setPlaceholderText(self.tr("highest"))
        amounts = QHBoxLayout()
        amounts.addWidget(e.wrap("amount_min", self.amount_min, self.tr("Lowest amount")))
        amounts.addWidget(QLabel(self.tr("to"), self))
        amounts.addWidget(e.wrap("amount_max", self.amount_max, self.tr("Highest amount")))
        amount_hint = QLabel(self.tr("Money out is negative, e.g. -50 to 0 for small fees."), self)
        amount_hint.setStyleSheet("color: palette(placeholder-text);")

        self.assign = QRadioButton(self.tr("Assign to customer"), self)
        self.ignore = QRadioButton(self.tr("Ignore as"), self)
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.assign)
        self.target_group.addButton(self.ignore)
        self.customer = CustomerPicker(paydesk.customers, self)
        self.category = QComboBox(self)
        for category in IgnoreCategory:
            self.category.addItem(category_text(category), category.value)
        target = QFormLayout()
        target.addRow(self.assign, self.customer)
        target.addRow(self.ignore, self.category)
        target_box = QWidget(self)
        target_box.setLayout(target)
        target.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(self.tr("Enabled"), self)
        self.enabled.setChecked(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Name"), e.wrap("name", self.name, self.tr("Name")))
        form.addRow(self.tr("When"), self.kind)
        form.addRow(self.tr("Pattern"), e.wrap("pattern", self.pattern, self.tr("Pattern")))
        form.addRow(self.tr("Amount"), amounts)
        form.addRow("", amount_hint)
        form.addRow(self.tr("Then"), e.wrap("target", target_box, self.tr("Then")))
        form.addRow("", self.enabled)

        self.test_button = QPushButton(self.tr("Test"), self)
        self.test_button.setToolTip(self.tr("Show the past transactions this rule would catch"))
        self.test_button.clicked.connect(self.test)
        self.hits_label = QLabel(self)
        self.hits = hits_table(self)
        self.hits.setVisible(False)
        self.hits.setMinimumHeight(140)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hits_label)
        layout.addWidget(self.hits, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.assign.toggled.connect(self._target_changed)
        self._load(rule)

    def _load(self, rule: Rule | None) -> None:
        self.assign.setChecked(True)
        if rule is not None:
            self.name.setText(rule.name)
            self.kind.setCurrentIndex(self.kind.findData(rule.kind.value))
            self.pattern.setText(rule.pattern)
            self.amount_min.setText("" if rule.amount_min is None else str(rule.amount_min))
            self.amount_max.setText("" if rule.amount_max is None else str(rule.amount_max))
            if rule.category is not None:
                self.ignore.setChecked(True)
                self.category.setCurrentIndex(self.category.findData(rule.category.value))
            else:
                self.customer.set_customer_id(rule.customer_id)
            self.enabled.setChecked(rule.enabled)
        self._kind_changed()
        self._target_changed()

    # --- reading ----------------------------------------------------------------------------
    def rule(self) -> Rule:
        """The rule as entered; raises ``ValidationError`` for an amount that is not a number."""
        problems: dict[str, str] = {}
        amounts: dict[str, Decimal | None] = {}
        for field, widget in (("amount_min", self.amount_min), ("amount_max", self.amount_max)):
            text = widget.text().strip()
            try:
                amounts[field] = parse_decimal(text) if text else None
            except ValueError:
                problems[field] = self.tr("Enter an amount such as 100.00 or -25.")
        if problems:
            raise ValidationError(problems)
        assign = self.assign.isChecked()
        customer = self.customer.customer_id() if assign else None
        category = IgnoreCategory(self.category.currentData()) if not assign else None
        kind = RuleKind(self.kind.currentData())
        return Rule(id=self.rule_id, name=self.name.text().strip(), kind=kind,
                    pattern="" if kind is RuleKind.AMOUNT_RANGE else self.pattern.text().strip(),
                    amount_min=amounts["amount_min"], amount_max=amounts["amount_max"],
                    customer_id=CustomerId(customer) if customer is not None else None, category=category,
                    enabled=self.enabled.isChecked())

    # --- actions ----------------------------------------------------------------------------
    def test(self) -> list[TransactionRow] | None:
        try:
            hits = self._paydesk.bank.test_rule(self.rule(), HIT_ROWS_SHOWN)
        except ValidationError as error:
            self.errors.show(error)
            return None
        except PaydeskError as error:
            self.errors.show_message(error)
            return None
        self.errors.clear()
        self.hits_label.setText(hits_text(len(hits)))
        fill_hits(self.hits, hits)
        self.hits.setVisible(bool(hits))
        return hits

    def save(self) -> bool:
        try:
            rule_id = self._paydesk.bank.save_rule(self.rule())
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.rule_id = rule_id
        self.saved.emit(rule_id)
        self.accept()
        return True

    # --- inside -----------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = RuleKind(self.kind.currentData())
        placeholders = {
            RuleKind.TEXT: self.tr("Words in the payer's name or the payment text, e.g. STRIPE PAYOUT"),
            RuleKind.REGEX: self.tr("e.g. ^SALARY|LOHN"),
            RuleKind.IBAN: self.tr("e.g. NL91 ABNA 0417 1643 00"),
            RuleKind.AMOUNT_RANGE: self.tr("(not used: enter the amounts below)"),
        }
        self.pattern.setPlaceholderText(placeholders[kind])
        self.pattern.setEnabled(kind is not RuleKind.AMOUNT_RANGE)

    def _target_changed(self) -> None:
        self.customer.setEnabled(self.assign.isChecked())
        self.category.setEnabled(not self.assign.isChecked())


class RulesDialog(QDialog):
    """Every rule in the order it is tried.

    Signals:
        rules_changed: a rule was added, changed, deleted or moved (matching again may help).
    """

    rules_changed = Signal()
    ENABLED, NAME, WHEN, THEN = range(4)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.rules: list[Rule] = []
        self.editor: RuleEditor | None = None
        self.setWindowTitle(self.tr("Matching rules"))
        self.resize(900, 600)

        intro = QLabel(self.tr("Rules are tried from the top; the first enabled rule that fits a transaction decides. "
                               "Use them for what Paydesk can't know: payment providers, fees, salaries, a customer "
                               "who pays from a relative's account."), self)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("On"), self.tr("Name"), self.tr("When"), self.tr("Then")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.ENABLED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.WHEN, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(self.NAME, 200)
        self.table.setColumnWidth(self.THEN, 240)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.edit_selected())
        self.empty = QLabel(self.tr("No rules yet. Add one for payments Paydesk can't match on its own."), self)
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 20px 4px;")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.add_button = QPushButton(self.tr("Add…"), self)
        self.add_button.clicked.connect(self.add_rule)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.up_button = QPushButton(self.tr("Move up"), self)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton(self.tr("Move down"), self)
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.test_button = QPushButton(self.tr("Test"), self)
        self.test_button.setToolTip(self.tr("Show the past transactions the selected rule catches"))
        self.test_button.clicked.connect(self.test_selected)
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, None, self.up_button, self.down_button, None,
                       self.test_button):
            if button is None:
                side.addSpacing(12)
            else:
                side.addWidget(button)
        side.addStretch(1)

        self.hits_label = QLabel(self)
        self.hits = hits_table(self)
        self.hits.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        lists = QVBoxLayout()
        lists.addWidget(self.table, 1)
        lists.addWidget(self.empty, 1)
        top.addLayout(lists, 1)
        top.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top, 2)
        layout.addWidget(self.hits_label)
        layout.addWidget(self.hits, 1)
        layout.addWidget(buttons)
        self.reload()

    # --- the list ---------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_id()
        self.rules = self._paydesk.bank.rules()
        names = {customer_id: f"{name} ({number})" for customer_id, number, name in self._paydesk.customers.choices()}
        with QSignalBlocker(self.table):
            self.table.setRowCount(len(self.rules))
            for row, rule in enumerate(self.rules):
                enabled = QTableWidgetItem()
                enabled.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                enabled.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
                enabled.setToolTip(self.tr("Untick to keep the rule without using it"))
                self.table.setItem(row, self.ENABLED, enabled)
                if rule.category is not None:
                    then = self.tr("Ignore as {category}").format(category=category_text(rule.category))
                else:
                    customer = names.get(rule.customer_id, "") if rule.customer_id is not None else ""
                    then = self.tr("Assign to {customer}").format(customer=customer)
                for column, text in ((self.NAME, rule.name), (self.WHEN, condition_text(rule)), (self.THEN, then)):
                    self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setVisible(bool(self.rules))
        self.empty.setVisible(not self.rules)
        if keep is not None:
            self.select_rule(keep)
        elif self.rules:
            self.table.selectRow(0)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rule = self.selected_rule()
        return rule.id if rule is not None else None

    def selected_rule(self) -> Rule | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rules[rows[0].row()] if rows and rows[0].row() < len(self.rules) else None

    def select_rule(self, rule_id: int) -> None:
        for row, rule in enumerate(self.rules):
            if rule.id == rule_id:
                self.table.selectRow(row)
                return

    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    # --- actions ----------------------------------------------------------------------------
    def add_rule(self) -> RuleEditor:
        return self._open_editor(None)

    def edit_selected(self) -> RuleEditor | None:
        rule = self.selected_rule()
        return self._open_editor(rule) if rule is not None else None

    def delete_selected(self) -> None:
        rule = self.selected_rule()
        if rule is None or rule.id is None:
            return
        if not messages.confirm(self, self.tr("Delete rule"), self.tr("Delete the rule “{name}”?").format(name=rule.name),
                                self.tr("Delete")):
            return
        self._apply(lambda: self._paydesk.bank.delete_rule(rule.id or 0))

    def move_selected(self, steps: int) -> None:
        rule = self.selected_rule()
        if rule is None or rule.id is None:
            return
        rule_id = rule.id
        self._apply(lambda: self._paydesk.bank.move_rule(rule_id, steps), rule_id)

    def test_selected(self) -> list[TransactionRow] | None:
        rule = self.selected_rule()
        if rule is None:
            return None
        try:
            hits = self._paydesk.bank.test_rule(rule, HIT_ROWS_SHOWN)
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Matching rules"))
            return None
        self.hits_label.setText(self.tr("“{name}”: {text}").format(name=rule.name, text=hits_text(len(hits))))
        fill_hits(self.hits, hits)
        self.hits.setVisible(bool(hits))
        return hits

    # --- inside -----------------------------------------------------------------------------
    def _open_editor(self, rule: Rule | None) -> RuleEditor:
        editor = RuleEditor(self._paydesk, rule, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._saved)
        editor.destroyed.connect(self._editor_gone)
        self.editor = editor
        editor.open()
        return editor

    def _editor_gone(self) -> None:
        self.editor = None

    def _saved(self, rule_id: int) -> None:
        self.reload(rule_id)
        self.rules_changed.emit()

    def _apply(self, change: Callable[[], object], select: int | None = None) -> None:
        try:
            change()
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Matching rules"))
        self.reload(select)
        self.rules_changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != self.ENABLED or not 0 <= item.row() < len(self.rules):
            return
        rule = self.rules[item.row()]
        enabled = item.checkState() == Qt.CheckState.Checked
        if enabled != rule.enabled:
            self._apply(lambda: self._paydesk.bank.save_rule(replace(rule, enabled=enabled)), rule.id)

    def _update_buttons(self) -> None:
        rule = self.selected_rule()
        row = self.rules.index(rule) if rule is not None else -1
        for button in (self.edit_button, self.delete_button, self.test_button):
            button.setEnabled(rule is not None)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(self.rules) - 1)
