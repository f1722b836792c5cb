"""The audit log, newest first: who changed what, with the old and new values of a selected entry."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.states import InvoiceKind
from desktop.services.audit import AuditEntry
from desktop.services.paydesk import Paydesk
from desktop.ui.lazy_table import Column
from desktop.ui.list_widgets import empty_state, read_only_table
from desktop.ui.paged_list_model import PagedListModel
from desktop.ui.tasks import TaskRunner


def local_time(entry: AuditEntry) -> str:
    """The entry's moment in the computer's time zone (stored in UTC)."""
    return entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def action_text(action: str) -> str:
    """``customer.created`` -> ``Customer created``."""
    return action.replace(".", " ").replace("_", " ").capitalize()


def value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return str(value)


class AuditView(QWidget):
    """Read-only; filter by what was changed (customers, invoices, payments, the company).

    Signals:
        changed: never emitted (the log is only read); kept so every view has the same contract.
    """

    changed = Signal()

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._invoice_names: dict[InvoiceId, str] = {}
        self._customer_names: dict[CustomerId, str] = {}
        self._entity_names = {
            "customer": self.tr("Customer"), "invoice": self.tr("Invoice"), "payment": self.tr("Payment"),
            "company": self.tr("Company"),
        }
        columns: list[Column[AuditEntry]] = [
            Column(self.tr("When"), local_time),
            Column(self.tr("Action"), lambda e: action_text(e.action)),
            Column(self.tr("What"), self._what),
            Column(self.tr("Summary"), lambda e: e.summary),
        ]
        self.model: PagedListModel[AuditEntry] = PagedListModel(columns, self._fetch, lambda e: e.id, self)

        self.entity = QComboBox(self)
        self.entity.addItem(self.tr("Everything"), None)
        for title, entity in ((self.tr("Customers"), "customer"), (self.tr("Invoices"), "invoice"),
                              (self.tr("Payments"), "payment"), (self.tr("Company settings"), "company")):
            self.entity.addItem(title, entity)
        self.entity.currentIndexChanged.connect(self.refresh)

        self.table = read_only_table(self, self.model)
        for column, width in enumerate((150, 150, 230)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)

        self.hint, self.stack = empty_state(self, self.table)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.count = QLabel(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show"), self))
        bar.addWidget(self.entity)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)
        self.model.rowsInserted.connect(self._update_state)
        self.refresh()

    # --- public -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._invoice_names.clear()
        self._customer_names.clear()
        self.model.refresh()
        self._update_state()
        self._show_detail()

    def selected(self) -> AuditEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def set_entity(self, entity: str | None) -> None:
        """Show only entries about ``entity`` (``customer``, ``invoice``, ``payment``, ``company``), or all."""
        self.entity.setCurrentIndex(max(self.entity.findData(entity), 0))

    # --- inside -----------------------------------------------------------------------------
    def _fetch(self, limit: int) -> list[AuditEntry]:
        entity = self.entity.currentData()
        entries = self._paydesk.audit.entries(str(entity) if entity else None, None, limit)
        self._learn_names(entries)
        return entries

    def _learn_names(self, entries: list[AuditEntry]) -> None:
        """Name invoices and customers by number, one query per kind and page, not by database id."""
        invoice_ids = {InvoiceId(e.entity_id) for e in entries if e.entity == "invoice"} - set(self._invoice_names)
        customer_ids = {CustomerId(e.entity_id) for e in entries if e.entity == "customer"} - set(self._customer_names)
        if invoice_ids:
            for invoice_id, summary in self._paydesk.invoices.summaries(sorted(invoice_ids)).items():
                if summary.number is None:
                    self._invoice_names[invoice_id] = self.tr("Draft invoice")
                elif summary.kind is InvoiceKind.CREDIT_NOTE:
                    self._invoice_names[invoice_id] = self.tr("Credit note %1").replace("%1", summary.number)
                else:
                    self._invoice_names[invoice_id] = self.tr("Invoice %1").replace("%1", summary.number)
        if customer_ids:
            for customer_id, row in self._paydesk.customers.rows(sorted(customer_ids)).items():
                self._customer_names[customer_id] = self.tr("Customer %1").replace("%1", f"{row.number} {row.name}")

    def _what(self, entry: AuditEntry) -> str:
        if entry.entity == "invoice" and entry.entity_id in self._invoice_names:
            return self._invoice_names[InvoiceId(entry.entity_id)]
        if entry.entity == "customer" and entry.entity_id in self._customer_names:
            return self._customer_names[CustomerId(entry.entity_id)]
        name = self._entity_names.get(entry.entity, entry.entity)
        return name if entry.entity == "company" else f"{name} #{entry.entity_id}"

    def _update_state(self, *_args: object) -> None:
        rows = self.model.rowCount()
        if rows:
            self.stack.setCurrentWidget(self.table)
        else:
            self.hint.setText(self.tr("Nothing recorded yet. Every change to customers, invoices, payments and the "
                                      "company settings will be listed here."))
            self.stack.setCurrentWidget(self.hint)
        status = self.tr("Entries shown: %1").replace("%1", str(rows))
        if self.model.has_more():
            status += self.tr(" (scroll down to load older entries)")
        self.count.setText(status)

    def _show_detail(self, *_args: object) -> None:
        entry = self.selected()
        if entry is None:
            hint = f"<p style='color: gray'>{html.escape(self.tr('Select an entry to see what changed.'))}</p>"
            self.detail.setHtml(hint)
            return
        parts = [
            f"<p><b>{html.escape(entry.summary)}</b><br>",
            f"{html.escape(local_time(entry))} · {html.escape(action_text(entry.action))} · {html.escape(self._what(entry))}</p>",
        ]
        if entry.changes:
            parts.append("<table cellspacing='0' cellpadding='4' border='1' style='border-collapse: collapse'>")
            parts.append("<tr>" + "".join(f"<th align='left'>{html.escape(t)}</th>"
                                          for t in (self.tr("Field"), self.tr("Before"), self.tr("After"))) + "</tr>")
            for field, values in entry.changes.items():
                old, new = [*values, None, None][:2]
                parts.append(f"<tr><td>{html.escape(field.replace('_', ' '))}</td><td>{html.escape(value_text(old))}</td>"
                             f"<td>{html.escape(value_text(new))}</td></tr>")
            parts.append("</table>")
        else:
            parts.append(f"<p style='color: gray'>{html.escape(self.tr('No field changes were recorded for this entry.'))}</p>")
        self.detail.setHtml("".join(parts))
