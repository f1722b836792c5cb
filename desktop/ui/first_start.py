"""The first start on a database without a company: set one up, or explore a demo company."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class FirstStartChoice(Enum):
    SET_UP = "set_up"
    DEMO = "demo"
    LATER = "later"


class FirstStartDialog(QDialog):
    """``choice`` says which button closed the dialog (``LATER`` when it was just closed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = FirstStartChoice.LATER
        self.setWindowTitle(self.tr("Welcome to Paydesk"))
        self.setMinimumWidth(520)
        title = QLabel(self.tr("<h2>Welcome to Paydesk</h2>"), self)
        text = QLabel(self.tr(
            "Invoices need an issuer: set up your company (name, address, VAT ID, bank account) to start writing "
            "invoices.\n\nOr explore first with a demo company full of customers, invoices and payments. The demo "
            "goes into this database, so keep your real books in another file."), self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.set_up_button = QPushButton(self.tr("Set up my company…"), self)
        self.demo_button = QPushButton(self.tr("Explore with a demo company"), self)
        self.later_button = QPushButton(self.tr("Later"), self)
        self.set_up_button.setDefault(True)
        self.set_up_button.clicked.connect(lambda: self._choose(FirstStartChoice.SET_UP))
        self.demo_button.clicked.connect(lambda: self._choose(FirstStartChoice.DEMO))
        self.later_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.set_up_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addSpacing(12)
        layout.addLayout(buttons)

    def _choose(self, choice: FirstStartChoice) -> None:
        self.choice = choice
        self.accept()
