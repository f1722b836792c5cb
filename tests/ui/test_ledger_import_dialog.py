"""File › Import customers and invoices…: mapping with a live preview, the plan in tabs, import in the background."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from desktop.services.paydesk import Paydesk
from desktop.ui.ledger_import_dialog import LedgerImportDialog, open_ledger_import
from desktop.ui.tasks import TaskRunner
from tests.ui.message_recorder import record_messages

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
DUTCH = FIXTURES / "exact_openstaande_posten.csv"
ENGLISH = FIXTURES / "xero_aged_receivables.xlsx"


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner, lambda error: pytest.fail(str(error)))
    yield runner
    runner.wait()


def make(qtbot, paydesk: Paydesk, tasks: TaskRunner, path: Path = DUTCH, data: bytes | None = None) -> LedgerImportDialog:
    dialog = LedgerImportDialog(paydesk, tasks, path.name, path.read_bytes() if data is None else data)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def preview(qtbot, dialog: LedgerImportDialog) -> None:
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=5000)


def test_guess_live_preview_plan_and_import(qtbot, paydesk, tasks, monkeypatch):
    record_messages(monkeypatch)
    dialog = make(qtbot, paydesk, tasks)
    assert not dialog.recognized
    assert dialog.combos["customer_id"].column().name == "Debiteurnummer"
    assert dialog.combos["open_amount"].column().name == "Openstaand"
    assert dialog.rows.rowCount() == 5
    assert dialog.rows.item(3, 8).text() == "ООО «Северный ветер»"
    assert dialog.next_button.isEnabled() and dialog.problems.text() == ""

    dialog.source.setCurrentText("Exact Online")
    dialog.update_preview()
    preview(qtbot, dialog)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "New customers (4)", "Changed customers (0)", "New invoices (5)", "Changed invoices (0)", "Closed invoices (0)",
        "Notes (0)"]
    assert dialog.import_button.isEnabled()
    assert paydesk.invoices.all_summaries() == []  # nothing written by the preview

    with qtbot.waitSignal(dialog.imported, timeout=5000):
        dialog.import_button.click()
    assert len(paydesk.invoices.all_summaries()) == 5

    again = make(qtbot, paydesk, tasks)  # the source is recognized by its header
    assert again.recognized and again.source.currentText() == "Exact Online"
    preview(qtbot, again)
    assert "nothing to import" in again.plan_summary.text()
    assert not again.import_button.isEnabled()


def test_wrong_decimal_separator_shows_the_row_and_column(qtbot, paydesk, tasks):
    dialog = make(qtbot, paydesk, tasks)
    dialog.decimal.setCurrentIndex(dialog.decimal.findData("."))
    dialog.thousands.setCurrentIndex(dialog.thousands.findData(","))
    dialog.update_preview()
    assert "row 2, column 'Bedrag'" in dialog.problems.text()


def test_row_errors_keep_import_disabled(qtbot, paydesk, tasks):
    data = DUTCH.read_bytes().replace(b"12-10-2026", b"32-10-2026").replace(b";SEK;", b";XYZ;")
    dialog = make(qtbot, paydesk, tasks, data=data)
    preview(qtbot, dialog)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Problems (2)"
    assert dialog.problem_list.item(0, 0).text() == "5" and dialog.problem_list.item(0, 1).text() == "Factuurdatum"
    assert not dialog.import_button.isEnabled()
    assert "Nothing is imported" in dialog.plan_summary.text()


def test_xlsx_with_a_title_above_the_header(qtbot, paydesk, tasks):
    dialog = make(qtbot, paydesk, tasks, ENGLISH)
    assert dialog.header_row.value() == 4
    assert dialog.combos["paid_amount"].column().name == "Amount Paid"
    assert dialog.rows.rowCount() == 5
    preview(qtbot, dialog)
    assert dialog.tabs.tabText(2) == "New invoices (4)"
    assert dialog.tabs.tabText(5) == "Notes (1)"  # the paid invoice is skipped


def test_menu_opens_the_dialog_for_the_chosen_file(qtbot, paydesk, tasks):
    owner = QWidget()
    qtbot.addWidget(owner)
    dialog = open_ledger_import(owner, paydesk, tasks, DUTCH)
    assert isinstance(dialog, LedgerImportDialog) and dialog.isVisible()
    dialog.reject()
