"""The dialog that creates or edits one customer; the service validates, problems show at the fields."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.customer import MAX_PAYMENT_TERM_DAYS, Customer
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import FALLBACK_LOCALE, known_locale

_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@cache
def countries(ui_language: str) -> list[tuple[str, str]]:
    """(ISO code, name in ``ui_language``) of every country, sorted by name."""
    names = known_locale(ui_language).territories or known_locale(FALLBACK_LOCALE).territories
    found = [(code, str(name)) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    return sorted(found, key=lambda pair: pair[1].casefold())


def country_combo(parent: QWidget, none_text: str) -> QComboBox:
    """A combo of countries ("Spain (ES)"), its data the ISO code; the first entry is no country."""
    combo = QComboBox(parent)
    combo.addItem(none_text, "")
    for code, name in countries(QLocale().name()):
        label = f"{name} ({code})"
        combo.addItem(label, code)
    combo.setMaxVisibleItems(20)
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    """Select the entry whose data is ``value``; an unknown value is added so nothing is lost."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class LineListEditor(QWidget):
    """One or more short texts (email addresses, IBANs): a line per entry, Add and remove buttons."""

    def __init__(self, add_text: str, placeholder: str, parent: QWidget | None = None, min_chars: int = 24) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._min_width = self.fontMetrics().horizontalAdvance("0" * min_chars) + 16
        self._edits: list[QLineEdit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(4)
        layout.addLayout(self._rows)
        self.add_button = QPushButton(add_text, self)
        self.add_button.clicked.connect(self._add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def set_values(self, values: list[str]) -> None:
        for edit in list(self._edits):
            self._remove(edit)
        for value in values or [""]:
            self.add_row(value)

    def values(self) -> list[str]:
        return [edit.text() for edit in self._edits]

    def edits(self) -> list[QLineEdit]:
        return list(self._edits)

    def widget_at(self, index: int) -> QWidget | None:
        """The line of the ``index``-th non-empty entry (validation counts only filled entries)."""
        filled = [edit for edit in self._edits if edit.text().strip()]
        return filled[index] if 0 <= index < len(filled) else None

    def add_row(self, text: str = "") -> QLineEdit:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        edit = QLineEdit(text, row)
        edit.setPlaceholderText(self._placeholder)
        edit.setMinimumWidth(self._min_width)
        remove = QToolButton(row)
        remove.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton))
        remove.setAutoRaise(True)
        remove.setToolTip(self.tr("Remove this entry"))
        remove.clicked.connect(lambda: self._remove(edit))
        layout.addWidget(edit, 1)
        layout.addWidget(remove)
        self._rows.addWidget(row)
        self._edits.append(edit)
        return edit

    def _add_clicked(self) -> None:
        self.add_row().setFocus()

    def _remove(self, edit: QLineEdit) -> None:
        if edit not in self._edits:
            return
        self._edits.remove(edit)
        row = edit.parentWidget()
        self._rows.removeWidget(row)
        row.hide()
        row.deleteLater()


class CustomerEditor(QDialog):
    """Create (``customer_id=None``) or edit a customer.

    Signals:
        saved: the customer was saved (its id); the dialog then closes as accepted.
    """

    saved = Signal(int)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None, customer_id: CustomerId | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.saved_id: CustomerId | None = None
        customer = paydesk.customers.get(customer_id) if customer_id is not None else paydesk.customers.new()
        self._customer = customer
        company = paydesk.company.get()
        default_term = company.payment_term_days if company else 30
        self.setWindowTitle(self.tr("New customer") if customer_id is None
                            else self.tr("Customer %1").replace("%1", f"{customer.number} {customer.name}"))

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.number = QLineEdit(self)
        self.name = QLineEdit(self)
        self.name.setMinimumWidth(260)
        self.contact_person = QLineEdit(self)
        self.emails = LineListEditor(self.tr("Add email"), self.tr("name@example.com"), self)
        self.street = QLineEdit(self)
        self.postal_code = QLineEdit(self)
        self.postal_code.setMaximumWidth(110)
        self.city = QLineEdit(self)
        self.country = country_combo(self, self.tr("(no country)"))
        self.language = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.vat_id = QLineEdit(self)
        self.vat_id.setPlaceholderText(self.tr("e.g. ESB58378431"))
        self.ibans = LineListEditor(self.tr("Add IBAN"), self.tr("IBAN the customer pays from"), self, min_chars=30)
        self.payment_term = QSpinBox(self)
        self.payment_term.setRange(-1, MAX_PAYMENT_TERM_DAYS)
        self.payment_term.setSpecialValueText(self.tr("Company default (%1 days)").replace("%1", str(default_term)))
        self.payment_term.setSuffix(self.tr(" days"))
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)

        who = QGroupBox(self.tr("Customer"), self)
        who_form = QFormLayout(who)
        who_form.addRow(self.tr("Customer number"), e.wrap("number", self.number, self.tr("Customer number")))
        who_form.addRow(self.tr("Name"), e.wrap("name", self.name, self.tr("Name")))
        who_form.addRow(self.tr("Contact person"), self.contact_person)
        who_form.addRow(self.tr("Email addresses"), self.emails)
        e.bind_list("emails", self.emails.widget_at, self.tr("Email"))

        where = QGroupBox(self.tr("Address"), self)
        where_form = QFormLayout(where)
        where_form.addRow(self.tr("Street"), self.street)
        city_row = QHBoxLayout()
        city_row.addWidget(self.postal_code)
        city_row.addWidget(self.city, 1)
        where_form.addRow(self.tr("Postal code, city"), city_row)
        where_form.addRow(self.tr("Country"), e.wrap("country", self.country, self.tr("Country")))

        billing = QGroupBox(self.tr("Invoicing"), self)
        billing_form = QFormLayout(billing)
        billing_form.addRow(self.tr("Document language"), e.wrap("language", self.language, self.tr("Document language")))
        billing_form.addRow(self.tr("VAT ID"), e.wrap("vat_id", self.vat_id, self.tr("VAT ID")))
        billing_form.addRow(self.tr("Payment term"),
                            e.wrap("payment_term_days", self.payment_term, self.tr("Payment term")))
        billing_form.addRow(self.tr("Known IBANs"), self.ibans)
        e.bind_list("ibans", self.ibans.widget_at, self.tr("IBAN"))

        notes = QGroupBox(self.tr("Notes"), self)
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.notes)

        for form in (who_form, where_form, billing_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        grid = QGridLayout()
        grid.addWidget(who, 0, 0)
        grid.addWidget(where, 1, 0)
        grid.addWidget(billing, 0, 1)
        grid.addWidget(notes, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self._fill(customer)
        self.name.setFocus()

    def _fill(self, customer: Customer) -> None:
        self.number.setText(customer.number)
        self.name.setText(customer.name)
        self.contact_person.setText(customer.contact_person)
        self.emails.set_values(customer.emails)
        self.street.setText(customer.street)
        self.postal_code.setText(customer.postal_code)
        self.city.setText(customer.city)
        select_data(self.country, customer.country)
        select_data(self.language, customer.language if customer.language in LANGUAGES else DEFAULT_LANGUAGE)
        self.vat_id.setText(customer.vat_id)
        self.ibans.set_values(customer.ibans)
        self.payment_term.setValue(-1 if customer.payment_term_days is None else customer.payment_term_days)
        self.notes.setPlainText(customer.notes)

    def customer(self) -> Customer:
        """The customer as the form shows it (not yet validated)."""
        term = self.payment_term.value()
        return Customer(
            number=self.number.text(), name=self.name.text(), contact_person=self.contact_person.text(),
            emails=[v for v in self.emails.values() if v.strip()], street=self.street.text(),
            postal_code=self.postal_code.text(), city=self.city.text(), country=str(self.country.currentData() or ""),
            language=str(self.language.currentData()), vat_id=self.vat_id.text(),
            ibans=[v for v in self.ibans.values() if v.strip()], payment_term_days=None if term < 0 else term,
            notes=self.notes.toPlainText(), id=self._customer.id,
        )

    def save(self) -> bool:
        """Validate and save through the service; on a problem mark the fields and stay open."""
        try:
            customer_id = self._paydesk.customers.save(self.customer())
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.errors.clear()
        self.saved_id = customer_id
        self.saved.emit(customer_id)
        self.accept()
        return True
