"""What every list page of the window is made of: a read-only table, and a hint that takes its
place when the list is empty."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

HINT_STYLE = "color: palette(placeholder-text); font-size: 13pt; padding: 40px;"


def read_only_table(parent: QWidget, model: QAbstractItemModel, multiple: bool = False) -> QTableView:
    """A table of whole rows, selected one (or several) at a time, never edited in place."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    mode = QAbstractItemView.SelectionMode.ExtendedSelection if multiple else QAbstractItemView.SelectionMode.SingleSelection
    table.setSelectionMode(mode)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    return table


def empty_state(parent: QWidget, table: QTableView) -> tuple[QLabel, QStackedWidget]:
    """A stack showing ``table``, or, when the caller switches to it, a centred hint label."""
    hint = QLabel(parent)
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    hint.setWordWrap(True)
    hint.setStyleSheet(HINT_STYLE)
    stack = QStackedWidget(parent)
    stack.addWidget(table)
    stack.addWidget(hint)
    return hint, stack


def lay_out_list_page(page: QWidget, search: QWidget, actions: list[QAction], stack: QStackedWidget, count: QLabel) -> None:
    """Search box and action buttons on top, the list (or its hint) in the middle, the count below."""
    bar = QHBoxLayout()
    bar.addWidget(search, 1)
    for action in actions:
        button = QToolButton(page)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(button)
    layout = QVBoxLayout(page)
    layout.addLayout(bar)
    layout.addWidget(stack, 1)
    layout.addWidget(count)
