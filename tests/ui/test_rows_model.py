"""The shared list model of the outbox, the webhook log, collection cases and a run's messages."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from desktop.ui.rows_model import RowsModel


class Pairs(RowsModel):
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None


def test_rows_replace_count_and_head_the_table(qtmodeltester, qtbot) -> None:
    model = Pairs(("Number", "Name"))
    with qtbot.waitSignal(model.modelReset):
        model.set_rows([(1, "García"), (2, "Северный ветер")])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Name"
    assert model.row_at(1) == (2, "Северный ветер") and model.row_at(2) is None and model.row_at(-1) is None
    qtmodeltester.check(model)
