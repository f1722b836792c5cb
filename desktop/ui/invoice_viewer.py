"""An issued invoice, read-only: who, when, lines, totals, state and its audit trail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.ids import InvoiceId
from desktop.domain.states import InvoiceKind, is_overdue
from desktop.services.paydesk import Paydesk
from desktop.ui.formatting import date_text, kind_text, status_text
from desktop.ui.invoice_lines_model import DESCRIPTION, InvoiceLinesModel
from desktop.ui.invoice_totals import TotalsPanel


class InvoiceViewer(QDialog):
    """``open_pdf``, if given, is offered as a button (it renders in the background)."""

    def __init__(self, paydesk: Paydesk, invoice_id: InvoiceId, parent: QWidget | None = None,
                 open_pdf: Callable[[InvoiceId], None] | None = None) -> None:
        super().__init__(parent)
        record = paydesk.invoices.get(invoice_id)
        draft = record.draft
        kind = kind_text(draft.kind)
        self.setWindowTitle(self.tr("{kind} {number}").format(kind=kind, number=record.number or self.tr("(draft)")))
        self.setSizeGripEnabled(True)
        self.resize(900, 640)

        status = status_text(record.status)
        if is_overdue(record.status, draft.due_date, paydesk.today()) and draft.kind is InvoiceKind.INVOICE:
            status = self.tr("{status}, overdue since {date}").format(status=status, date=date_text(draft.due_date))
        if record.status_reason:
            status = self.tr("{status} ({reason})").format(status=status, reason=record.status_reason)
        bill_to = "\n".join(part for part in (record.bill_name, record.bill_address, record.bill_vat_id) if part)
        facts = [
            (self.tr("Customer"), bill_to),
            (self.tr("Status"), status),
            (self.tr("Issued"), date_text(draft.issue_date)),
            (self.tr("Due"), date_text(draft.due_date)),
            (self.tr("Reference"), record.reference or ""),
            (self.tr("Notes"), draft.notes),
        ]
        if draft.credited_invoice_id is not None:
            credited = paydesk.invoices.get(draft.credited_invoice_id)
            facts.insert(1, (self.tr("Credits"), self.tr("Invoice {number}").format(number=credited.number)))
        form = QFormLayout()
        for title, text in facts:
            if text:
                value = QLabel(text, self)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(True)
                form.addRow(title, value)

        self.lines = InvoiceLinesModel(draft.currency, draft.lines, read_only=True, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.lines)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.totals = TotalsPanel(self)
        extra = []
        if draft.kind is InvoiceKind.INVOICE and record.number:
            extra = [(self.tr("Paid or credited"), record.settled), (self.tr("Open"), record.open_amount)]
        self.totals.show_totals(record.draft.totals(), draft.currency, extra)

        self.trail = QTreeWidget(self)
        self.trail.setHeaderLabels([self.tr("When"), self.tr("What happened")])
        self.trail.setRootIsDecorated(False)
        for entry in paydesk.invoices.audit_trail(invoice_id):
            when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
            QTreeWidgetItem(self.trail, [when, entry.summary])
        self.trail.resizeColumnToContents(0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        if open_pdf is not None and record.number:
            pdf = buttons.addButton(self.tr("Open PDF"), QDialogButtonBox.ButtonRole.ActionRole)
            pdf.clicked.connect(lambda: open_pdf(invoice_id))

        below = QHBoxLayout()
        below.addStretch(1)
        below.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 2)
        layout.addLayout(below)
        layout.addWidget(QLabel(self.tr("History"), self))
        layout.addWidget(self.trail, 1)
        layout.addWidget(buttons)
