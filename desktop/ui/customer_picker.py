"""Choosing a customer by typing part of their name or number."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from desktop.domain.ids import CustomerId
from desktop.services.customers import CustomerService


class CustomerPicker(QComboBox):
    """An editable combo over every customer, with a completer that matches anywhere in the text.

    With ``any_text`` the first entry stands for "no customer chosen" (a filter's "All customers").

    Signals:
        customer_changed: the chosen customer id, or None, after it changed.
    """

    customer_changed = Signal(object)

    def __init__(self, customers: CustomerService, parent: QWidget | None = None, any_text: str = "") -> None:
        super().__init__(parent)
        self._customers = customers
        self._any_text = any_text
        self._last: CustomerId | None = None
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText(any_text or self.tr("Type a name or number…"))
        line.editingFinished.connect(self._settle_text)
        self.currentIndexChanged.connect(self._index_changed)
        self.reload()

    def reload(self) -> None:
        """Read the customers again, keeping the chosen one if it still exists."""
        keep = self.customer_id()
        with QSignalBlocker(self):
            self.clear()
            if self._any_text:
                self.addItem(self._any_text, None)
            for customer_id, number, name in self._customers.choices():
                self.addItem(self.tr("{name} ({number})").format(name=name, number=number), customer_id)
            self._select(keep)
        self._emit_if_changed()

    def customer_id(self) -> CustomerId | None:
        index = self.currentIndex()
        if index < 0 or self.currentText() != self.itemText(index):
            return None
        value = self.itemData(index)
        return CustomerId(value) if value is not None else None

    def set_customer_id(self, customer_id: CustomerId | None) -> None:
        self._select(customer_id)
        self._emit_if_changed()

    def _select(self, customer_id: CustomerId | None) -> None:
        index = self.findData(customer_id) if customer_id is not None else -1
        if index < 0 and self._any_text:
            index = 0
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def _settle_text(self) -> None:
        """After typing: take the entry that matches the text exactly, or none when it is empty."""
        text = self.currentText().strip()
        if not text:
            self._select(None)
        else:
            index = self.findText(text, Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                self.setCurrentIndex(index)
        self._emit_if_changed()

    def _index_changed(self, _index: int) -> None:
        self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        now = self.customer_id()
        if now != self._last:
            self._last = now
            self.customer_changed.emit(now)
