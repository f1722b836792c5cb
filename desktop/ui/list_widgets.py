"""What every list page of the window is made of: a read-only table, and a hint that takes its
place when the list is empty."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
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


def size_sortable_columns(table: QTableView, samples: tuple[str, ...], padding: int = 20) -> None:
    """Fixed-height rows, columns wide enough for a typical value (``samples``, "" to leave one
    alone) or their title, and the model's sort shown and enabled (the model sorts in SQL)."""
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    metrics = table.fontMetrics()
    model = table.model()
    for column, sample in enumerate(samples):
        if sample:
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            table.setColumnWidth(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + padding)
    column, order = model.sort_state  # type: ignore[attr-defined]  # LazyTableModel
    header.setSortIndicator(column, order)
    table.setSortingEnabled(True)


def hint_page(parent: QWidget, hint: QLabel, button: QWidget) -> QWidget:
    """An empty list's page: the hint, and under it the button that gets the user started."""
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(hint)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addStretch(2)
    return page


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
