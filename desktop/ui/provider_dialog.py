"""Settings › Payment provider: how reminders get their pay link — Stripe, Mollie, a URL
template for any other provider, or none; the API key lives in the system keyring (or for this
session only when there is none)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.services.provider_settings import (
    API_PROVIDERS,
    PLACEHOLDERS,
    ProviderKind,
    ProviderSettings,
    ProviderSettingsService,
    render_template,
    validate,
)
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui.field_errors import ERROR_COLOR, FieldErrors
from desktop.ui.mail_settings_dialog import OK_COLOR
from desktop.ui.payment_methods_table import PaymentMethodsTable
from desktop.ui.secret_prompt import secret_state, store_secret
from desktop.ui.tasks import TaskRunner

SAMPLE = {"number": "2026-0001", "amount": "123.45", "currency": "EUR", "reference": "RF18539007547034", "customer": "1001"}


class ProviderDialog(QDialog):
    """Edits the pay link settings; ``Test connection`` asks the provider in the background."""

    def __init__(self, service: ProviderSettingsService, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self.setWindowTitle(self.tr("Payment provider"))
        self.setMinimumWidth(620)
        self.current = service.get()
        self._base_urls = {ProviderKind.STRIPE: self.current.stripe_base_url, ProviderKind.MOLLIE: self.current.mollie_base_url}
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.provider = QComboBox(self)
        for text, kind in ((self.tr("None: reminders without a pay link"), ProviderKind.NONE),
                           (self.tr("Stripe"), ProviderKind.STRIPE), (self.tr("Mollie"), ProviderKind.MOLLIE),
                           (self.tr("Another provider: a link made from a template"), ProviderKind.URL_TEMPLATE)):
            self.provider.addItem(text, kind.value)
        self._kind = self.current.provider
        self.provider.setCurrentIndex(self.provider.findData(self._kind.value))

        # Stripe / Mollie
        self.api_group = QGroupBox(self.tr("Account"), self)
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_state = QLabel(self)
        self.key_state.setStyleSheet("color: palette(placeholder-text);")
        self.forget_key = QPushButton(self.tr("Forget key"), self)
        self.forget_key.clicked.connect(self.forget_api_key)
        key_state_row = QHBoxLayout()
        key_state_row.setContentsMargins(0, 0, 0, 0)
        key_state_row.addWidget(self.key_state, 1)
        key_state_row.addWidget(self.forget_key)
        key_box = QWidget(self)
        key_layout = QVBoxLayout(key_box)
        key_layout.setContentsMargins(0, 0, 0, 0)
        key_layout.setSpacing(2)
        key_layout.addWidget(e.wrap("api_key", self.api_key, self.tr("API key")))
        key_layout.addLayout(key_state_row)
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText(self.tr("Leave empty for the provider's own address"))
        self.redirect_url = QLineEdit(self.current.redirect_url, self)
        self.redirect_url.setPlaceholderText(self.tr("Optional: https://example.com/thank-you"))
        self.methods = PaymentMethodsTable(self)
        self.methods.set_methods(self.current.methods)
        api_form = QFormLayout(self.api_group)
        api_form.addRow(self.tr("Secret API key"), key_box)
        self._base_url_box = e.wrap("base_url", self.base_url, self.tr("API address"))
        api_form.addRow(self.tr("API address"), self._base_url_box)
        for name in ("stripe_base_url", "mollie_base_url"):
            e.bind(name, self.base_url, self.tr("API address"), self._base_url_box.findChild(QLabel))
        api_form.addRow(self.tr("After paying, go to"), e.wrap("redirect_url", self.redirect_url, self.tr("After paying, go to")))
        api_form.addRow(self.tr("Payment methods"), self.methods)

        # URL template
        self.template_group = QGroupBox(self.tr("Link template"), self)
        self.url_template = QLineEdit(self.current.url_template, self)
        self.url_template.setPlaceholderText(self.tr("https://pay.example.com/?invoice={number}&amount={amount}"))
        placeholders = QLabel(self.tr(
            "Placeholders: {number} the invoice number(s), {amount} the amount to pay (such as 123.45), {currency} the "
            "currency code, {reference} the payment reference, {customer} the customer number."), self)
        placeholders.setWordWrap(True)
        placeholders.setTextFormat(Qt.TextFormat.PlainText)
        placeholders.setStyleSheet("color: palette(placeholder-text);")
        self.sample = QLabel(self)
        self.sample.setWordWrap(True)
        self.sample.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        template_form = QFormLayout(self.template_group)
        template_form.addRow(self.tr("Address"), e.wrap("url_template", self.url_template, self.tr("Link template")))
        template_form.addRow("", placeholders)
        template_form.addRow(self.tr("Sample"), self.sample)
        self.url_template.textChanged.connect(self._update_sample)

        self.test_button = QPushButton(self.tr("&Test connection"), self)
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addWidget(self.test_result, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        top = QFormLayout()
        top.addRow(self.tr("Pay links"), e.wrap("provider", self.provider, self.tr("Provider")))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.api_group)
        layout.addWidget(self.template_group)
        layout.addLayout(test_row)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.provider.currentIndexChanged.connect(self._provider_changed)
        self._show_provider()
        self._update_sample()

    # --- fields -----------------------------------------------------------------------------------
    def kind(self) -> ProviderKind:
        return ProviderKind(self.provider.currentData())

    def _provider_changed(self) -> None:
        if self._kind in API_PROVIDERS:
            self._base_urls[self._kind] = self.base_url.text().strip()
        self._kind = self.kind()
        self.errors.clear()
        self.test_result.clear()
        self._show_provider()

    def _show_provider(self) -> None:
        kind = self.kind()
        self.api_group.setVisible(kind in API_PROVIDERS)
        self.template_group.setVisible(kind is ProviderKind.URL_TEMPLATE)
        self.test_button.setEnabled(kind is not ProviderKind.NONE)
        if kind in API_PROVIDERS:
            self.api_group.setTitle(self.tr("{provider} account").format(provider=self.provider.currentText()))
            self.base_url.setText(self._base_urls.get(kind, ""))
            self.methods.set_available(self._service.available_methods(kind))
            self._show_key_state()
        self.adjustSize()

    def _show_key_state(self) -> None:
        kind = self.kind()
        stored = self._service.has_api_key(kind)
        self.key_state.setText(secret_state(stored, stored and self._service.api_key_is_session_only(kind)))
        self.api_key.setPlaceholderText(self.tr("Leave empty to keep the saved key") if stored else
                                        self.tr("sk_live_… or live_… from the provider's dashboard"))
        self.forget_key.setVisible(stored)

    def _update_sample(self) -> None:
        template = self.url_template.text().strip()
        try:
            validate(ProviderSettings(ProviderKind.URL_TEMPLATE, url_template=template))
        except ValidationError as error:
            self.sample.setStyleSheet(f"color: {ERROR_COLOR};")
            self.sample.setText(error.fields.get("url_template", str(error)))
            return
        self.sample.setStyleSheet("")
        self.sample.setText(render_template(template, {p: SAMPLE[p] for p in PLACEHOLDERS}))

    def settings(self) -> ProviderSettings:
        kind = self.kind()
        urls = dict(self._base_urls)
        if kind in API_PROVIDERS:
            urls[kind] = self.base_url.text().strip()
        return ProviderSettings(kind, urls[ProviderKind.STRIPE], urls[ProviderKind.MOLLIE], self.url_template.text().strip(),
                                self.redirect_url.text().strip(), self.methods.methods() if kind in API_PROVIDERS else
                                dict(self.current.methods))

    def _show_errors(self, error: ValidationError) -> None:
        self.methods.bind_errors(self.errors)
        self.errors.show(error)

    # --- key ----------------------------------------------------------------------------------------
    def _store_key(self) -> bool:
        """Keep a newly typed key; False when the user cancelled (no keyring, not for this session either)."""
        kind, key = self.kind(), self.api_key.text()
        if kind not in API_PROVIDERS or not key.strip():
            return True
        if not store_secret(self, lambda session_only: self._service.put_api_key(kind, key, session_only=session_only)):
            return False
        self.api_key.clear()
        self._show_key_state()
        return True

    def forget_api_key(self) -> None:
        self._service.delete_api_key(self.kind())
        self._show_key_state()

    # --- test ---------------------------------------------------------------------------------------
    def test_connection(self) -> None:
        """Tests the settings as shown; a newly typed key is kept first (the provider is asked with it)."""
        value, service = self.settings(), self._service
        self.errors.clear()
        try:
            validate(value)
            if not self._store_key():
                return
        except ValidationError as error:
            self._show_errors(error)
            return
        self.test_button.setEnabled(False)
        self._show_result(self.tr("Asking the provider…"), None)

        def work(_progress: ProgressCallback, _token: CancelToken) -> str:
            return service.test_connection(value)

        self._tasks.run(work, self._tested, on_failure=self._test_failed, title=self.tr("Testing the payment provider…"),
                        dialog_parent=self, cancellable=False)

    def _tested(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self._show_result(message, True)

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show_errors(error)
            self._show_result("", None)
            return
        self._show_result(str(error), False)

    def _show_result(self, text: str, ok: bool | None) -> None:
        color = "palette(text)" if ok is None else OK_COLOR if ok else ERROR_COLOR
        self.test_result.setStyleSheet(f"color: {color};")
        self.test_result.setText(text)

    # --- save ---------------------------------------------------------------------------------------
    def save(self) -> bool:
        value = self.settings()
        try:
            self._service.save(value)
            if not self._store_key():
                self.errors.show_message(self.tr(
                    "The settings were saved, but not the API key: pay links cannot be made until Paydesk has one."))
                return False
        except ValidationError as error:
            self._show_errors(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.accept()
        return True
