"""The reminder procedure editor: editing and saving, a bad level shown at its cell with nothing
saved, adding, duplicating and deleting procedures, and the bank import warning age."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop.ui.procedure_dialog import ProcedureDialog
from desktop.ui.procedure_levels import DAY, FEE, FINAL, NAME
from tests.ui.message_recorder import record_messages


@pytest.fixture
def dialog(qtbot, paydesk, monkeypatch):
    shown = record_messages(monkeypatch)
    dlg = ProcedureDialog(paydesk)
    qtbot.addWidget(dlg)
    dlg.shown = shown
    return dlg


def set_cell(dialog: ProcedureDialog, row: int, column: int, value: object) -> None:
    item = dialog.levels.table.item(row, column)
    item.setData(Qt.ItemDataRole.EditRole, value)


def test_the_default_procedure_is_listed_and_marked(dialog, paydesk) -> None:
    default = next(p for p in paydesk.dunning.procedures() if p.is_default)
    assert dialog.names() == [f"{default.name} (default)"]
    assert dialog.name.text() == default.name
    assert dialog.levels.table.rowCount() == len(default.levels) == 4
    assert [dialog.levels.table.item(r, DAY).data(Qt.ItemDataRole.EditRole) for r in range(4)] == [-7, 2, 18, 34]
    assert dialog.levels.table.item(3, FINAL).checkState() == Qt.CheckState.Checked
    assert not dialog.delete_button.isEnabled()


def test_editing_and_saving_a_procedure(qtbot, dialog, paydesk) -> None:
    dialog.name.setText("Standard")
    dialog.minimum.setText("12,50")
    dialog.handover.setValue(21)
    set_cell(dialog, 1, FEE, "5")
    set_cell(dialog, 1, NAME, "First reminder, politely")
    dialog.levels.table.setCurrentCell(2, NAME)
    dialog.levels.remove_selected()  # the second reminder goes
    assert dialog.dirty
    assert dialog.save()
    saved = paydesk.dunning.procedure(dialog.current.id)
    assert (saved.name, saved.minimum_amount, saved.handover_days) == ("Standard", Decimal("12.50"), 21)
    assert [(lv.name, lv.day_offset, lv.fee) for lv in saved.levels] == [
        (saved.levels[0].name, -7, Decimal(0)), ("First reminder, politely", 2, Decimal(5)), (saved.levels[2].name, 34, 0)]
    assert saved.levels[2].final and saved.is_default
    assert dialog.names() == ["Standard (default)"] and not dialog.dirty


def test_a_bad_level_is_shown_at_its_cell_and_nothing_is_saved(qtbot, dialog, paydesk) -> None:
    before = paydesk.dunning.procedures()
    set_cell(dialog, 2, DAY, 1)  # before the level above it (day 2)
    set_cell(dialog, 1, FEE, "five")
    assert not dialog.save()
    assert dialog.levels.cell_message(1, FEE) == "Enter an amount such as 5.00, or 0 for none."
    assert not dialog.summary.isHidden() and "Level 2, Fee" in dialog.summary.text()
    set_cell(dialog, 1, FEE, "5")
    assert dialog.levels.cell_message(1, FEE) is None  # cleared by the edit
    assert not dialog.save()
    assert dialog.levels.cell_message(2, DAY) == "Each level must come at least one day after the one before."
    assert "Level 3, Day" in dialog.summary.text()
    assert paydesk.dunning.procedures() == before


def test_a_new_procedure_without_a_name_is_refused_at_the_name(dialog, paydesk) -> None:
    dialog.add_procedure()
    assert dialog.levels.table.rowCount() == 1 and dialog.current.id is None
    assert not dialog.save()
    assert dialog.errors.message("name") == "Enter a name."
    assert len(paydesk.dunning.procedures()) == 1


def test_duplicate_then_delete(dialog, paydesk) -> None:
    dialog.duplicate_selected()
    assert dialog.name.text().endswith("(copy)") and not dialog.is_default.isChecked()
    assert dialog.save()
    copy_id = dialog.current.id
    assert len(paydesk.dunning.procedures()) == 2
    assert len(paydesk.dunning.procedure(copy_id).levels) == 4
    assert dialog.delete_button.isEnabled()
    dialog.shown.answer = False
    dialog.delete_selected()
    assert len(paydesk.dunning.procedures()) == 2  # not confirmed
    dialog.shown.answer = True
    dialog.delete_selected()
    assert [p.id for p in paydesk.dunning.procedures()] != [copy_id] and len(paydesk.dunning.procedures()) == 1
    assert len(dialog.names()) == 1


def test_a_procedure_in_use_is_not_deleted(dialog, paydesk, customer) -> None:
    dialog.duplicate_selected()
    assert dialog.save()
    paydesk.dunning.set_customer(customer, dialog.current.id, False)
    dialog.delete_selected()
    assert "used by 1 customer" in dialog.shown.errors[0]
    assert len(paydesk.dunning.procedures()) == 2


def test_switching_away_from_unsaved_changes_asks(dialog) -> None:
    dialog.duplicate_selected()
    assert dialog.save()
    dialog.name.setText("Changed")
    dialog.name.textEdited.emit("Changed")
    dialog.shown.answer = False
    dialog.list.setCurrentRow(0)
    assert dialog.name.text() == "Changed" and dialog.shown.questions
    dialog.shown.answer = True
    dialog.list.setCurrentRow(0)
    assert dialog.name.text() == dialog.procedures[0].name


def test_moving_levels(dialog) -> None:
    dialog.levels.table.setCurrentCell(1, NAME)
    dialog.levels.move_selected(-1)
    assert [lv.day_offset for lv in dialog.levels.levels()] == [2, -7, 18, 34]
    assert dialog.levels.table.currentRow() == 0


def test_the_bank_import_warning_age_is_stored(dialog, paydesk) -> None:
    assert dialog.bank_age.value() == 3
    dialog.bank_age.setValue(7)
    assert paydesk.dunning.bank_import_max_age_days() == 7


def test_the_settings_menu_opens_the_editor_before_the_templates(qtbot, paydesk, monkeypatch) -> None:
    from desktop.ui.main_window import MainWindow

    record_messages(monkeypatch)
    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    menu = window.settings_menu
    texts = [a.text() for a in menu.menu.actions() if not a.isSeparator()]
    assert texts.index("&Reminder procedures…") == texts.index("Email &templates…") - 1
    menu.procedures_action.trigger()
    assert isinstance(menu.dialog, ProcedureDialog) and menu.dialog.isVisible() and menu.dialog.parent() is window
    menu.dialog.reject()
    window.close()
