"""The lazy table model: rows read page by page, sorting asked of the source, selection kept on sort."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from desktop.ui.lazy_table import Column, LazyTableModel


class Source:
    def __init__(self, values: dict[int, int]) -> None:
        self.values = values
        self.pages: list[list[int]] = []

    def ids(self, sort_key: str, descending: bool) -> list[int]:
        return sorted(self.values, key=lambda i: (self.values[i], i), reverse=descending)

    def rows(self, ids: list[int]) -> dict[int, int]:
        self.pages.append(list(ids))
        return {i: self.values[i] for i in ids if i in self.values}


def make(values: dict[int, int]) -> tuple[LazyTableModel[int], Source]:
    source = Source(values)
    columns = [Column("Value", str, "value", align_right=True), Column("Half", lambda v: str(v // 2))]
    model: LazyTableModel[int] = LazyTableModel(columns, source, 0)
    model.refresh()
    return model, source


def test_model_tester(qtmodeltester):
    model, _source = make({i: (i * 7) % 11 for i in range(1, 60)})
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_rows_are_read_a_page_at_a_time():
    model, source = make({i: i for i in range(1000)})
    assert source.pages == []
    assert model.data(model.index(450, 0)) == "450"
    assert source.pages == [list(range(400, 600))]
    model.data(model.index(599, 1))
    assert len(source.pages) == 1


def test_sorting_keeps_the_selection_on_the_same_items(qtbot):
    model, _source = make({1: 30, 2: 10, 3: 20})
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().select(model.index(model.row_of(1) or 0, 0), flags)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.ids() == [1, 3, 2]
    assert [model.id_at(i.row()) for i in view.selectionModel().selectedRows()] == [1]
    model.sort(1, Qt.SortOrder.AscendingOrder)  # not sortable: nothing happens
    assert model.ids() == [1, 3, 2]


def test_items_reads_a_large_selection_in_one_go():
    model, source = make({i: i for i in range(1000)})
    assert model.items([5, 905, 6]) == [5, 905, 6]
    assert source.pages == [[5, 905, 6]]


def test_header_alignment_follows_the_column():
    model, _source = make({1: 1})
    right = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignLeft
