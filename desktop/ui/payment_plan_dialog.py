"""Agreeing a payment plan: the open invoices it pays, and its instalments (due date and amount),
with a helper that splits the open amount evenly over a number of months. The instalments must add
up to what is open; the service's message says by how much they don't."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_DOWN, Decimal

from PySide6.QtCore import QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.money import precision, round_money
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import date_text, from_qdate, money, parse_decimal, qt_date_format, to_qdate
from desktop.ui.open_invoice_checklist import OpenInvoiceChecklist

DATE, AMOUNT = 0, 1
MAX_MONTHS = 60


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_evenly(total: Decimal, currency: str, months: int, first: date) -> list[tuple[date, Decimal]]:
    """``total`` in ``months`` monthly instalments from ``first``; the last one takes the rounding rest."""
    quantum = Decimal(1).scaleb(-precision(currency))
    part = (total / months).quantize(quantum, rounding=ROUND_DOWN)
    amounts = [part] * (months - 1) + [round_money(total - part * (months - 1), currency)]
    return [(add_months(first, n), amount) for n, amount in enumerate(amounts)]


class DateDelegate(QStyledItemDelegate):
    """Shows a date cell as the app shows dates, and edits it with the app's date format and a calendar."""

    def displayText(self, value: object, locale: QLocale) -> str:
        if isinstance(value, QDate):
            return date_text(from_qdate(value))
        return super().displayText(value, locale)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QDateEdit(parent)
        editor.setDisplayFormat(qt_date_format())
        editor.setCalendarPopup(True)
        return editor


class PaymentPlanDialog(QDialog):
    """Create a payment plan for ticked open invoices of one customer.

    Signals:
        saved: the plan's id, after it was stored; the dialog then closes as accepted.
    """

    saved = Signal(int)

    def __init__(self, paydesk: Paydesk, customer_id: CustomerId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._customer_id = customer_id
        self.plan_id: int | None = None
        self.setWindowTitle(self.tr("New payment plan"))
        self.resize(620, 640)
        intro = QLabel(self.tr("The ticked invoices get no reminders while the plan runs; an instalment not paid "
                               "in time gets a reminder of its own."), self)
        intro.setWordWrap(True)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)

        self.invoices = OpenInvoiceChecklist(paydesk.payments.open_items(customer_id), self)
        self.invoices.setMinimumHeight(110)
        self.errors.bind("invoices", self.invoices, self.tr("Invoices"))
        self.invoices.selection_changed.connect(self._update_totals)
        self.open_total = QLabel(self)

        today = paydesk.today()
        self.months = QSpinBox(self)
        self.months.setRange(1, MAX_MONTHS)
        self.months.setValue(3)
        self.months.setSuffix(self.tr(" months"))
        self.first_date = QDateEdit(self)
        self.first_date.setCalendarPopup(True)
        self.first_date.setDisplayFormat(qt_date_format())
        self.first_date.setDate(to_qdate(add_months(today, 1)))
        self.split_button = QPushButton(self.tr("Split evenly"), self)
        self.split_button.setToolTip(self.tr("Fill the instalments: the open amount in equal monthly parts"))
        self.split_button.clicked.connect(self.split)
        split_row = QHBoxLayout()
        split_row.addWidget(QLabel(self.tr("Over"), self))
        split_row.addWidget(self.months)
        split_row.addWidget(QLabel(self.tr("from"), self))
        split_row.addWidget(self.first_date)
        split_row.addWidget(self.split_button)
        split_row.addStretch(1)

        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Due date"), self.tr("Amount")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(True)
        self.table.setItemDelegateForColumn(DATE, DateDelegate(self.table))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self._update_totals())
        self.errors.bind("instalments", self.table, self.tr("Instalments"))
        self.add_button = QPushButton(self.tr("Add instalment"), self)
        self.add_button.clicked.connect(lambda: self.add_instalment(add_months(today, self.table.rowCount() + 1), Decimal(0)))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        self.instalment_total = QLabel(self)

        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("e.g. agreed by phone with the owner, 3 March"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Note"), self.note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.addButton(self.tr("Agree plan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("Invoices in the plan"), self))
        layout.addWidget(self.invoices, 1)
        layout.addWidget(self.open_total)
        layout.addWidget(QLabel(self.tr("Instalments"), self))
        layout.addLayout(split_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(rows)
        layout.addWidget(self.instalment_total)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self._update_totals()

    # --- instalments ------------------------------------------------------------------------
    def add_instalment(self, due: date, amount: Decimal) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        day = QTableWidgetItem()
        day.setData(Qt.ItemDataRole.EditRole, to_qdate(due))
        self.table.setItem(row, DATE, day)
        value = QTableWidgetItem(money(amount, self.currency() or "EUR") if amount else "")
        value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, AMOUNT, value)
        self._update_totals()

    def set_instalments(self, instalments: list[tuple[date, Decimal]]) -> None:
        self.table.setRowCount(0)
        for due, amount in instalments:
            self.add_instalment(due, amount)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._update_totals()

    def split(self) -> None:
        totals = self.invoices.totals()
        if len(totals) != 1:
            self.errors.show(ValidationError({"invoices": self.tr("Tick the invoices of the plan first (in one currency).")}))
            return
        (currency, total), = totals.items()
        self.errors.clear()
        self.set_instalments(split_evenly(total, currency, self.months.value(), from_qdate(self.first_date.date())))

    def currency(self) -> str | None:
        totals = self.invoices.totals()
        return next(iter(totals)) if len(totals) == 1 else None

    def instalments(self) -> list[tuple[date, Decimal]]:
        """The rows as entered; an amount that is not a number raises ``ValidationError``."""
        found: list[tuple[date, Decimal]] = []
        for row in range(self.table.rowCount()):
            qdate = self.table.item(row, DATE).data(Qt.ItemDataRole.EditRole)
            text = self.table.item(row, AMOUNT).text().strip()
            try:
                amount = parse_decimal(text)
            except ValueError:
                raise ValidationError({"instalments": self.tr("Instalment {n}: enter an amount such as 120.00.").format(
                    n=row + 1)}) from None
            found.append((from_qdate(qdate) if isinstance(qdate, QDate) else qdate, amount))
        return found

    # --- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        try:
            plan_id = self._paydesk.pauses.add_plan(self._customer_id, self.invoices.checked(), self.instalments(),
                                                    self.note.text())
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.plan_id = plan_id
        self.saved.emit(plan_id)
        self.accept()
        return True

    def _update_totals(self) -> None:
        totals = self.invoices.totals()
        if not totals:
            self.open_total.setText(self.tr("Tick the invoices the plan pays."))
        else:
            self.open_total.setText(self.tr("Open on the ticked invoices: {amounts}").format(
                amounts=", ".join(f"{money(amount, currency)} {currency}" for currency, amount in totals.items())))
        currency = self.currency()
        planned = Decimal(0)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, AMOUNT)
            try:
                planned += parse_decimal(item.text()) if item is not None and item.text().strip() else Decimal(0)
            except ValueError:
                continue
        count = self.table.rowCount()
        if not count:
            self.instalment_total.setText(self.tr("No instalments yet: add them, or split the amount evenly."))
        else:
            self.instalment_total.setText(self.tr("Instalments: {count}, together {amount} {currency}").format(
                count=count, amount=money(planned, currency or "EUR"), currency=currency or ""))
        self.remove_button.setEnabled(count > 0)

