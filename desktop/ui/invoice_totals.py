"""Subtotal, VAT per rate and total, as shown under an invoice's lines."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from desktop.domain.invoice import Totals
from desktop.ui.formatting import money, money_with_currency, number


class TotalsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(2)
        self._labels: list[QLabel] = []
        self.total_text = ""

    def show_totals(self, totals: Totals, currency: str, extra: list[tuple[str, Decimal]] | None = None) -> None:
        """``extra``: rows after the total, such as what is paid and what is still open."""
        rows: list[tuple[str, str, bool]] = [(self.tr("Subtotal"), money(totals.net, currency), False)]
        for vat in totals.breakdown:
            rows.append((self.tr("VAT {rate}% of {base}").format(rate=number(vat.rate), base=money(vat.base, currency)),
                         money(vat.vat, currency), False))
        self.total_text = money_with_currency(totals.total, currency)
        rows.append((self.tr("Total"), self.total_text, True))
        rows.extend((title, money_with_currency(amount, currency), False) for title, amount in extra or [])
        while len(self._labels) < 2 * len(rows):
            self._add_label()
        for line, (title, value, bold) in enumerate(rows):
            for column, text in enumerate((title, value)):
                label = self._labels[2 * line + column]
                label.setText(text)
                font = label.font()
                font.setBold(bold)
                label.setFont(font)
                label.show()
        for label in self._labels[2 * len(rows):]:
            label.hide()

    def rows(self) -> list[tuple[str, str]]:
        """What is on show, as (title, value) pairs."""
        shown = [label.text() for label in self._labels if not label.isHidden()]
        return list(zip(shown[::2], shown[1::2], strict=True))

    def _add_label(self) -> None:
        index = len(self._labels)
        label = QLabel(self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if index % 2:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._grid.addWidget(label, index // 2, index % 2)
        self._labels.append(label)
