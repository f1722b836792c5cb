"""The payment methods offered per customer country: a small table of country code → methods
(a comma list), with * for every other country."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.field_errors import FieldErrors, error_label


class PaymentMethodsTable(QWidget):
    """``methods()`` / ``set_methods()``: ``{"NL": ["ideal", "card"], "*": ["card"]}``."""

    COUNTRY, METHODS = 0, 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Country"), self.tr("Payment methods (comma separated)")])
        self.table.horizontalHeader().setSectionResizeMode(self.COUNTRY, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        self.available = QLabel(self)
        self.available.setWordWrap(True)
        self.available.setStyleSheet("color: palette(placeholder-text);")
        self.error = error_label(self)
        self.add_button = QPushButton(self.tr("Add country"), self)
        self.add_button.clicked.connect(lambda: self.add_row("", []))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.available)
        layout.addWidget(self.error)

    def set_available(self, methods: tuple[str, ...]) -> None:
        self.available.setText(self.tr("Available: {methods}. Use * as the country for all other countries; "
                                       "no row: the provider account's own choice.").format(methods=", ".join(methods)))

    def set_methods(self, methods: dict[str, list[str]]) -> None:
        self.table.setRowCount(0)
        for country, chosen in methods.items():
            self.add_row(country, chosen)

    def add_row(self, country: str, methods: list[str]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, self.COUNTRY, QTableWidgetItem(country))
        self.table.setItem(row, self.METHODS, QTableWidgetItem(", ".join(methods)))
        if not country:
            self.table.setCurrentCell(row, self.COUNTRY)
            self.table.editItem(self.table.item(row, self.COUNTRY))
        return row

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def methods(self) -> dict[str, list[str]]:
        """Rows with a country; codes upper-cased, methods lower-cased, blanks dropped."""
        found: dict[str, list[str]] = {}
        for row in range(self.table.rowCount()):
            country = (self.table.item(row, self.COUNTRY) or QTableWidgetItem()).text().strip().upper()
            methods = (self.table.item(row, self.METHODS) or QTableWidgetItem()).text()
            if country:
                found[country] = [m.strip().lower() for m in methods.replace(";", ",").split(",") if m.strip()]
        return found

    def bind_errors(self, errors: FieldErrors) -> None:
        """``methods[NL]`` errors mark the table and show under it (call before ``errors.show``)."""
        for country in self.methods():
            errors.bind(f"methods[{country}]", self.table, self.tr("Payment methods for {country}").format(country=country),
                        self.error)
