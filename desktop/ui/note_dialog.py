"""Writing down a note or a call about a customer, with an optional day to follow up on (it then
shows in Today on that day until marked done)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.debtors import NoteKind
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate

FOLLOW_UP_DAYS = 7


class NoteDialog(QDialog):
    """Signals:
        saved: (note id) the note was stored; the dialog then closes as accepted.
    """

    saved = Signal(int)

    def __init__(self, paydesk: Paydesk, customer_id: CustomerId, kind: NoteKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._customer_id = customer_id
        self.kind = kind
        self.setWindowTitle(self.tr("Log a call") if kind is NoteKind.CALL else self.tr("Add a note"))
        self.setMinimumWidth(480)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(self.tr("e.g. spoke to Anna in accounts: pays on Friday") if kind is NoteKind.CALL
                                     else self.tr("What happened, what was agreed"))
        self.text.setMinimumHeight(110)
        today = paydesk.today()
        self.has_follow_up = QCheckBox(self.tr("Follow up on"), self)
        self.follow_up = QDateEdit(self)
        self.follow_up.setCalendarPopup(True)
        self.follow_up.setDisplayFormat(qt_date_format())
        self.follow_up.setMinimumDate(to_qdate(today))
        self.follow_up.setDate(to_qdate(today + timedelta(days=FOLLOW_UP_DAYS)))
        self.follow_up.setEnabled(False)
        self.has_follow_up.toggled.connect(self.follow_up.setEnabled)
        form = QFormLayout()
        label = self.tr("What was said") if kind is NoteKind.CALL else self.tr("Note")
        form.addRow(label, self.errors.wrap("text", self.text, label))
        form.addRow(self.has_follow_up, self.errors.wrap("follow_up_on", self.follow_up, self.tr("Follow up on")))
        hint = QLabel(self.tr("A follow-up shows in Today on its day until you mark it done."), self)
        hint.setStyleSheet("color: palette(placeholder-text);")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def save(self) -> bool:
        follow = from_qdate(self.follow_up.date()) if self.has_follow_up.isChecked() else None
        try:
            note_id = self._paydesk.debtors.add_note(self._customer_id, self.kind, self.text.toPlainText(), follow)
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.saved.emit(note_id)
        self.accept()
        return True
