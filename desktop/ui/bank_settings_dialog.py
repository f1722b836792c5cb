"""The knobs of matching: when Paydesk books a payment on its own, and how small a difference it
offers to write off."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.matching import MatchSettings
from desktop.services.paydesk import Paydesk
from desktop.ui.field_errors import FieldErrors
from desktop.ui.formatting import parse_decimal


class BankSettingsDialog(QDialog):
    """Threshold, margin and write-off tolerance; saved through the service (audited)."""

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.current: MatchSettings = paydesk.bank.settings()
        self.setWindowTitle(self.tr("Matching settings"))
        self.setMinimumWidth(480)
        self.summary = QLabel(self)
        self.errors = FieldErrors(self, summary=self.summary)
        e = self.errors

        self.threshold = QSpinBox(self)
        self.threshold.setRange(0, 100)
        self.threshold.setValue(self.current.auto_threshold)
        self.threshold.setSuffix(self.tr(" points"))
        self.margin = QSpinBox(self)
        self.margin.setRange(0, 100)
        self.margin.setValue(self.current.margin)
        self.margin.setSuffix(self.tr(" points"))
        self.tolerance = QLineEdit(str(self.current.write_off_tolerance), self)
        for field in (self.threshold, self.margin, self.tolerance):
            field.setMaximumWidth(130)

        intro = QLabel(self.tr(
            "Paydesk books a payment on its own only when its best suggestion scores at least the threshold "
            "and beats the next one by the margin; everything else waits for you in “Needs review”."), self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Book automatically from"), e.wrap("auto_threshold", self.threshold, self.tr("Threshold")))
        form.addRow(self.tr("Lead over the next suggestion"), e.wrap("margin", self.margin, self.tr("Margin")))
        form.addRow(self.tr("Offer to write off up to"),
                    e.wrap("write_off_tolerance", self.tolerance, self.tr("Write-off tolerance")))
        hint = QLabel(self.tr("A payment this much below the open amount (in the payment's currency) can be accepted "
                              "with the difference written off (Ctrl+Return)."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        try:
            tolerance = parse_decimal(self.tolerance.text())
        except ValueError:
            self.errors.show(ValidationError({"write_off_tolerance": self.tr("Enter an amount such as 1.00.")}))
            return False
        value = replace(self.current, auto_threshold=self.threshold.value(), margin=self.margin.value(),
                        write_off_tolerance=tolerance)
        try:
            self._paydesk.bank.save_settings(value)
        except ValidationError as error:
            self.errors.show(error)
            return False
        except PaydeskError as error:
            self.errors.show_message(error)
            return False
        self.accept()
        return True
