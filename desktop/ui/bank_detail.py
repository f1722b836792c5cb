"""The detail panel of the bank review: every field of the selected transaction, the raw bank text,
and Paydesk's suggestions best first, each with its customer, invoices, score and reasons.

One suggestion is highlighted; the review page's keyboard actions (accept, reject) act on it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QMouseEvent, QTextOption
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.bank import TransactionState
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching import Suggestion
from desktop.domain.money import ZERO
from desktop.services.bank_review import TransactionDetail
from desktop.services.paydesk import Paydesk
from desktop.ui.bank_table import category_text, state_text
from desktop.ui.formatting import date_text, money

CARD_STYLE = (
    "SuggestionCard { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }"
    "SuggestionCard[current=\"true\"] { border: 2px solid palette(highlight); }"
)
WARNING_COLOR = "#a15c00"
CREDIT_COLOR = "#1565c0"
OUTGOING_COLOR = "#c62828"
MATCHED_COLOR = "#2e7d32"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    number: str
    amount: Decimal  # allocated by the suggestion
    open_amount: Decimal  # open before it


@dataclass(frozen=True, slots=True)
class ShownSuggestion:
    """A suggestion with the names a person reads instead of ids."""

    suggestion: Suggestion
    customer: str
    invoices: tuple[InvoiceLine, ...]
    currency: str


def resolve(paydesk: Paydesk, detail: TransactionDetail, suggestions: list[Suggestion]) -> list[ShownSuggestion]:
    """Invoice numbers and customer names for the suggestions (one query for all their invoices)."""
    wanted = [InvoiceId(a.invoice_id) for s in suggestions for a in s.allocations]
    summaries = paydesk.invoices.summaries(wanted) if wanted else {}
    names: dict[int, str] = {}
    shown = []
    for suggestion in suggestions:
        lines = []
        customer = ""
        for allocation in suggestion.allocations:
            summary = summaries.get(InvoiceId(allocation.invoice_id))
            if summary is None:
                lines.append(InvoiceLine("#" + str(allocation.invoice_id), allocation.amount, ZERO))
                continue
            customer = customer or f"{summary.customer_name} ({summary.customer_number})"
            lines.append(InvoiceLine(summary.number or "", allocation.amount, summary.open_amount))
        if not customer:
            customer = names.get(suggestion.customer_id) or _customer_label(paydesk, suggestion.customer_id)
            names[suggestion.customer_id] = customer
        shown.append(ShownSuggestion(suggestion, customer, tuple(lines), suggestion.currency or detail.tx.currency))
    return shown


def _customer_label(paydesk: Paydesk, customer_id: CustomerId) -> str:
    try:
        customer = paydesk.customers.get(customer_id)
    except PaydeskError:
        return "#" + str(customer_id)
    return f"{customer.name} ({customer.number})"


class SuggestionCard(QFrame):
    """One suggestion as a card; a click highlights it.

    Signals:
        clicked: the card's index in the list.
    """

    clicked = Signal(int)

    def __init__(self, index: int, shown: ShownSuggestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.shown = shown
        self.setProperty("current", False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.label.setText(self._html())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.label)

    def set_current(self, current: bool) -> None:
        self.setProperty("current", current)
        self.style().unpolish(self)
        self.style().polish(self)

    def is_current(self) -> bool:
        return bool(self.property("current"))

    def text(self) -> str:
        """The card as plain text (for tests and screen readers)."""
        return self.label.text()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.index)
        super().mousePressEvent(event)

    def _html(self) -> str:
        s, currency = self.shown.suggestion, self.shown.currency
        e = html.escape
        title = self.tr("{number}. {customer}").format(number=self.index + 1, customer=f"<b>{e(self.shown.customer)}</b>")
        score = self.tr("score {score}").format(score=s.score)
        parts = [f"<div>{title} &nbsp;<span style='color: palette(placeholder-text);'>{e(score)}</span></div>"]
        if self.shown.invoices:
            rows = []
            for line in self.shown.invoices:
                text = self.tr("Invoice {number}: {amount} {currency}").format(
                    number=e(line.number), amount=money(line.amount, currency), currency=currency)
                if line.open_amount and line.open_amount != line.amount:
                    text += " " + self.tr("(open {amount})").format(amount=money(line.open_amount, currency))
                rows.append(f"<div>{text}</div>")
            parts.append("".join(rows))
        else:
            parts.append("<div>" + e(self.tr("No invoice: the whole amount becomes customer credit")) + "</div>")
        if s.reasons:
            items = "".join(f"<li>{e(r.text)} <span style='color: palette(placeholder-text);'>+{r.score}</span></li>"
                            for r in s.reasons)
            parts.append(f"<ul style='margin-left: -24px; margin-top: 4px; margin-bottom: 0;'>{items}</ul>")
        if s.credit > 0:
            text = self.tr("{amount} {currency} stays as credit").format(amount=money(s.credit, currency), currency=currency)
            parts.append(f"<div style='color: {CREDIT_COLOR};'>{e(text)}</div>")
        if s.shortfall > 0:
            text = self.tr("{amount} {currency} stays open — write it off? (Ctrl+Return)").format(
                amount=money(s.shortfall, currency), currency=currency)
            parts.append(f"<div style='color: {WARNING_COLOR};'>{e(text)}</div>")
        return "".join(parts)


class BankDetail(QWidget):
    """The selected transaction in full: its title, decision buttons and suggestions on the left,
    every field and the raw bank text on the right. The page gives it its buttons (``set_buttons``).

    Signals:
        current_changed: the highlighted suggestion's index (-1: none).
    """

    current_changed = Signal(int)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self.detail: TransactionDetail | None = None
        self.cards: list[SuggestionCard] = []
        self._current = -1
        self.left_scroll, left = _scrolled(self)
        self.right_scroll, right = _scrolled(self)
        left.setStyleSheet(CARD_STYLE)
        self.cards_parent = left

        self.title = QLabel(left)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome = QLabel(left)
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = QWidget(left)
        self.buttons_layout = QVBoxLayout(self.buttons)
        self.buttons_layout.setContentsMargins(0, 2, 0, 2)
        self.buttons_layout.setSpacing(4)
        self.suggestions_title = QLabel(left)
        self.suggestions_title.setStyleSheet("font-weight: bold; margin-top: 4px;")
        self.suggestions_title.setWordWrap(True)
        self.suggestions_box = QVBoxLayout()
        self.suggestions_box.setSpacing(6)

        self.fields_title = QLabel(self.tr("Details"), right)
        self.fields_title.setStyleSheet("font-weight: bold;")
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        for key, title in self._field_titles():
            value = QLabel(right)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.values[key] = value
            self.form.addRow(title, value)

        self.raw_toggle = QToolButton(right)
        self.raw_toggle.setText(self.tr("Bank text as received"))
        self.raw_toggle.setCheckable(True)
        self.raw_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.raw_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.raw_toggle.setAutoRaise(True)
        self.raw_toggle.toggled.connect(self._toggle_raw)
        self.raw = QPlainTextEdit(right)
        self.raw.setReadOnly(True)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.raw.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # camt fragments are one long line
        self.raw.setMinimumHeight(160)
        self.raw.setVisible(False)

        column = QVBoxLayout(left)
        column.setContentsMargins(4, 4, 8, 4)
        column.addWidget(self.title)
        column.addWidget(self.outcome)
        column.addWidget(self.buttons)
        column.addWidget(self.suggestions_title)
        column.addLayout(self.suggestions_box)
        column.addStretch(1)
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 4, 4, 4)
        column.addWidget(self.fields_title)
        column.addLayout(self.form)
        column.addWidget(self.raw_toggle)
        column.addWidget(self.raw)
        column.addStretch(1)

        self.empty = QLabel(self.tr("Select a transaction to see its details and Paydesk's suggestions."), self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 30px;")
        self.content = QSplitter(Qt.Orientation.Horizontal, self)
        self.content.addWidget(self.left_scroll)
        self.content.addWidget(self.right_scroll)
        self.content.setStretchFactor(0, 3)
        self.content.setStretchFactor(1, 2)
        self.content.setChildrenCollapsible(False)
        self.content.setSizes([600, 400])
        self.left_scroll.setMinimumWidth(300)
        self.right_scroll.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.content, 1)
        self.show_transaction(None)

    def _field_titles(self) -> list[tuple[str, str]]:
        return [
            ("booking_date", self.tr("Booking date")), ("value_date", self.tr("Value date")),
            ("amount", self.tr("Amount")), ("counterparty", self.tr("Counterparty")), ("iban", self.tr("IBAN")),
            ("bic", self.tr("BIC")), ("remittance", self.tr("Remittance")), ("reference", self.tr("Creditor reference")),
            ("bank_reference", self.tr("Bank reference")), ("end_to_end", self.tr("End-to-end id")),
            ("bank_code", self.tr("Bank code")), ("statement", self.tr("Statement file")),
        ]

    # --- public -----------------------------------------------------------------------------
    def set_buttons(self, rows: list[QWidget]) -> None:
        """The page's action buttons, shown under the transaction's title."""
        for row in rows:
            self.buttons_layout.addWidget(row)

    def show_transaction(self, detail: TransactionDetail | None, suggestions: list[Suggestion] | None = None) -> None:
        self.detail = detail
        self.empty.setVisible(detail is None)
        self.content.setVisible(detail is not None)
        self._clear_cards()
        if detail is None:
            self._set_current(-1)
            return
        tx, row = detail.tx, detail.row
        color = f" style='color: {OUTGOING_COLOR};'" if tx.amount < 0 else ""
        amount = f"{money(tx.amount, tx.currency)} {tx.currency}"
        who = html.escape(tx.counterparty_name or self.tr("(no name)"))
        title = (f"<span style='font-size: 15pt; font-weight: bold;'{color}>{html.escape(amount)}</span>"
                 f"&nbsp;&nbsp;<span style='font-size: 12pt;'>{who}</span><br><span style='color: palette(placeholder-text);'>"
                 f"{html.escape(date_text(tx.booking_date))} · {html.escape(state_text(row.state))}</span>")
        self.title.setText(title)  # markup around translated and bank texts
        self.outcome.setText(self._outcome_text(detail))
        matched = row.state is TransactionState.MATCHED
        self.outcome.setStyleSheet(f"color: {MATCHED_COLOR}; font-weight: bold;" if matched
                                   else "color: palette(placeholder-text);")
        self.outcome.setVisible(bool(self.outcome.text()))
        values = {
            "booking_date": date_text(tx.booking_date), "value_date": date_text(tx.value_date), "amount": amount,
            "counterparty": tx.counterparty_name, "iban": tx.counterparty_iban, "bic": tx.counterparty_bic,
            "remittance": tx.remittance, "reference": tx.structured_reference, "bank_reference": tx.bank_reference,
            "end_to_end": tx.end_to_end_id, "bank_code": tx.bank_code,
            "statement": self.tr("{file} ({format})").format(file=detail.file_name, format=detail.format),
        }
        if tx.instructed_amount is not None:
            values["amount"] += " " + self.tr("(sent as {amount} {currency})").format(
                amount=money(tx.instructed_amount, tx.instructed_currency), currency=tx.instructed_currency)
        for key, value in values.items():
            self.values[key].setText(value or "—")
        self.raw.setPlainText(tx.raw)
        self.raw_toggle.setVisible(bool(tx.raw))
        self.raw.setVisible(bool(tx.raw) and self.raw_toggle.isChecked())
        self._show_suggestions(detail, suggestions or [])
        self.left_scroll.verticalScrollBar().setValue(0)
        self.right_scroll.verticalScrollBar().setValue(0)

    def current_index(self) -> int:
        """The highlighted suggestion (-1: none)."""
        return self._current

    def current_suggestion(self) -> Suggestion | None:
        return self.cards[self._current].shown.suggestion if 0 <= self._current < len(self.cards) else None

    def step(self, steps: int) -> None:
        """Highlight the next (1) or previous (-1) suggestion."""
        if self.cards:
            self._set_current(max(0, min(len(self.cards) - 1, self._current + steps)))

    def select_suggestion(self, index: int) -> None:
        if 0 <= index < len(self.cards):
            self._set_current(index)

    def toggle_raw(self) -> None:
        self.raw_toggle.toggle()

    # --- inside -----------------------------------------------------------------------------
    def _outcome_text(self, detail: TransactionDetail) -> str:
        row = detail.row
        if row.state is TransactionState.MATCHED:
            booked = ", ".join(row.invoices) or self.tr("customer credit")
            who = self.tr("by you") if detail.matched_by == "user" else self.tr("automatically")
            text = self.tr("Booked {how} to {invoices}").format(how=who, invoices=booked)
            if row.customer_name:
                text += " — " + row.customer_name
            return text
        if row.state is TransactionState.IGNORED:
            text = self.tr("Ignored: {category}").format(category=category_text(row.category) or self.tr("other"))
            return f"{text} — {row.note}" if row.note else text
        if detail.tx.amount < 0:
            return self.tr("Money going out: nothing to match. Ignore it (Ctrl+I) to clear it from the list.")
        return row.note

    def _show_suggestions(self, detail: TransactionDetail, suggestions: list[Suggestion]) -> None:
        shown = resolve(self._paydesk, detail, suggestions)
        if detail.row.state is TransactionState.MATCHED:
            title = self.tr("What Paydesk had suggested") if shown else ""
        elif shown:
            title = self.tr("Suggestions, best first")
        elif detail.tx.amount > 0 and detail.row.state is not TransactionState.IGNORED:
            title = self.tr("No suggestion. Book it by hand (Ctrl+B): search any open invoice by number, customer or amount.")
        else:
            title = ""
        self.suggestions_title.setText(title)
        self.suggestions_title.setStyleSheet("font-weight: bold; margin-top: 4px;" if shown
                                             else "color: palette(placeholder-text); margin-top: 4px;")
        self.suggestions_title.setVisible(bool(title))
        for index, item in enumerate(shown):
            card = SuggestionCard(index, item, self.cards_parent)
            card.clicked.connect(self._set_current)
            self.suggestions_box.addWidget(card)
            self.cards.append(card)
        self._set_current(0 if self.cards and detail.row.state is not TransactionState.MATCHED else -1)

    def _clear_cards(self) -> None:
        for card in self.cards:
            self.suggestions_box.removeWidget(card)
            card.deleteLater()
        self.cards = []

    def _set_current(self, index: int) -> None:
        self._current = index
        for card in self.cards:
            card.set_current(card.index == index)
        if 0 <= index < len(self.cards):
            self.left_scroll.ensureWidgetVisible(self.cards[index])
        self.current_changed.emit(index)

    def _toggle_raw(self, shown: bool) -> None:
        self.raw_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.raw.setVisible(shown)


def _scrolled(parent: QWidget) -> tuple[QScrollArea, QWidget]:
    """A frameless vertical scroll area and the widget inside it."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body = QWidget(area)
    area.setWidget(body)
    return area, body
