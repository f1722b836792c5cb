"""The row of filters above the invoice list: state, customer, issue dates and free text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from desktop.domain.listing import InvoiceFilter
from desktop.domain.states import COLLECTIBLE_STATES, InvoiceStatus
from desktop.services.customers import CustomerService
from desktop.ui.customer_picker import CustomerPicker
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate

SEARCH_DELAY_MS = 250
S = InvoiceStatus


@dataclass(frozen=True, slots=True)
class StatusChoice:
    statuses: frozenset[InvoiceStatus] = frozenset()
    overdue: bool = False


class OptionalDateEdit(QDateEdit):
    """A date field that can be empty: its minimum date stands for "no date" and shows as ``empty_text``."""

    EMPTY = QDate(1900, 1, 1)

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(qt_date_format())
        self.setMinimumDate(self.EMPTY)
        self.setSpecialValueText(empty_text)
        self.setDate(self.EMPTY)
        self.calendarWidget().installEventFilter(self)

    def value(self) -> date | None:
        return None if self.date() == self.EMPTY else from_qdate(self.date())

    def set_value(self, value: date | None) -> None:
        self.setDate(to_qdate(value) if value else self.EMPTY)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace empties the field (typing a date still edits it part by part)."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier):
            self.set_value(None)
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An empty field opens its calendar on this month rather than on the placeholder year 1900.
        if event.type() == QEvent.Type.Show and watched is self.calendarWidget() and self.value() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


class InvoiceFilterBar(QWidget):
    """Signals:
        changed: the filter changed (``current()`` has the new one); text changes wait for typing to pause.
    """

    changed = Signal()

    def __init__(self, customers: CustomerService, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.status = QComboBox(self)
        for text, choice in self._status_choices():
            self.status.addItem(text, choice)
        self.status.setToolTip(self.tr("Show invoices in this state"))
        self.customer = CustomerPicker(customers, self, any_text=self.tr("All customers"))
        self.customer.setToolTip(self.tr("Show one customer's invoices; type to search"))
        self.issued_from = OptionalDateEdit(self.tr("any date"), self)
        self.issued_from.setToolTip(self.tr("Issued on or after (Delete clears)"))
        self.issued_to = OptionalDateEdit(self.tr("any date"), self)
        self.issued_to.setToolTip(self.tr("Issued on or before (Delete clears)"))
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("Search number, reference or customer"))
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(220)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear filters"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(self.clear)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(SEARCH_DELAY_MS)
        self._text_timer.timeout.connect(self._emit_changed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Show"), self))
        layout.addWidget(self.status)
        layout.addWidget(self.customer)
        layout.addSpacing(8)
        layout.addWidget(QLabel(self.tr("Issued"), self))
        layout.addWidget(self.issued_from)
        layout.addWidget(QLabel(self.tr("to"), self))
        layout.addWidget(self.issued_to)
        layout.addSpacing(8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.clear_button)

        self.status.currentIndexChanged.connect(self._emit_changed)
        self.customer.customer_changed.connect(self._emit_changed)
        self.issued_from.dateChanged.connect(self._emit_changed)
        self.issued_to.dateChanged.connect(self._emit_changed)
        self.text.textChanged.connect(self._text_timer.start)
        self._update_clear_button()

    def _status_choices(self) -> list[tuple[str, StatusChoice]]:
        return [
            (self.tr("All invoices"), StatusChoice()),
            (self.tr("Drafts"), StatusChoice(frozenset({S.DRAFT}))),
            (self.tr("Unpaid"), StatusChoice(COLLECTIBLE_STATES)),
            (self.tr("Overdue"), StatusChoice(overdue=True)),
            (self.tr("Open"), StatusChoice(frozenset({S.OPEN}))),
            (self.tr("Partially paid"), StatusChoice(frozenset({S.PARTIALLY_PAID}))),
            (self.tr("Paid"), StatusChoice(frozenset({S.PAID}))),
            (self.tr("Void"), StatusChoice(frozenset({S.VOID}))),
            (self.tr("Written off"), StatusChoice(frozenset({S.UNCOLLECTIBLE}))),
        ]

    def current(self) -> InvoiceFilter:
        choice: StatusChoice = self.status.currentData()
        return InvoiceFilter(
            statuses=choice.statuses, customer_id=self.customer.customer_id(),
            issued_from=self.issued_from.value(), issued_to=self.issued_to.value(),
            overdue_on=self._today() if choice.overdue else None, text=self.text.text().strip(),
        )

    def is_filtering(self) -> bool:
        return self.current() != InvoiceFilter()

    def select_status(self, text: str) -> None:
        """Choose the state entry with this visible text (``"Overdue"``)."""
        self.status.setCurrentIndex(self.status.findText(text))

    def clear(self) -> None:
        with QSignalBlocker(self.status), QSignalBlocker(self.issued_from), QSignalBlocker(self.issued_to), \
                QSignalBlocker(self.text), QSignalBlocker(self.customer):
            self.status.setCurrentIndex(0)
            self.customer.set_customer_id(None)
            self.issued_from.set_value(None)
            self.issued_to.set_value(None)
            self.text.clear()
        self._text_timer.stop()
        self._emit_changed()

    def reload_customers(self) -> None:
        self.customer.reload()

    def flush(self) -> None:
        """Apply typed text now instead of after the pause."""
        if self._text_timer.isActive():
            self._text_timer.stop()
            self._emit_changed()

    def _emit_changed(self) -> None:
        self._text_timer.stop()
        self._update_clear_button()
        self.changed.emit()

    def _update_clear_button(self) -> None:
        self.clear_button.setVisible(self.is_filtering())
