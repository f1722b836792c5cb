"""The Reports page: pick a report, a date and a currency; the table, a chart where a picture says it
faster (aging: bars, DSO: a line, cash collected: bars), and Export… to CSV, XLSX or PDF in the
background."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.report_table import Cell, Column, ReportTable
from desktop.services.paydesk import Paydesk
from desktop.services.reports import BUCKET_LABELS, REPORT_TITLES, ReportKind
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.charts import ChartWidget, Series
from desktop.ui.tasks import TaskRunner

EXPORT_FORMATS = (("csv", "CSV (*.csv)"), ("xlsx", "Excel workbook (*.xlsx)"), ("pdf", "PDF (*.pdf)"))
CHARTED = (ReportKind.AGING, ReportKind.DSO, ReportKind.COLLECTED)
_Index = QModelIndex | QPersistentModelIndex


def cell_text(column: Column, value: Cell, locale: QLocale) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return locale.toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)
    if isinstance(value, Decimal):
        places = {"money": 2, "decimal": 1, "percent": 1}.get(column.type.value, 2)
        number = float(value * 100) if column.type.value == "percent" else float(value)
        return locale.toString(number, "f", places) + (" %" if column.type.value == "percent" else "")
    if isinstance(value, int):
        return locale.toString(value)
    return str(value)


class ReportModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: ReportTable | None = None
        self._locale = QLocale()

    def set_table(self, table: ReportTable) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def _rows(self) -> list[tuple[Cell, ...]]:
        return [*self.table.rows, *self.table.totals] if self.table else []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        column = self.table.columns[index.column()]
        value = self._rows()[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(column, value, self._locale)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() >= len(self.table.rows):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and self.table:
            return self.table.columns[section].label
        return None


class ReportsView(QWidget):
    """Signals:
        changed: never emitted (reports only read); kept so every view has the same contract.
        status_message: a line for the status bar (an export written).
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.reports = paydesk.reports
        self.picker = QComboBox(self)
        for kind in ReportKind:
            self.picker.addItem(self.tr(REPORT_TITLES[kind]), kind.value)
        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        today = paydesk.today()
        self.as_of.setDate(QDate(today.year, today.month, today.day))
        self.currency = QComboBox(self)
        self.export_button = QPushButton(self.tr("Export…"), self)
        menu = QMenu(self.export_button)
        for fmt, _ in EXPORT_FORMATS:
            menu.addAction(fmt.upper(), lambda f=fmt: self.choose_export(f))
        self.export_button.setMenu(menu)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")

        bar = QHBoxLayout()
        for label, widget in ((self.tr("Report"), self.picker), (self.tr("As of"), self.as_of),
                              (self.tr("Currency"), self.currency)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.model = ReportModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart = ChartWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.table)
        self.splitter.setSizes([260, 400])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        self._fill_currencies()
        self.picker.currentIndexChanged.connect(self.refresh)
        self.as_of.dateChanged.connect(self.refresh)
        self.currency.currentIndexChanged.connect(self.refresh)
        self.refresh()

    # --- choices ------------------------------------------------------------------------------------------------
    @property
    def kind(self) -> ReportKind:
        return ReportKind(self.picker.currentData())

    def set_kind(self, kind: ReportKind | str) -> None:
        self.picker.setCurrentIndex(self.picker.findData(ReportKind(kind).value))

    @property
    def day(self) -> date:
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    @property
    def chosen_currency(self) -> str | None:
        return self.currency.currentData() or None

    def _fill_currencies(self) -> None:
        current = self.currency.currentData()
        self.currency.blockSignals(True)
        self.currency.clear()
        self.currency.addItem(self.tr("All currencies"), "")
        for code in self.reports.currencies():
            self.currency.addItem(code, code)
        found = self.currency.findData(current) if current else 0
        self.currency.setCurrentIndex(max(0, found))
        self.currency.blockSignals(False)

    # --- showing ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        table = self.reports.table(self.kind, self.day, self.chosen_currency)
        self.model.set_table(table)
        self.note.setText(table.subtitle)
        self._draw_chart()

    def _chart_currency(self) -> str | None:
        if self.chosen_currency:
            return self.chosen_currency
        codes = [self.currency.itemData(i) for i in range(1, self.currency.count())]
        company = self._paydesk.company.get()
        preferred = company.currency if company is not None else ""
        return preferred if preferred in codes else (codes[0] if codes else None)

    def _draw_chart(self) -> None:
        kind, currency = self.kind, self._chart_currency()
        self.chart.setVisible(kind in CHARTED)
        if kind not in CHARTED or currency is None:
            self.chart.clear()
            return
        money = self._money_text(currency)
        if kind is ReportKind.AGING:
            totals = self.reports.aging(self.day, currency).totals().get(currency)
            values = [float(v) for v in totals] if totals else []
            labels = [self.tr(label) for label in BUCKET_LABELS]
            self.chart.set_data("bar", labels, [Series(currency, values)] if values else [],
                                self.tr("Open receivables by age, %1").replace("%1", currency), money)
        elif kind is ReportKind.DSO:
            points = self.reports.dso(self.day).series(currency)
            labels = [self._month(d) for d, _ in points]
            self.chart.set_data("line", labels, [Series(currency, [float(v) if v is not None else None for _, v in points])],
                                self.tr("DSO in days at each month end, %1").replace("%1", currency),
                                lambda v: QLocale().toString(float(v), "f", 1))
        else:
            months = self.reports.collected(self.day, currency=currency)
            self.chart.set_data("bar", [self._month(m.month) for m in months],
                                [Series(currency, [float(m.amount) for m in months])],
                                self.tr("Cash collected per month, %1").replace("%1", currency), money)

    def _month(self, day: date) -> str:
        return QLocale().toString(QDate(day.year, day.month, 1), "MMM yy")

    def _money_text(self, currency: str) -> Any:
        return lambda value: QLocale().toCurrencyString(float(value), currency)

    # --- export -------------------------------------------------------------------------------------------------
    def choose_export(self, fmt: str) -> None:
        name = f"{self.kind.value}-{self.day.isoformat()}.{fmt}"
        filters = dict(EXPORT_FORMATS)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"), str(Path.home() / name), filters[fmt])
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        """Write the report shown to ``path`` in the background (``fmt``: csv, xlsx or pdf)."""
        kind, day, currency = self.kind, self.day, self.chosen_currency
        locale = QLocale().name()

        def work(_progress: ProgressCallback, _token: CancelToken) -> Path:
            data = self.reports.export(kind, fmt, day, currency, locale=locale)
            path.write_bytes(data)
            return path

        def done(written: Path) -> None:
            self.status_message.emit(self.tr("Report saved to %1").replace("%1", str(written)))

        self._tasks.run(work, done, title=self.tr("Exporting the report…"), dialog_parent=self,
                        on_failure=lambda error: messages.show_error(self, str(error), self.tr("Export failed")))
