"""A customer's open invoices as a list to tick (for pausing some of them, or agreeing a payment plan)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from desktop.domain.ids import InvoiceId
from desktop.domain.payment import OpenItem
from desktop.ui.formatting import date_text, money


class OpenInvoiceChecklist(QListWidget):
    """One line per open invoice: number, due date, what is open. ``checked()`` gives the ticked ones.

    Signals:
        selection_changed: an invoice was ticked or unticked.
    """

    selection_changed = Signal()

    def __init__(self, items: list[OpenItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = sorted(items, key=lambda i: (i.due_date, i.number))
        for open_item in self.items:
            text = self.tr("{number} · due {due} · {amount} {currency} open").format(
                number=open_item.number, due=date_text(open_item.due_date),
                amount=money(open_item.open_amount, open_item.currency), currency=open_item.currency)
            entry = QListWidgetItem(text, self)
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            entry.setData(Qt.ItemDataRole.UserRole, int(open_item.invoice_id))
        self.itemChanged.connect(lambda _item: self.selection_changed.emit())

    def set_checked(self, invoice_ids: list[InvoiceId]) -> None:
        for row in range(self.count()):
            entry = self.item(row)
            wanted = entry.data(Qt.ItemDataRole.UserRole) in invoice_ids
            entry.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def checked_items(self) -> list[OpenItem]:
        return [self.items[row] for row in range(self.count()) if self.item(row).checkState() == Qt.CheckState.Checked]

    def checked(self) -> list[InvoiceId]:
        return [i.invoice_id for i in self.checked_items()]

    def totals(self) -> dict[str, Decimal]:
        """What is open on the ticked invoices, per currency."""
        found: dict[str, Decimal] = {}
        for open_item in self.checked_items():
            found[open_item.currency] = found.get(open_item.currency, Decimal(0)) + open_item.open_amount
        return found
