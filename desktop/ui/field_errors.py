"""Showing a ``ValidationError`` where the user can act on it: at the field, plus a summary.

Usage in a dialog::

    self._errors = FieldErrors(self, summary=self._summary_label)
    form.addRow(self.tr("Name"), self._errors.wrap("name", self._name, self.tr("Name")))
    self._errors.bind("vat_id", self._vat_id, self.tr("VAT ID"))          # tooltip only, no label below
    self._errors.bind_list("emails", self._emails.widget_at, self.tr("Email"))  # emails[0], emails[1]...
    ...
    try:
        self._paydesk.customers.save(customer)
    except ValidationError as error:
        self._errors.show(error)      # red border + message at each field, summary below, focus first
        return

A marked widget clears itself on its next edit; ``clear()`` clears everything. Messages for field
names nobody bound still reach the summary, so no problem is ever swallowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import PaydeskError, ValidationError

ERROR_COLOR = "#c62828"
INVALID_PROPERTY = "paydeskInvalid"
_INDEXED = re.compile(r"^(?P<prefix>[A-Za-z_]+)\[(?P<index>\d+)\]$")


@dataclass(slots=True)
class _Binding:
    widget: QWidget
    title: str
    label: QLabel | None = None


@dataclass(slots=True)
class _ListBinding:
    resolve: Callable[[int], QWidget | None]
    title: str


@dataclass(slots=True)
class _Mark:
    widget: QWidget
    style: str
    tooltip: str
    label: QLabel | None
    signal: SignalInstance | None
    on_edit: Callable[..., None] | None
    message: str = ""


def error_label(parent: QWidget) -> QLabel:
    """A hidden, red, word-wrapped label for a field's message."""
    label = QLabel(parent)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class FieldErrors(QObject):
    """Maps validation field names (``name``, ``emails[1]``, ``allocations``) to widgets and marks them.

    ``summary``: an optional label that lists every problem (hidden while there is none).
    """

    def __init__(self, parent: QWidget, summary: QLabel | None = None) -> None:
        super().__init__(parent)
        self._summary = summary
        self._bindings: dict[str, _Binding] = {}
        self._lists: dict[str, _ListBinding] = {}
        self._marks: dict[str, _Mark] = {}
        if summary is not None:
            summary.setStyleSheet(f"color: {ERROR_COLOR};")
            summary.setWordWrap(True)
            summary.setVisible(False)

    # --- binding ----------------------------------------------------------------------------
    def bind(self, field: str, widget: QWidget, title: str = "", label: QLabel | None = None) -> None:
        """``field`` errors mark ``widget``; ``title`` names it in the summary; ``label`` shows the message."""
        self._bindings[field] = _Binding(widget, title or field, label)

    def bind_list(self, prefix: str, resolve: Callable[[int], QWidget | None], title: str = "") -> None:
        """``prefix[i]`` errors mark ``resolve(i)`` (the i-th entry of a list editor)."""
        self._lists[prefix] = _ListBinding(resolve, title or prefix)

    def wrap(self, field: str, widget: QWidget, title: str = "") -> QWidget:
        """Bind ``field`` and return ``widget`` in a container with its message label underneath."""
        container = QWidget(widget.parentWidget())
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = error_label(container)
        layout.addWidget(label)
        self.bind(field, widget, title, label)
        return container

    # --- showing ----------------------------------------------------------------------------
    def show(self, error: ValidationError) -> None:
        """Clear old marks, mark each named field, fill the summary and focus the first bad field."""
        self.clear()
        lines: list[str] = []
        first: QWidget | None = None
        for field, message in error.fields.items():
            widget, title, label = self._target(field)
            lines.append(f"{title}: {message}" if title else message)
            if widget is None:
                continue
            self._mark(field, widget, message, label)
            first = first or widget
        self._set_summary(self.tr("Please correct the marked fields; nothing was saved.") + "\n• " + "\n• ".join(lines))
        if first is not None:
            first.setFocus()

    def show_message(self, error: PaydeskError | str) -> None:
        """A problem that belongs to no field (the record is gone, the database is locked...)."""
        self.clear()
        self._set_summary(str(error))

    def clear(self) -> None:
        for field in list(self._marks):
            self.clear_field(field)
        self._set_summary("")

    def clear_field(self, field: str) -> None:
        mark = self._marks.pop(field, None)
        if mark is None:
            return
        if mark.signal is not None and mark.on_edit is not None:
            mark.signal.disconnect(mark.on_edit)
        remaining = [m.message for m in self._marks.values() if m.widget is mark.widget]
        if remaining:
            mark.widget.setToolTip("\n".join(remaining))
        else:
            mark.widget.setStyleSheet(mark.style)
            mark.widget.setToolTip(mark.tooltip)
            mark.widget.setProperty(INVALID_PROPERTY, False)
        if mark.label is not None:
            mark.label.clear()
            mark.label.setVisible(False)
        if not self._marks and self._summary is not None:
            self._set_summary("")

    # --- asking -----------------------------------------------------------------------------
    def message(self, field: str) -> str | None:
        """The message shown for ``field``, or ``None`` if it is not marked."""
        mark = self._marks.get(field)
        return mark.message if mark is not None else None

    def marked(self) -> list[str]:
        return list(self._marks)

    @staticmethod
    def is_marked(widget: QWidget) -> bool:
        return bool(widget.property(INVALID_PROPERTY))

    # --- inside -----------------------------------------------------------------------------
    def _target(self, field: str) -> tuple[QWidget | None, str, QLabel | None]:
        binding = self._bindings.get(field)
        if binding is not None:
            return binding.widget, binding.title, binding.label
        found = _INDEXED.match(field)
        if found is not None:
            listed = self._lists.get(found["prefix"])
            if listed is not None:
                index = int(found["index"])
                return listed.resolve(index), f"{listed.title} {index + 1}", None
            prefix = self._bindings.get(found["prefix"])
            if prefix is not None:
                return prefix.widget, prefix.title, prefix.label
        return None, "", None

    def _mark(self, field: str, widget: QWidget, message: str, label: QLabel | None) -> None:
        previous = next((m for m in self._marks.values() if m.widget is widget), None)
        style = previous.style if previous else widget.styleSheet()
        tooltip = previous.tooltip if previous else widget.toolTip()
        signal = _change_signal(widget)
        on_edit: Callable[..., None] | None = None
        if signal is not None:
            def on_edit(*_args: object) -> None:
                self._edited(widget)

            signal.connect(on_edit)
        self._marks[field] = _Mark(widget, style, tooltip, label, signal, on_edit, message)
        messages = [m.message for m in self._marks.values() if m.widget is widget]
        widget.setStyleSheet(f"{style}\n{type(widget).__name__} {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; }}")
        widget.setToolTip("\n".join(messages))
        widget.setProperty(INVALID_PROPERTY, True)
        if label is not None:
            label.setText(message)
            label.setVisible(True)

    def _edited(self, widget: QWidget) -> None:
        for field, mark in list(self._marks.items()):
            if mark.widget is widget:
                self.clear_field(field)

    def _set_summary(self, text: str) -> None:
        if self._summary is not None:
            self._summary.setText(text)
            self._summary.setVisible(bool(text))


def _change_signal(widget: QWidget) -> SignalInstance | None:
    """The signal that says the user changed the widget's value."""
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, QAbstractSpinBox):
        return getattr(widget, "textChanged", None)
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    return None
