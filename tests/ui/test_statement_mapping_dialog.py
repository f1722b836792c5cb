"""The mapping dialog for CSV/XLSX statements: pre-filled guess, live preview, errors that block OK."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop.domain.column_mapping import Column, ColumnMapping, SignConvention
from desktop.services.statement_files import guess_mapping, preview_mapping
from desktop.ui.statement_mapping_dialog import StatementMappingDialog
from desktop.ui.statement_mapping_parts import ColumnCombo, PreviewModel
from tests.fixtures.bank.csv.samples import fixture, xlsx_statement

DUTCH = "nl_ing_afbij.csv"


def open_dialog(qtbot, name: str = DUTCH, data: bytes | None = None) -> StatementMappingDialog:
    data = fixture(f"csv/{name}") if data is None else data
    dialog = StatementMappingDialog(name, data, guess_mapping(name, data))
    qtbot.addWidget(dialog)
    return dialog


def preview_column(dialog: StatementMappingDialog, column: int) -> list[str]:
    model = dialog.preview_model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def amounts(dialog: StatementMappingDialog) -> list[Decimal]:
    model = dialog.preview_model
    return [model.transaction(row).amount for row in range(model.rowCount())]


def settle(qtbot, dialog: StatementMappingDialog) -> None:
    """Wait for the debounced re-read after a change."""
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=3000)


def test_the_dutch_guess_is_shown_and_previewed(qtbot, qtmodeltester):
    dialog = open_dialog(qtbot)
    assert dialog.name.text() == "ING CSV"
    assert dialog.delimiter.currentData() == ";" and dialog.decimal.currentData() == ","
    assert dialog.date.currentText() == "Datum" and dialog.date_format.currentText() == "yyyymmdd"
    assert dialog.amount.currentText() == "Bedrag (EUR)"
    assert dialog.sign.currentData() == SignConvention.INDICATOR
    assert dialog.indicator.currentText() == "Af Bij" and dialog.debit_marker.text() == "Af"
    assert dialog.account.currentText() == "Rekening" and dialog.counterparty_iban.currentText() == "Tegenrekening"
    assert dialog.fixed_currency.text() == "EUR"
    assert not dialog.debit.isVisible() and not dialog.debit.isVisibleTo(dialog)
    assert dialog.indicator.isVisibleTo(dialog)
    assert dialog.error.text() == "" and dialog.ok_button().isEnabled()
    assert amounts(dialog) == [Decimal(a) for a in ("1250.00", "-45.99", "312.50", "-3.20", "10000.00", "-2150.00")]
    assert preview_column(dialog, PreviewModel.COUNTERPARTY)[0] == "Bakkerij De Vries"
    assert preview_column(dialog, PreviewModel.IBAN)[1] == "NL39RABO0300065264"
    assert preview_column(dialog, PreviewModel.CURRENCY) == ["EUR"] * 6
    assert "6 transactions read" in dialog.summary.text() and "NL69INGB0123456789" in dialog.summary.text()
    qtmodeltester.check(dialog.preview_model)


def test_changing_controls_updates_the_preview(qtbot):
    dialog = open_dialog(qtbot)
    dialog.sign.setCurrentIndex(dialog.sign.findData(SignConvention.SIGNED))
    settle(qtbot, dialog)
    assert not dialog.indicator.isVisibleTo(dialog)
    assert amounts(dialog) == [Decimal(a) for a in ("1250.00", "45.99", "312.50", "3.20", "10000.00", "2150.00")]
    dialog.debit_marker.setText("Bij")  # hidden now, but the sign decides again once switched back
    dialog.sign.setCurrentIndex(dialog.sign.findData(SignConvention.INDICATOR))
    settle(qtbot, dialog)
    assert amounts(dialog)[:2] == [Decimal("-1250.00"), Decimal("45.99")]
    dialog.counterparty_name.select(Column("Mutatiesoort", 7))
    settle(qtbot, dialog)
    assert preview_column(dialog, PreviewModel.COUNTERPARTY)[:2] == ["Overschrijving", "Incasso"]


def test_a_bad_date_format_shows_the_row_and_disables_ok(qtbot):
    dialog = open_dialog(qtbot)
    dialog.date_format.setEditText("dd-mm-yyyy")
    assert not dialog.ok_button().isEnabled()  # at once, before the re-read
    settle(qtbot, dialog)
    assert dialog.error.text() == "Row 2, column 'Datum': '20261102' is not a date in the format dd-mm-yyyy"
    assert dialog.error.isVisibleTo(dialog) and not dialog.ok_button().isEnabled()
    assert dialog.preview_model.rowCount() == 0
    dialog.date_format.setEditText("nonsense")
    settle(qtbot, dialog)
    assert dialog.error.text().startswith("Date format: 'nonsense' is not a date format")
    assert dialog.date_format in dialog.marked_fields()
    dialog.date_format.setCurrentIndex(dialog.date_format.findData("%Y%m%d"))
    settle(qtbot, dialog)
    assert dialog.error.text() == "" and dialog.ok_button().isEnabled() and dialog.marked_fields() == []


def test_a_missing_account_or_name_blocks_ok_but_the_preview_still_shows(qtbot):
    dialog = open_dialog(qtbot)
    dialog.account.select(None)
    dialog.name.setText("")
    settle(qtbot, dialog)
    assert not dialog.ok_button().isEnabled()
    assert "Layout name:" in dialog.error.text() and "Account: Enter the IBAN" in dialog.error.text()
    assert dialog.preview_model.rowCount() == 6
    assert set(dialog.marked_fields()) == {dialog.name, dialog.fixed_account}
    dialog.fixed_account.setText("NL69 INGB 0123 4567 89")
    dialog.name.setText("ING zakelijk")
    settle(qtbot, dialog)
    assert dialog.ok_button().isEnabled()


def test_ok_returns_the_mapping_that_reads_the_file(qtbot):
    dialog = open_dialog(qtbot)
    dialog.name.setText("ING zakelijk")
    dialog.text.item(7).setCheckState(Qt.CheckState.Checked)  # Mutatiesoort as well
    settle(qtbot, dialog)
    qtbot.mouseClick(dialog.ok_button(), Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    mapping = dialog.mapping()
    assert mapping.name == "ING zakelijk" and mapping.problems() == {}
    assert mapping.text == (Column("Mutatiesoort", 7), Column("Mededelingen", 8))
    assert mapping.signature == guess_mapping(DUTCH, fixture(f"csv/{DUTCH}")).signature
    assert dialog.save_profile()
    parsed = preview_mapping(DUTCH, fixture(f"csv/{DUTCH}"), mapping)
    assert parsed.statements[0].transactions[0].remittance.startswith("Overschrijving Naam: Bakkerij De Vries")
    assert ColumnMapping.from_json(mapping.to_json()) == mapping


def test_switching_to_debit_and_credit_columns(qtbot):
    dialog = open_dialog(qtbot, "ru_sber_utf8.csv")
    assert dialog.amount_mode.currentData() is True
    assert dialog.debit.currentText() == "Дебет" and dialog.credit.currentText() == "Кредит"
    assert not dialog.amount.isVisibleTo(dialog)
    assert amounts(dialog) == [Decimal("45000.00"), Decimal("-1490.00"), Decimal("12750.50"), Decimal("-87300.00")]
    dialog.thousands.setCurrentIndex(dialog.thousands.findData(""))
    settle(qtbot, dialog)
    assert dialog.error.text() == ("Row 5, column 'Кредит': '45 000,00' is not an amount")
    assert not dialog.ok_button().isEnabled()


def test_header_row_and_delimiter_change_the_columns_offered(qtbot):
    dialog = open_dialog(qtbot, "es_caixabank_cp1252.csv")
    assert dialog.header_row.value() == 5 and dialog.fixed_account.text() == "ES9121000418450200051332"
    assert "Windows-1252" in dialog.file_line.text()
    dialog.no_header.setChecked(True)
    settle(qtbot, dialog)
    assert dialog.date.itemText(1) == "Column 1" and not dialog.header_row.isEnabled()
    assert not dialog.ok_button().isEnabled()  # the title rows above are no transactions
    dialog.no_header.setChecked(False)
    settle(qtbot, dialog)
    assert dialog.date.currentText() == "Fecha" and dialog.ok_button().isEnabled()
    dialog.delimiter.setCurrentIndex(dialog.delimiter.findData(","))
    settle(qtbot, dialog)
    assert not dialog.ok_button().isEnabled() and dialog.error.text()


def test_an_xlsx_offers_its_sheets_instead_of_a_delimiter(qtbot):
    dialog = open_dialog(qtbot, "movimientos.xlsx", xlsx_statement())
    assert dialog.sheet.isVisibleTo(dialog) and not dialog.delimiter.isVisibleTo(dialog)
    assert [dialog.sheet.itemText(n) for n in range(dialog.sheet.count())] == ["Info", "Movimientos"]
    assert dialog.sheet.currentText() == "Movimientos"
    assert "Excel workbook" in dialog.file_line.text()
    assert dialog.ok_button().isEnabled() and dialog.preview_model.rowCount() == 5
    assert dialog.mapping().delimiter == "" and dialog.mapping().sheet == "Movimientos"


def test_the_column_combo_keeps_its_choice_by_name(qtbot):
    combo = ColumnCombo("(none)")
    qtbot.addWidget(combo)
    combo.set_columns(("Datum", "Bedrag"), True, ["Datum", "Bedrag"])
    combo.select(Column("Bedrag", 1))
    combo.set_columns(("Bedrag", "Saldo", "Datum"), True, ["Bedrag", "Saldo", "Datum"])
    assert combo.column() == Column("Bedrag", 0)
    combo.set_columns(("a", "b"), False, ["Column 1", "Column 2"])
    assert combo.column() == Column("", 0)


@pytest.mark.parametrize("name", ["es_caixabank_cp1252.csv", "se_swedbank.csv", "en_debit_credit.csv"])
def test_every_fixture_opens_ready_to_import(qtbot, name):
    dialog = open_dialog(qtbot, name)
    assert dialog.ok_button().isEnabled(), dialog.error.text()
    assert dialog.preview_model.rowCount() >= 4


def big_csv(rows: int, bad_row: int | None = None) -> bytes:
    lines = ["Datum;Omschrijving;Tegenrekening;Bedrag"]
    for n in range(rows):
        amount = "12,3,4" if n + 2 == bad_row else f"{n % 997},{n % 100:02d}"
        lines.append(f"{1 + n % 28:02d}-11-2026;Betaling {n};NL91ABNA0417164300;{amount}")
    return ("\n".join(lines) + "\n").encode()


def test_a_big_file_is_checked_whole_on_a_worker_thread(qtbot):
    dialog = open_dialog(qtbot, "big.csv", big_csv(5000))
    dialog.fixed_account.setText("NL69INGB0123456789")
    dialog.update_preview()
    assert dialog.checking() and not dialog.ok_button().isEnabled()
    assert dialog.preview_model.rowCount() == 50 and "checking all 5000 rows" in dialog.summary.text()
    qtbot.waitUntil(lambda: not dialog.checking(), timeout=10_000)
    assert dialog.ok_button().isEnabled() and dialog.error.text() == ""
    assert "5000 transactions read" in dialog.summary.text()
    assert dialog.parsed().transaction_count == 5000


def test_a_bad_row_far_down_a_big_file_blocks_ok(qtbot):
    dialog = open_dialog(qtbot, "big.csv", big_csv(5000, bad_row=4321))
    dialog.fixed_account.setText("NL69INGB0123456789")
    dialog.update_preview()
    assert dialog.preview_model.rowCount() == 50  # the first rows are fine
    qtbot.waitUntil(lambda: not dialog.checking(), timeout=10_000)
    assert dialog.error.text() == "Row 4321, column 'Bedrag': '12,3,4' is not an amount"
    assert not dialog.ok_button().isEnabled()


def test_closing_while_checking_waits_for_the_worker(qtbot):
    dialog = open_dialog(qtbot, "big.csv", big_csv(5000))
    dialog.fixed_account.setText("NL69INGB0123456789")
    dialog.update_preview()
    dialog.reject()  # waits for the running check
    assert dialog.result() == dialog.DialogCode.Rejected
    qtbot.wait(50)  # its late result arrives now and is ignored
    assert not dialog.ok_button().isEnabled()
