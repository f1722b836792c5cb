"""Importing statements from the Bank page: a summary per file, errors with the reason (and nothing
stored), the column mapping dialog for a new CSV layout, and the saved profile for the next file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from desktop.domain.bank import TransactionState
from desktop.ui.bank_import import StatementImport
from desktop.ui.bank_view import BankView
from desktop.ui.statement_mapping_dialog import StatementMappingDialog
from tests.ui import test_bank_view as bank
from tests.ui.test_bank_view import (
    camt,
    number_of,
    open_view,
    status,
    tx,
)

ING_HEADER = '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";' \
             '"Mededelingen"\n'

shown = bank.shown  # the fixture, shared
tasks = bank.tasks  # the fixture, shared


def ing_row(day: str, name: str, iban: str, debit_credit: str, amount: str, text: str) -> str:
    return f'"{day}";"{name}";"NL69INGB0123456789";"{iban}";"OV";"{debit_credit}";"{amount}";"Overschrijving";"{text}"\n'


def run_import(qtbot, view: BankView, *paths: Path) -> StatementImport:
    importer = view.import_statements(list(paths))
    with qtbot.waitSignal(importer.finished, timeout=20_000):
        pass
    return importer


def test_an_unreadable_file_is_named_with_the_reason_and_nothing_is_stored(qtbot, paydesk, tasks, shown,
                                                                           tmp_path: Path) -> None:
    bad = tmp_path / "statement-november.xml"
    bad.write_bytes(b"<html><body>Your session has expired</body></html>")
    empty = tmp_path / "empty.sta"
    empty.write_bytes(b"")
    view = open_view(qtbot, paydesk, tasks)

    run_import(qtbot, view, bad, empty)

    [error] = shown.errors
    assert error.startswith("These files could not be imported; nothing of them was stored:")
    assert "statement-november.xml: " in error and "empty.sta: the file is empty" in error
    assert "Traceback" not in error
    assert shown.infos == []
    assert paydesk.statements.statements() == []
    assert sum(paydesk.bank.counts().values()) == 0
    assert view.hint.text().startswith("No bank transactions yet")


def test_good_files_import_with_a_summary_even_when_another_fails(qtbot, paydesk, make_invoice, tasks, shown,
                                                                  tmp_path: Path) -> None:
    invoice = make_invoice("100.00")
    reference = paydesk.invoices.summaries([invoice])[invoice].reference or ""
    good = tmp_path / "camt053.xml"
    good.write_bytes(camt(tx("121.00", "García y Asociados", reference=reference), tx("-12.50", "Bank", text="fees"),
                          tx("77.00", "Nobody", text="?")))
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"\x00\x01\x02 binary junk")
    view = open_view(qtbot, paydesk, tasks)
    changed: list[bool] = []
    view.changed.connect(lambda: changed.append(True))

    run_import(qtbot, view, good, bad)

    [summary] = shown.infos
    assert summary.startswith("camt053.xml (camt.053.001.08): 3 transactions, 3 new, 0 already imported.")
    assert "Booked automatically: 1 · to review: 0 · unmatched: 1 · ignored: 1" in summary
    [error] = shown.errors
    assert error.startswith("This file could not be imported; nothing of it was stored:\n\nnotes.txt: ")
    assert status(paydesk, invoice).value == "paid"
    assert changed
    assert view.tabs.tabText(4) == "All (3)"

    run_import(qtbot, view, good)  # the same file again: nothing new
    assert shown.infos[-1].startswith("camt053.xml (camt.053.001.08): 3 transactions, 0 new, 3 already imported.")
    assert sum(paydesk.bank.counts().values()) == 3


def test_a_new_csv_layout_asks_for_its_columns_once(qtbot, paydesk, make_invoice, customer, tasks, shown,
                                                    tmp_path: Path) -> None:
    invoice = make_invoice("50.00")  # 60.50
    number = number_of(paydesk, invoice)
    first = tmp_path / "ing-november.csv"
    first.write_text(ING_HEADER
                     + ing_row("20261117", "Garcia y Asociados", "ES9121000418450200051332", "Bij", "60,50",
                               f"Omschrijving: Factuur {number}")
                     + ing_row("20261118", "KPN B.V.", "NL39RABO0300065264", "Af", "45,99", "Incasso"), encoding="utf-8")
    view = open_view(qtbot, paydesk, tasks)

    importer = view.import_statements([first])
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None, timeout=10_000)
    dialog = importer.mapping_dialog
    assert isinstance(dialog, StatementMappingDialog)
    assert dialog.date.currentText() == "Datum" and dialog.amount.currentText() == "Bedrag (EUR)"
    dialog.name.setText("ING current account")
    dialog.update_preview()
    assert dialog.ok_button().isEnabled()
    assert "2 transactions read" in dialog.summary.text()
    with qtbot.waitSignal(importer.finished, timeout=20_000):
        dialog.accept()

    [summary] = shown.infos
    assert summary.startswith("ing-november.csv (csv): 2 transactions, 2 new")
    assert [p.name for p in paydesk.statements.profiles()] == ["ING current account"]
    assert status(paydesk, invoice).value == "paid"
    assert paydesk.bank.counts()[TransactionState.MATCHED] == 1

    second = tmp_path / "ing-december.csv"  # the same bank's next export: read with the saved profile
    second.write_text(ING_HEADER + ing_row("20261202", "Somebody", "NL20INGB0001234567", "Bij", "10,00", "gift"),
                      encoding="utf-8")
    importer = run_import(qtbot, view, second)
    assert importer.mapping_dialog is None
    assert shown.infos[-1].startswith("ing-december.csv (csv): 1 transactions, 1 new")
    assert sum(paydesk.bank.counts().values()) == 3
    assert shown.errors == []


def test_closing_the_mapping_dialog_imports_nothing_of_that_file(qtbot, paydesk, tasks, shown, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(ING_HEADER + ing_row("20261117", "Somebody", "NL20INGB0001234567", "Bij", "10,00", "x"),
                    encoding="utf-8")
    view = open_view(qtbot, paydesk, tasks)
    importer = view.import_statements([path])
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None, timeout=10_000)
    with qtbot.waitSignal(importer.finished, timeout=10_000):
        importer.mapping_dialog.reject()
    assert shown.infos == ["Not imported: export.csv"]
    assert paydesk.statements.statements() == [] and paydesk.statements.profiles() == []


def test_the_file_dialog_takes_several_files(qtbot, paydesk, tasks, shown, tmp_path: Path, monkeypatch) -> None:
    one, two = tmp_path / "one.xml", tmp_path / "two.xml"
    one.write_bytes(camt(tx("10.00", "A"), statement_id="S1"))
    two.write_bytes(camt(tx("20.00", "B"), statement_id="S2"))
    asked: list[str] = []

    def choose(_parent, title, _folder, patterns):
        asked.append(f"{title}|{patterns}")
        return [str(one), str(two)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    view = open_view(qtbot, paydesk, tasks)
    with qtbot.waitSignal(view.changed, timeout=20_000):
        view.import_action.trigger()
    qtbot.waitUntil(lambda: len(shown.infos) == 1)
    assert asked and asked[0].startswith("Import bank statements|Bank statements (*.xml")
    assert "one.xml" in shown.infos[0] and "two.xml" in shown.infos[0]
    assert view.tabs.tabText(1) == "Unmatched (2)"


def test_file_menu_import_opens_the_bank_page(qtbot, paydesk, shown, tmp_path: Path, monkeypatch) -> None:
    from desktop.ui.main_window import MainWindow

    statement = tmp_path / "camt.xml"
    statement.write_bytes(camt(tx("42.00", "Someone")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_args: ([str(statement)], ""))
    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.today  # the day starts on Today
    with qtbot.waitSignal(window.bank.changed, timeout=20_000):
        window.import_statements_action.trigger()
    assert window.stack.currentWidget() is window.bank
    assert window.nav.currentItem().text() == "Bank"
    qtbot.waitUntil(lambda: shown.infos != [])
    assert window.bank.tabs.tabText(1) == "Unmatched (1)"
    window.tasks.wait()
    window.close()
