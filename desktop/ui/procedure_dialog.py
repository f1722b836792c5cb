"""Settings › Reminder procedures: every procedure (the default marked) with add, duplicate and
delete, the selected one's name, minimum amount, hand-over days and levels, and the warning age of
the last bank import. Problems the service finds show at the field or level cell at fault."""

from __future__ import annotations

import copy
from decimal import Decimal

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dunning.model import Level, Procedure
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import number, parse_decimal
from desktop.ui.procedure_levels import LevelsEditor

MAX_DAYS = 3650


def template_keys(paydesk: Paydesk) -> list[str]:
    """The reminder templates a level can use (invoice and renewal emails have other placeholders)."""
    return paydesk.templates.reminder_templates()


class ProcedureDialog(QDialog):
    """Edit the reminder procedures. ``save()`` stores the one in the form.

    Signals:
        procedures_changed: a procedure was saved or deleted.
    """

    procedures_changed = Signal()

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.procedures: list[Procedure] = []
        self.current: Procedure | None = None  # what the form shows; id None: not saved yet
        self.dirty = False
        self.setWindowTitle(self.tr("Reminder procedures"))
        self.resize(1080, 640)

        self.list = QListWidget(self)
        self.list.setMinimumWidth(220)
        self.list.currentRowChanged.connect(self._row_changed)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.clicked.connect(self.add_procedure)
        self.duplicate_button = QPushButton(self.tr("Duplicate"), self)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        list_buttons = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            list_buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(list_buttons)

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-weight: bold;")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("e.g. Strict, for large accounts"))
        self.minimum = QLineEdit(self)
        self.minimum.setPlaceholderText(self.tr("0 sends every reminder"))
        self.minimum.setMaximumWidth(160)
        self.handover = QSpinBox(self)
        self.handover.setRange(0, MAX_DAYS)
        self.handover.setSuffix(self.tr(" days after the final notice"))
        self.handover.setMaximumWidth(self.handover.fontMetrics().horizontalAdvance(self.handover.suffix() + "0000") + 40)
        self.is_default = QCheckBox(self.tr("Use for every customer without a procedure of its own"), self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Name"), e.wrap("name", self.name, self.tr("Name")))
        form.addRow(self.tr("Minimum amount"), e.wrap("minimum_amount", self.minimum, self.tr("Minimum amount")))
        form.addRow(self.tr("Hand over to collection"), e.wrap("handover_days", self.handover, self.tr("Hand over")))
        form.addRow("", self.is_default)

        self.levels = LevelsEditor(template_keys(paydesk), self)
        e.bind("levels", self.levels.table, self.tr("Levels"))
        hint = QLabel(self.tr("Day counts from the due date: 2 is two days after it, a negative day such as -7 comes "
                              "before it. Levels are sent in this order, one per run."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.save_button = QPushButton(self.tr("Save procedure"), self)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Undo changes"), self)
        self.revert_button.clicked.connect(self.revert)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addLayout(form)
        right.addWidget(QLabel(self.tr("Levels"), self))
        right.addWidget(self.levels, 1)
        right.addWidget(hint)
        right.addWidget(self.summary)
        right.addLayout(save_row)

        self.bank_age = QSpinBox(self)
        self.bank_age.setRange(0, 365)
        self.bank_age.setSuffix(self.tr(" days"))
        self.bank_age.setValue(paydesk.dunning.bank_import_max_age_days())
        self.bank_age.valueChanged.connect(self._bank_age_changed)
        bank_box = QGroupBox(self.tr("Before a run"), self)
        bank_row = QHBoxLayout(bank_box)
        bank_row.addWidget(QLabel(self.tr("Warn when the last bank import is older than"), bank_box))
        bank_row.addWidget(self.bank_age)
        bank_row.addStretch(1)

        top = QHBoxLayout()
        top.addLayout(left)
        top.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(bank_box)
        layout.addWidget(buttons)

        for signal in (self.name.textEdited, self.minimum.textEdited, self.levels.edited):
            signal.connect(self._edited)
        self.handover.valueChanged.connect(self._edited)
        self.is_default.toggled.connect(self._edited)
        self.reload()

    # --- the list ---------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (self.current.id if self.current is not None else None)
        self.procedures = self._paydesk.dunning.procedures()
        with QSignalBlocker(self.list):
            self.list.clear()
            for procedure in self.procedures:
                text = procedure.name
                if procedure.is_default:
                    text = self.tr("{name} (default)").format(name=procedure.name)
                item = QListWidgetItem(text, self.list)
                item.setData(Qt.ItemDataRole.UserRole, procedure.id)
        row = next((n for n, p in enumerate(self.procedures) if p.id == keep), 0)
        if self.procedures:
            with QSignalBlocker(self.list):
                self.list.setCurrentRow(row)
            self._show(self.procedures[row])
        self._update_buttons()

    def names(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]

    def select(self, procedure_id: int) -> None:
        for row, procedure in enumerate(self.procedures):
            if procedure.id == procedure_id:
                self.list.setCurrentRow(row)

    # --- actions ----------------------------------------------------------------------------
    def add_procedure(self) -> None:
        if not self._may_leave():
            return
        keys = template_keys(self._paydesk)
        starter = Level(position=1, name=self.tr("First reminder"), day_offset=2,
                        template="reminder_1" if "reminder_1" in keys else (keys[0] if keys else ""))
        self._show(Procedure(name="", levels=[starter]))
        self.name.setFocus()

    def duplicate_selected(self) -> None:
        if self.current is None or not self._may_leave():
            return
        copied = copy.deepcopy(self.current)
        copied.id, copied.is_default = None, False
        copied.name = self.tr("{name} (copy)").format(name=copied.name)
        for level in copied.levels:
            level.id = None
        self._show(copied)
        self._edited()

    def delete_selected(self) -> None:
        procedure = self.current
        if procedure is None or procedure.id is None:
            return
        question = self.tr("Delete the procedure “{name}”? Customers who use it must be given another one first.").format(
            name=procedure.name)
        if not messages.confirm(self, self.tr("Delete procedure"), question, self.tr("Delete")):
            return
        try:
            self._paydesk.dunning.delete_procedure(procedure.id)
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Reminder procedures"))
            return
        self.current, self.dirty = None, False
        self.reload()
        self.procedures_changed.emit()

    def save(self) -> bool:
        """Store the procedure in the form; problems show at their fields and nothing is stored."""
        try:
            procedure = self.procedure()
            procedure_id = self._paydesk.dunning.save_procedure(procedure)
        except ValidationError as error:
            self._show_problems(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.dirty = False
        self.current = None
        self.reload(procedure_id)
        self.procedures_changed.emit()
        return True

    def revert(self) -> None:
        self.dirty = False
        if self.current is not None and self.current.id is None:
            self.current = None
        self.reload()

    def procedure(self) -> Procedure:
        """The procedure as entered; raises ``ValidationError`` for a number that isn't one."""
        problems: dict[str, str] = {}
        minimum = Decimal(0)
        if self.minimum.text().strip():
            try:
                minimum = parse_decimal(self.minimum.text())
            except ValueError:
                problems["minimum_amount"] = self.tr("Enter an amount such as 25.00, or 0.")
        try:
            levels = self.levels.levels()
        except ValidationError as error:
            problems.update(error.fields)
            levels = []
        if problems:
            raise ValidationError(problems)
        base = self.current or Procedure(name="", levels=[])
        return Procedure(name=self.name.text(), levels=levels, minimum_amount=minimum,
                         is_default=self.is_default.isChecked(), id=base.id, handover_days=self.handover.value())

    # --- inside -----------------------------------------------------------------------------
    def _show(self, procedure: Procedure) -> None:
        self.current = procedure
        self.errors.clear()
        widgets = (self.name, self.minimum, self.handover, self.is_default)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.name.setText(procedure.name)
        self.minimum.setText(number(procedure.minimum_amount) if procedure.minimum_amount else "")
        self.handover.setValue(procedure.handover_days)
        self.is_default.setChecked(procedure.is_default)
        self.is_default.setEnabled(not procedure.is_default)
        self.is_default.setToolTip(self.tr("To change the default, tick this on another procedure.")
                                   if procedure.is_default else "")
        for blocker in blockers:
            blocker.unblock()
        with QSignalBlocker(self.levels):
            self.levels.set_levels(copy.deepcopy(procedure.levels))
        if procedure.id is None:
            self.heading.setText(self.tr("New procedure (not saved yet)"))
            with QSignalBlocker(self.list):
                self.list.clearSelection()
                self.list.setCurrentRow(-1)
        else:
            self.heading.setText(self.tr("Procedure “{name}”").format(name=procedure.name))
        self.dirty = procedure.id is None
        self._update_buttons()

    def _show_problems(self, error: ValidationError) -> None:
        titles = {"name": self.tr("Name"), "day_offset": self.tr("Day"), "template": self.tr("Template"),
                  "fee": self.tr("Fee"), "interest_rate": self.tr("Interest"), "final": self.tr("Final notice")}
        for key in error.fields:
            if key.startswith("levels["):
                row = key[len("levels["):key.index("]")]
                field = key.rsplit(".", 1)[-1]
                self.errors.bind(key, self.levels.table,
                                 self.tr("Level {n}, {field}").format(n=int(row) + 1, field=titles.get(field, field)))
        self.errors.show(error)
        self.levels.mark(error.fields)

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.procedures):
            return
        if self.current is not None and self.procedures[row].id == self.current.id:
            return
        if not self._may_leave():
            with QSignalBlocker(self.list):
                current = next((n for n, p in enumerate(self.procedures) if self.current and p.id == self.current.id), -1)
                self.list.setCurrentRow(current)
            return
        self._show(self.procedures[row])

    def _may_leave(self) -> bool:
        if not self.dirty:
            return True
        return messages.confirm(self, self.tr("Unsaved changes"),
                                self.tr("The procedure you are editing has changes that are not saved. Discard them?"),
                                self.tr("Discard"))

    def _edited(self) -> None:
        self.dirty = True
        self._update_buttons()

    def _bank_age_changed(self, days: int) -> None:
        try:
            self._paydesk.dunning.set_bank_import_max_age_days(days)
        except PaydeskError as error:
            messages.show_error(self, error, self.tr("Reminder procedures"))

    def _update_buttons(self) -> None:
        saved = self.current is not None and self.current.id is not None
        self.duplicate_button.setEnabled(self.current is not None)
        self.delete_button.setEnabled(saved and self.current is not None and not self.current.is_default)
        self.delete_button.setToolTip(self.tr("The default procedure can't be deleted.")
                                      if self.current is not None and self.current.is_default else "")
        self.save_button.setEnabled(self.current is not None)
        self.revert_button.setEnabled(self.dirty)

    def reject(self) -> None:
        if self._may_leave():
            super().reject()
