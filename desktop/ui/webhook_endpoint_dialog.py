"""Settings › Webhooks › Add/Edit: one endpoint's URL (https, or http for localhost), description,
whether it is active, and the events it receives (checkboxes, select all/none). The URL's problem
is shown at the field; a new endpoint's signing secret goes to the keyring (or, without one and
with the user's consent, is kept for this session only)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import events as ev
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.events import EVENT_TYPES
from desktop.services.secrets import SecretsUnavailable
from desktop.services.webhooks import Endpoint, WebhookService
from desktop.ui import messages
from desktop.ui.field_errors import FieldErrors


def _tr(text: str) -> str:
    return QCoreApplication.translate("webhook_events", text)


def event_label(event_type: str) -> str:
    """The event's name for the user (translated; ``EVENT_LABELS`` for a type this list lacks)."""
    labels = {
        ev.INVOICE_FINALIZED: _tr("Invoice finalized"), ev.INVOICE_SENT: _tr("Invoice sent"),
        ev.INVOICE_PAID: _tr("Invoice paid"), ev.INVOICE_PARTIALLY_PAID: _tr("Invoice partially paid"),
        ev.INVOICE_OVERDUE: _tr("Invoice overdue"), ev.INVOICE_VOIDED: _tr("Invoice voided"),
        ev.REMINDER_SENT: _tr("Reminder sent"), ev.PAYMENT_RECEIVED: _tr("Payment received"),
        ev.CUSTOMER_ON_HOLD: _tr("Customer on hold"), ev.SUBSCRIPTION_RENEWED: _tr("Subscription renewed"),
        ev.PING: _tr("Test (ping)"),
    }
    return labels.get(event_type) or ev.EVENT_LABELS.get(event_type, event_type)


class EndpointDialog(QDialog):
    """Adds (``endpoint`` None) or edits an endpoint; ``accept()``ed once saved.

    Signals:
        saved: (endpoint id, the new signing secret or "" when editing) after a successful save.
        session_only: (endpoint id) the secret is kept for this session only (no keyring).
    """

    saved = Signal(int, str)

    def __init__(self, service: WebhookService, endpoint: Endpoint | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._endpoint = endpoint
        self.secret_session_only = False
        self.setWindowTitle(self.tr("Add webhook endpoint") if endpoint is None else self.tr("Edit webhook endpoint"))
        self.setMinimumWidth(560)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        self.url = QLineEdit(endpoint.url if endpoint else "", self)
        self.url.setPlaceholderText(self.tr("https://crm.example.com/hooks/paydesk"))
        self.description = QLineEdit(endpoint.description if endpoint else "", self)
        self.description.setPlaceholderText(self.tr("Optional: which tool receives these events"))
        self.active = QCheckBox(self.tr("Active: send events to this address"), self)
        self.active.setChecked(endpoint.active if endpoint else True)

        self.events_box = QGroupBox(self.tr("Events to send"), self)
        grid = QGridLayout(self.events_box)
        chosen = set(endpoint.events) if endpoint else set(EVENT_TYPES)
        self.event_checks: dict[str, QCheckBox] = {}
        half = (len(EVENT_TYPES) + 1) // 2
        for index, event_type in enumerate(EVENT_TYPES):
            check = QCheckBox(event_label(event_type), self.events_box)
            check.setToolTip(event_type)
            check.setChecked(event_type in chosen)
            check.toggled.connect(lambda _on: self.errors.clear_field("events"))
            self.event_checks[event_type] = check
            grid.addWidget(check, index % half, index // half)
        self.all_button = QPushButton(self.tr("Select &all"), self.events_box)
        self.all_button.clicked.connect(lambda: self.select_events(True))
        self.none_button = QPushButton(self.tr("Select &none"), self.events_box)
        self.none_button.clicked.connect(lambda: self.select_events(False))
        choose = QHBoxLayout()
        choose.addWidget(self.all_button)
        choose.addWidget(self.none_button)
        choose.addStretch(1)
        grid.addLayout(choose, half, 0, 1, 2)

        form = QFormLayout()
        form.addRow(self.tr("URL"), self.errors.wrap("url", self.url, self.tr("URL")))
        form.addRow(self.tr("Description"), self.description)
        form.addRow("", self.active)
        note = QLabel(self.tr("Each event is a JSON POST signed with HMAC-SHA256 (header Paydesk-Signature). "
                              "Plain http:// is allowed only for a receiver on this computer (localhost)."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.wrap("events", self.events_box, self.tr("Events")))
        layout.addWidget(note)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def select_events(self, on: bool) -> None:
        for check in self.event_checks.values():
            check.setChecked(on)

    def chosen_events(self) -> list[str]:
        return [event_type for event_type, check in self.event_checks.items() if check.isChecked()]

    def save(self) -> bool:
        endpoint_id = self._endpoint.id if self._endpoint else None
        values = (self.url.text(), self.chosen_events(), self.active.isChecked(), self.description.text())
        try:
            try:
                new_id, secret = self._service.save(*values, endpoint_id=endpoint_id)
            except SecretsUnavailable as error:
                if not messages.confirm(self, self.tr("No password store"), str(error), self.tr("Use for this session only")):
                    self.errors.show_message(self.tr("Nothing was saved: Paydesk needs somewhere to keep the signing secret."))
                    return False
                new_id, secret = self._service.save(*values, endpoint_id=endpoint_id, session_only=True)  # type: ignore[call-arg]
                self.secret_session_only = True
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.saved.emit(new_id, secret or "")
        self.accept()
        return True
