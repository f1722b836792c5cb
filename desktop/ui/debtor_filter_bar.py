"""The Debtors page's filters: search, currency, only overdue, on hold, disputed, over the credit
limit, reminder level reached, and the day the figures are as of (today unless changed)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop.domain.debtors import DebtorFilter
from desktop.ui.formatting import from_qdate, qt_date_format, to_qdate

SEARCH_DELAY_MS = 250


class DebtorFilterBar(QWidget):
    """Signals:
        changed: a filter or the as-of day changed (typing is debounced).
    """

    changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("Search number or name"))
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(180)
        self.currency = QComboBox(self)
        self.currency.addItem(self.tr("All currencies"), None)
        self.overdue = QCheckBox(self.tr("Only overdue"), self)
        self.on_hold = QCheckBox(self.tr("On hold"), self)
        self.disputed = QCheckBox(self.tr("Disputed"), self)
        self.over_limit = QCheckBox(self.tr("Over limit"), self)
        self.level = QSpinBox(self)
        self.level.setRange(0, 9)
        self.level.setSpecialValueText(self.tr("any"))
        self.level.setToolTip(self.tr("Only customers who reached at least this reminder level"))
        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat(qt_date_format())
        self.as_of.setToolTip(self.tr("The figures as they stood at the end of this day"))
        self.reset_as_of()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.currency)
        for box in (self.overdue, self.on_hold, self.disputed, self.over_limit):
            layout.addWidget(box)
        layout.addWidget(QLabel(self.tr("Level ≥"), self))
        layout.addWidget(self.level)
        layout.addSpacing(8)
        layout.addWidget(QLabel(self.tr("As of"), self))
        layout.addWidget(self.as_of)

        self._typing = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._typing.timeout.connect(self.changed)
        self.text.textChanged.connect(self._typing.start)
        self.currency.currentIndexChanged.connect(self.changed)
        for box in (self.overdue, self.on_hold, self.disputed, self.over_limit):
            box.toggled.connect(self.changed)
        self.level.valueChanged.connect(self.changed)
        self.as_of.dateChanged.connect(self.changed)

    def reset_as_of(self) -> None:
        today = to_qdate(self._today())
        with QSignalBlocker(self.as_of):
            self.as_of.setMaximumDate(today)
            self.as_of.setDate(today)

    def current(self) -> DebtorFilter:
        return DebtorFilter(text=self.text.text().strip(), currency=self.currency.currentData(),
                            only_overdue=self.overdue.isChecked(), on_hold=self.on_hold.isChecked(),
                            disputed=self.disputed.isChecked(), over_limit=self.over_limit.isChecked(),
                            min_level=self.level.value() or None)

    def day(self) -> date | None:
        """The as-of day, or None for today."""
        chosen = from_qdate(self.as_of.date())
        return None if chosen >= self._today() else chosen

    def is_filtering(self) -> bool:
        return self.current() != DebtorFilter()

    def clear(self) -> None:
        with QSignalBlocker(self):
            for widget in (self.text, self.currency, self.overdue, self.on_hold, self.disputed, self.over_limit, self.level):
                blocker = QSignalBlocker(widget)
                if widget is self.text:
                    self.text.clear()
                elif widget is self.currency:
                    self.currency.setCurrentIndex(0)
                elif widget is self.level:
                    self.level.setValue(0)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(False)
                blocker.unblock()
        self.changed.emit()

    def offer_currencies(self, currencies: Iterable[str]) -> None:
        """Add currencies seen in the data to the choice (keeping the current one)."""
        known = {self.currency.itemData(i) for i in range(self.currency.count())}
        with QSignalBlocker(self.currency):
            for code in sorted(set(currencies) - known):
                self.currency.addItem(code, code)
