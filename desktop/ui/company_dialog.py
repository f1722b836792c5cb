"""The company that issues invoices: set up at first start, edited from File > Company settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.company import Company
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.numbering import format_number, pattern_problem
from desktop.services.company import check_logo
from desktop.services.paydesk import Paydesk
from desktop.ui.customer_editor import country_combo, select_data
from desktop.ui.field_errors import ERROR_COLOR, FieldErrors
from desktop.ui.formatting import FALLBACK_LOCALE, known_locale

LOGO_PREVIEW = (220, 90)


def currency_choices(ui_language: str) -> list[tuple[str, str]]:
    """(code, "EUR – Euro") for every ISO currency babel knows, sorted by code."""
    from babel.numbers import list_currencies

    names = known_locale(ui_language).currencies or known_locale(FALLBACK_LOCALE).currencies
    return [(code, f"{code} – {names.get(code, code)}") for code in sorted(list_currencies())]


class CompanyDialog(QDialog):
    """Who the company is, how it is paid and how it numbers its invoices.

    ``exec()`` returns ``Accepted`` once the company was saved.

    Signals:
        saved: the company was saved.
    """

    saved = Signal()

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        existing = paydesk.company.get()
        self._first_start = existing is None
        company = existing or Company(name="")
        self._logo: bytes | None = company.logo
        self.setWindowTitle(self.tr("Set up your company") if self._first_start else self.tr("Company settings"))

        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.name = QLineEdit(self)
        self.name.setMinimumWidth(280)
        self.street = QLineEdit(self)
        self.postal_code = QLineEdit(self)
        self.postal_code.setMaximumWidth(110)
        self.city = QLineEdit(self)
        self.country = country_combo(self, self.tr("(no country)"))
        self.vat_id = QLineEdit(self)
        self.email = QLineEdit(self)
        self.phone = QLineEdit(self)
        self.iban = QLineEdit(self)
        self.iban.setMinimumWidth(self.fontMetrics().horizontalAdvance("0" * 34) + 16)
        self.bic = QLineEdit(self)
        self.currency = QComboBox(self)
        for code, text in currency_choices(QLocale().name()):
            self.currency.addItem(text, code)
        self.currency.setMaxVisibleItems(20)
        self.payment_term = QSpinBox(self)
        self.payment_term.setRange(0, 365)
        self.payment_term.setSuffix(self.tr(" days"))
        self.invoice_pattern = QLineEdit(self)
        self.invoice_example = QLabel(self)
        self.credit_note_pattern = QLineEdit(self)
        self.credit_note_example = QLabel(self)
        self.logo_preview = QLabel(self)
        self.logo_preview.setFixedSize(*LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.choose_logo_button = QPushButton(self.tr("Choose…"), self)
        self.remove_logo_button = QPushButton(self.tr("Remove"), self)
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self.remove_logo)

        who = QGroupBox(self.tr("Company"), self)
        who_form = QFormLayout(who)
        who_form.addRow(self.tr("Name"), e.wrap("name", self.name, self.tr("Name")))
        who_form.addRow(self.tr("Street"), self.street)
        city_row = QHBoxLayout()
        city_row.addWidget(self.postal_code)
        city_row.addWidget(self.city, 1)
        who_form.addRow(self.tr("Postal code, city"), city_row)
        who_form.addRow(self.tr("Country"), e.wrap("country", self.country, self.tr("Country")))
        who_form.addRow(self.tr("VAT ID"), e.wrap("vat_id", self.vat_id, self.tr("VAT ID")))
        who_form.addRow(self.tr("Email"), e.wrap("email", self.email, self.tr("Email")))
        who_form.addRow(self.tr("Phone"), self.phone)

        bank = QGroupBox(self.tr("Bank account on invoices"), self)
        bank_form = QFormLayout(bank)
        bank_form.addRow(self.tr("IBAN"), e.wrap("iban", self.iban, self.tr("IBAN")))
        bank_form.addRow(self.tr("BIC"), e.wrap("bic", self.bic, self.tr("BIC")))

        logo = QGroupBox(self.tr("Logo"), self)
        logo_layout = QHBoxLayout(logo)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_layout.addWidget(e.wrap("logo", self.logo_preview, self.tr("Logo")), 0, Qt.AlignmentFlag.AlignTop)
        logo_layout.addLayout(logo_buttons)
        logo_layout.addStretch(1)

        numbers = QGroupBox(self.tr("Invoicing"), self)
        numbers_form = QFormLayout(numbers)
        numbers_form.addRow(self.tr("Default currency"), e.wrap("currency", self.currency, self.tr("Default currency")))
        numbers_form.addRow(self.tr("Default payment term"),
                            e.wrap("payment_term_days", self.payment_term, self.tr("Default payment term")))
        numbers_form.addRow(self.tr("Invoice numbers"),
                            self._pattern_box("invoice_pattern", self.invoice_pattern, self.invoice_example,
                                              self.tr("Invoice numbers")))
        numbers_form.addRow(self.tr("Credit note numbers"),
                            self._pattern_box("credit_note_pattern", self.credit_note_pattern, self.credit_note_example,
                                              self.tr("Credit note numbers")))
        help_text = QLabel(self.tr("Use {year}, {yy}, {month} and {seq}; {seq:05} pads the running number to five digits."),
                           self)
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: palette(placeholder-text);")
        numbers_form.addRow(help_text)

        for form in (who_form, bank_form, numbers_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        for groups in ((who, bank), (logo, numbers)):
            column = QVBoxLayout()
            for group in groups:
                column.addWidget(group)
            column.addStretch(1)
            columns.addLayout(column, 1)
        layout = QVBoxLayout(self)
        if self._first_start:
            welcome = QLabel(self.tr("Welcome to Paydesk. Enter your company's details: they appear on every invoice "
                                     "and can be changed later under File > Company settings."), self)
            welcome.setWordWrap(True)
            layout.addWidget(welcome)
        layout.addLayout(columns, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.invoice_pattern.textChanged.connect(self._update_examples)
        self.credit_note_pattern.textChanged.connect(self._update_examples)
        self._fill(company)
        self.name.setFocus()

    # --- public -----------------------------------------------------------------------------
    def company(self) -> Company:
        """The company as the form shows it (not yet validated)."""
        return Company(
            name=self.name.text(), street=self.street.text(), postal_code=self.postal_code.text(), city=self.city.text(),
            country=str(self.country.currentData() or ""), vat_id=self.vat_id.text(), iban=self.iban.text(),
            bic=self.bic.text(), email=self.email.text(), phone=self.phone.text(),
            currency=str(self.currency.currentData() or ""), payment_term_days=self.payment_term.value(),
            invoice_pattern=self.invoice_pattern.text().strip(), credit_note_pattern=self.credit_note_pattern.text().strip(),
            logo=self._logo,
        )

    def save(self) -> bool:
        """Validate and save through the service; on a problem mark the fields and stay open."""
        try:
            self._paydesk.company.save(self.company())
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.errors.clear()
        self.saved.emit()
        self.accept()
        return True

    def choose_logo(self) -> None:
        path = self._ask_logo_file()
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError as error:
            self.errors.show(ValidationError({"logo": self.tr("Cannot read %1 (%2).").replace("%1", path.name)
                                              .replace("%2", error.strerror or str(error))}))
            return
        try:
            check_logo(data)
        except ValidationError as error:
            self.errors.show(error)
            return
        self.errors.clear_field("logo")
        self.set_logo(data)

    def remove_logo(self) -> None:
        self.set_logo(None)

    def set_logo(self, data: bytes | None) -> None:
        self._logo = data
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(pixmap.scaled(self.logo_preview.size() * 0.95, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo"))
        self.remove_logo_button.setEnabled(data is not None)

    # --- inside -----------------------------------------------------------------------------
    def _ask_logo_file(self) -> Path | None:
        """Ask for a PNG or JPEG file (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a logo"), "",
                                              self.tr("Images (*.png *.jpg *.jpeg)"))
        return Path(name) if name else None

    def _pattern_box(self, field: str, edit: QLineEdit, example: QLabel, title: str) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.errors.bind(field, edit, title)  # the example below shows the problem, live
        layout.addWidget(edit)
        layout.addWidget(example)
        return box

    def _fill(self, company: Company) -> None:
        self.name.setText(company.name)
        self.street.setText(company.street)
        self.postal_code.setText(company.postal_code)
        self.city.setText(company.city)
        select_data(self.country, company.country)
        self.vat_id.setText(company.vat_id)
        self.email.setText(company.email)
        self.phone.setText(company.phone)
        self.iban.setText(company.iban)
        self.bic.setText(company.bic)
        select_data(self.currency, company.currency)
        self.payment_term.setValue(company.payment_term_days)
        self.invoice_pattern.setText(company.invoice_pattern)
        self.credit_note_pattern.setText(company.credit_note_pattern)
        self.set_logo(company.logo)
        self._update_examples()

    def _update_examples(self) -> None:
        today = self._paydesk.today()
        invoice, credit = self.invoice_pattern.text().strip(), self.credit_note_pattern.text().strip()
        for pattern, label, clash in ((invoice, self.invoice_example, False),
                                      (credit, self.credit_note_example, credit == invoice)):
            problem = pattern_problem(pattern)
            if problem is None and clash:
                problem = self.tr("credit notes need a pattern of their own, such as CN{year}-{seq:05}")
            if problem:
                label.setText(self.tr("Cannot be used: %1").replace("%1", problem))
                label.setStyleSheet(f"color: {ERROR_COLOR};")
            else:
                label.setText(self.tr("Example: %1").replace("%1", format_number(pattern, today, 1)))
                label.setStyleSheet("color: palette(placeholder-text);")
