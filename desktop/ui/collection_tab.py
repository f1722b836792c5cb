"""Reminders › Collection: the cases handed over to collection after the final notice, the export
of a case for a collection agency (a zip, written in the background), and closing a case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.domain.errors import PaydeskError
from desktop.services.collection import CollectionCase
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.formatting import date_text, money_with_currency
from desktop.ui.list_widgets import empty_state, read_only_table
from desktop.ui.rows_model import RowsModel
from desktop.ui.tasks import Task, TaskRunner

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("collection_tab", text)


@dataclass(frozen=True, slots=True)
class CaseRow:
    case: CollectionCase
    invoices: str  # the invoice numbers


class CasesModel(RowsModel):
    CUSTOMER, INVOICES, AMOUNT, SINCE, EXPORTED, CLOSED = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__((_tr("Customer"), _tr("Invoices"), _tr("Amount"), _tr("Handed over"), _tr("Exported"),
                         _tr("Closed")), parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        case = row.case
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                self.CUSTOMER: f"{case.customer_number} {case.customer_name}",
                self.INVOICES: row.invoices,
                self.AMOUNT: money_with_currency(case.open_amount, case.currency),
                self.SINCE: date_text(case.marked_on),
                self.EXPORTED: date_text(case.exported_at.date()) if case.exported_at else "",
                self.CLOSED: date_text(case.closed_on),
            }[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CollectionTab(QWidget):
    """Signals:
        changed: a case was closed.
        status_message: a short note for the status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self.show_closed = QCheckBox(self.tr("Show closed cases"), self)
        self.show_closed.toggled.connect(lambda _on: self.refresh())
        self.export_button = QPushButton(self.tr("Export case…"), self)
        self.export_button.setToolTip(self.tr("Write the case as a zip for the collection agency: invoice PDFs, "
                                              "reminders sent, payments and notes"))
        self.export_button.clicked.connect(lambda: self.export_selected())
        self.close_button = QPushButton(self.tr("Close case…"), self)
        self.close_button.setToolTip(self.tr("The case is settled, paid or written off"))
        self.close_button.clicked.connect(self.close_selected)
        self.model = CasesModel(self)
        self.table = read_only_table(self, self.model)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(("1017 ИП Смирнова Анна Серге", "2026-00001, 2026-00002", "000,000.00 EUR",
                                         "Nov 21, 2026", "Nov 21, 2026")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.hint, self.pages = empty_state(self, self.table)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.show_closed)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.count_label)
        self._update_buttons()

    def refresh(self) -> Task[list[CaseRow]]:
        paydesk, open_only = self._paydesk, not self.show_closed.isChecked()

        def work(_progress: ProgressCallback, _token: CancelToken) -> list[CaseRow]:
            cases = paydesk.collection.cases(open_only=open_only)
            summaries = paydesk.invoices.summaries([i for c in cases for i in c.invoice_ids])
            return [CaseRow(c, ", ".join(summaries[i].number or "" for i in c.invoice_ids if i in summaries)) for c in cases]

        return self._tasks.run(work, self._show, title=self.tr("Loading collection cases…"), dialog_parent=self,
                               on_failure=lambda error: messages.show_error(self, error))  # type: ignore[arg-type]

    def _show(self, rows: list[CaseRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.pages.setCurrentIndex(0)
            self.table.selectRow(0)
        else:
            self.hint.setText(self.tr("No cases are handed over to collection. A customer's invoices go to collection "
                                      "some days after the final notice, when a run is sent."))
            self.pages.setCurrentIndex(1)
        count = len(rows)
        self.count_label.setText(self.tr("1 case") if count == 1 else self.tr("{count} cases").format(count=count))
        self._update_buttons()

    def selected(self) -> CollectionCase | None:
        row = self.table.currentIndex().row()
        found = self.model.row_at(row)
        return found.case if found is not None else None

    def _update_buttons(self) -> None:
        case = self.selected()
        self.export_button.setEnabled(case is not None)
        self.close_button.setEnabled(case is not None and case.closed_on is None)

    def export_selected(self, target: Path | None = None) -> Task[Path] | None:
        case = self.selected()
        if case is None:
            return None
        if target is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Export collection case"), f"collection-{case.customer_number}-{case.id}.zip",
                self.tr("Zip archives (*.zip)"))
            if not chosen:
                return None
            target = Path(chosen)
        collection, case_id, destination = self._paydesk.collection, case.id, target

        def work(_progress: ProgressCallback, _token: CancelToken) -> Path:
            return collection.export(case_id, destination)

        def done(path: Path) -> None:
            self.status_message.emit(self.tr("Case exported to {path}").format(path=path))
            self.refresh()

        return self._tasks.run(work, done, title=self.tr("Exporting the case…"), dialog_parent=self, cancellable=False,
                               on_failure=lambda error: messages.show_error(self, error))  # type: ignore[arg-type]

    def close_selected(self) -> None:
        case = self.selected()
        if case is None or not messages.confirm(
                self, self.tr("Close collection case"),
                self.tr("Close the collection case of {customer}? Do this when it is paid, settled or written off.").format(
                    customer=case.customer_name), self.tr("Close case")):
            return
        try:
            self._paydesk.collection.close(case.id)
        except PaydeskError as error:
            messages.show_error(self, error)
            return
        self.status_message.emit(self.tr("Collection case of {customer} closed").format(customer=case.customer_name))
        self.changed.emit()
        self.refresh()
