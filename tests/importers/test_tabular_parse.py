"""Reading CSV and XLSX statements with a column mapping: whole files or a message naming the row and column."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.domain.column_mapping import Column, ColumnMapping, SignConvention
from desktop.domain.errors import ValidationError
from desktop.importers.tabular import describe, guess_mapping, matching_profile, parse_with_mapping
from desktop.importers.tabular_values import cell_text, parse_amount_text, to_date
from tests.fixtures.bank.csv.samples import fixture, xlsx_statement

BROKEN = ColumnMapping(
    name="Broken", delimiter=";", header_row=0, date=Column("Datum", 0), date_format="%d-%m-%Y", amount=Column("Bedrag", 3),
    decimal_separator=",", thousands_separator=".", fixed_currency="EUR", counterparty_iban=Column("Tegenrekening", 2),
    text=(Column("Omschrijving", 1),), fixed_account="NL69INGB0123456789",
)


def amounts(parsed):
    return [t.amount for s in parsed.statements for t in s.transactions]


# --- amounts and dates --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "decimal", "thousands", "expected"), [
    ("-1.234,56", ",", ".", "-1234.56"), ("1,234.56", ".", ",", "1234.56"), ("1234,5", ",", ".", "1234.5"),
    ("(12.00)", ".", ",", "-12.00"), ("12.00-", ".", ",", "-12.00"), ("+5", ".", "", "5"), ("€ 12,50", ",", ".", "12.50"),
    ("-€12,5", ",", "", "-12.5"), ("12,00 EUR", ",", ".", "12.00"), ("1 234,56", ",", " ", "1234.56"),
    ("1\u00a0234,56", ",", " ", "1234.56"), ("1'234.50", ".", "'", "1234.50"), ("1’234.50", ".", "'", "1234.50"),
    ("−7,50", ",", "", "-7.50"), ("1 234,50 kr", ",", " ", "1234.50"), ("45 000,00", ",", " ", "45000.00"),
])
def test_amounts_as_banks_write_them(text, decimal, thousands, expected):
    assert parse_amount_text(text, decimal, thousands) == Decimal(expected)


@pytest.mark.parametrize(("text", "decimal", "thousands", "message"), [
    ("12,3,4", ",", ".", "'12,3,4' is not an amount"),
    ("1.234,56", ".", ",", "is not an amount with '.' as the decimal separator (is it ','?)"),
    ("12,34", ".", ",", "(is it ','?)"),
    ("", ",", ".", "empty; expected an amount"),
    ("abc", ",", ".", "'abc' is not an amount"),
    ("-12-", ",", ".", "is not an amount"),
    ("1.23.4", ",", ".", "is not an amount"),
])
def test_text_that_is_no_amount_says_so(text, decimal, thousands, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_amount_text(text, decimal, thousands)


def test_dates_in_a_format_or_as_cells():
    assert to_date("21.11.2026", "%d.%m.%Y") == date(2026, 11, 21)
    assert to_date("21.11.2026 00:00:00", "%d.%m.%Y") == date(2026, 11, 21)
    assert to_date(date(2026, 11, 21), "%m/%d/%Y") == date(2026, 11, 21)
    assert to_date(Decimal(46347), "%d.%m.%Y") == date(2026, 11, 21)  # an Excel serial number
    with pytest.raises(ValueError, match="'21/11/2026' is not a date in the format mm/dd/yyyy"):
        to_date("21/11/2026", "%m/%d/%Y")
    with pytest.raises(ValueError, match=r"empty; expected a date \(dd.mm.yyyy\)"):
        to_date(" ", "%d.%m.%Y")
    assert cell_text(Decimal("12345")) == "12345" and cell_text(None) == ""


# --- the fixtures, read with the guessed mapping --------------------------------------------------
def test_spanish_windows_1252_with_thousands_points():
    data = fixture("csv/es_caixabank_cp1252.csv")
    parsed = parse_with_mapping("es.csv", data, guess_mapping("es.csv", data))
    assert parsed.format == "csv" and parsed.encoding == "Windows-1252"
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("ES9121000418450200051332", "EUR")
    assert amounts(parsed) == [Decimal(a) for a in ("-15.00", "1234.56", "-59.90", "12500.00", "-8450.25", "2100.00")]
    second = statement.transactions[1]
    assert second.counterparty_name == "García y Asociados S.L."
    assert second.remittance == "Transferencia recibida Factura 2026-00042"
    assert statement.transactions[2].value_date == date(2026, 11, 13)
    assert "€" in statement.transactions[2].remittance
    assert "Ferretería Núñez" in statement.transactions[3].raw


def test_dutch_af_bij_indicator_makes_debits_negative():
    data = fixture("csv/nl_ing_afbij.csv")
    parsed = parse_with_mapping("nl.csv", data, guess_mapping("nl.csv", data))
    [statement] = parsed.statements
    assert statement.account == "NL69INGB0123456789"
    assert amounts(parsed) == [Decimal(a) for a in ("1250.00", "-45.99", "312.50", "-3.20", "10000.00", "-2150.00")]
    first = statement.transactions[0]
    assert (first.booking_date, first.counterparty_iban) == (date(2026, 11, 2), "NL91ABNA0417164300")
    assert first.raw.startswith("20261102;Bakkerij De Vries;")


def test_swedish_comma_delimited_with_currency_and_account_columns():
    data = fixture("csv/se_swedbank.csv")
    parsed = parse_with_mapping("se.csv", data, guess_mapping("se.csv", data))
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("9141234567", "SEK")
    assert amounts(parsed) == [Decimal("12500.00"), Decimal("-1234.50"), Decimal("33734.50"), Decimal("-125.00")]
    assert statement.transactions[2].remittance == "Åkesson & Söner Bygg Faktura 1039 och 1040"


def test_russian_debit_and_credit_columns_with_space_grouping():
    data = fixture("csv/ru_sber_utf8.csv")
    parsed = parse_with_mapping("ru.csv", data, guess_mapping("ru.csv", data))
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("40702810500000054321", "RUB")
    assert amounts(parsed) == [Decimal("45000.00"), Decimal("-1490.00"), Decimal("12750.50"), Decimal("-87300.00")]
    assert statement.transactions[0].counterparty_name == "ООО «Северный ветер»"
    assert statement.transactions[0].bank_reference == "117"


def test_english_debit_credit_with_comma_thousands_and_rf_references():
    data = fixture("csv/en_debit_credit.csv")
    parsed = parse_with_mapping("en.csv", data, guess_mapping("en.csv", data))
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("GB29NWBK60161331926819", "GBP")
    assert amounts(parsed) == [Decimal("1234.56"), Decimal("-1520.00"), Decimal("10520.00"), Decimal("-12.50")]
    first, second = statement.transactions[:2]
    assert first.structured_reference == "RF18539007547034"  # an RF reference goes to the structured field
    assert second.structured_reference == "" and second.remittance == "Direct debit BG-88123"  # any other to the text


def test_one_statement_per_account_and_currency_in_file_order():
    data = b"Fecha;Cuenta;Divisa;Importe\n01/11/2026;ES9121000418450200051332;EUR;1,00\n" \
           b"02/11/2026;ES9121000418450200051332;USD;2,00\n03/11/2026;ES9121000418450200051332;EUR;3,00\n"
    mapping = ColumnMapping(name="x", date=Column("Fecha", 0), date_format="%d/%m/%Y", amount=Column("Importe", 3),
                            currency=Column("Divisa", 2), account=Column("Cuenta", 1))
    parsed = parse_with_mapping("x.csv", data, mapping)
    assert [(s.currency, len(s.transactions)) for s in parsed.statements] == [("EUR", 2), ("USD", 1)]


# --- errors: the row and the column, and nothing partial ------------------------------------------
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column():
    with pytest.raises(UnreadableStatement) as error:
        parse_with_mapping("nl_broken_row.csv", fixture("csv/nl_broken_row.csv"), BROKEN)
    assert str(error.value) == "nl_broken_row.csv: row 14, column 'Bedrag': '12,3,4' is not an amount"
    assert (error.value.where, error.value.file_name) == ("row 14, column 'Bedrag'", "nl_broken_row.csv")


def test_the_rows_before_the_bad_one_read_fine():
    data = b"\n".join(fixture("csv/nl_broken_row.csv").splitlines()[:13])
    assert len(amounts(parse_with_mapping("ok.csv", data, BROKEN))) == 12


def test_wrong_date_format_names_the_row():
    message = r"row 2, column 'Datum': '01-11-2026' is not a date in the format dd\.mm\.yyyy"
    with pytest.raises(UnreadableStatement, match=message):
        parse_with_mapping("b.csv", fixture("csv/nl_broken_row.csv"), replace(BROKEN, date_format="%d.%m.%Y"))


def test_a_column_the_file_lacks_is_named():
    with pytest.raises(UnreadableStatement, match=r"there is no column 'Importe'.*'Datum', 'Omschrijving'"):
        parse_with_mapping("b.csv", fixture("csv/nl_broken_row.csv"), replace(BROKEN, amount=Column("Importe", 3)))


def test_columns_are_found_by_name_when_the_bank_reorders_them():
    lines = [line.split(";") for line in fixture("csv/nl_broken_row.csv").decode().splitlines()[:5]]
    reordered = "\n".join(";".join((cells[3], cells[0], cells[2], cells[1])) for cells in lines).encode()
    assert amounts(parse_with_mapping("r.csv", reordered, BROKEN)) == [Decimal("10.01"), Decimal("20.02"),
                                                                       Decimal("30.03"), Decimal("40.04")]


def test_short_rows_and_empty_cells_are_explained():
    data = b"Datum;Omschrijving;Tegenrekening;Bedrag\n01-11-2026;Betaling\n"
    with pytest.raises(UnreadableStatement, match=r"row 2, column 'Bedrag': the row has only 2 cells"):
        parse_with_mapping("s.csv", data, BROKEN)
    with pytest.raises(UnreadableStatement, match="row 2, column 'Bedrag': empty; expected an amount"):
        parse_with_mapping("s.csv", b"Datum;Omschrijving;Tegenrekening;Bedrag\n01-11-2026;x;;\n", BROKEN)


def test_more_decimals_than_the_currency_has_is_an_error():
    data = b"Datum;Omschrijving;Tegenrekening;Bedrag\n01-11-2026;x;;12,345\n"
    with pytest.raises(UnreadableStatement, match="'12,345' has more decimals than EUR has"):
        parse_with_mapping("d.csv", data, BROKEN)


def test_an_incomplete_mapping_is_refused_before_reading():
    with pytest.raises(ValidationError) as error:
        parse_with_mapping("b.csv", fixture("csv/nl_broken_row.csv"), replace(BROKEN, date=None, fixed_currency=""))
    assert set(error.value.fields) == {"date", "fixed_currency"}


def test_footer_rows_blank_rows_and_sign_conventions():
    data = b"Datum;Omschrijving;Tegenrekening;Bedrag\n01-11-2026;a;;10,00\n\n02-11-2026;b;;-2,50\nTotaal;;;7,50\n"
    with pytest.raises(UnreadableStatement, match="row 5"):
        parse_with_mapping("f.csv", data, BROKEN)
    mapping = replace(BROKEN, skip_footer_rows=1)
    assert amounts(parse_with_mapping("f.csv", data, mapping)) == [Decimal("10.00"), Decimal("-2.50")]
    inverted = replace(mapping, sign=SignConvention.INVERTED)
    assert amounts(parse_with_mapping("f.csv", data, inverted)) == [Decimal("-10.00"), Decimal("2.50")]


def test_a_file_with_only_a_header_has_no_statements_and_says_so():
    parsed = parse_with_mapping("h.csv", b"Datum;Omschrijving;Tegenrekening;Bedrag\n", BROKEN)
    assert parsed.statements == [] and parsed.warnings == ["the file holds no transactions below its header"]


def test_quoted_cells_with_delimiters_and_line_breaks():
    data = b'Datum;Omschrijving;Tegenrekening;Bedrag\n01-11-2026;"Factuur; 2026-00017\nen 2026-00018";;"1.250,00"\n'
    [transaction] = parse_with_mapping("q.csv", data, BROKEN).statements[0].transactions
    assert transaction.remittance == "Factuur; 2026-00017 en 2026-00018"
    assert transaction.amount == Decimal("1250.00")


# --- XLSX -------------------------------------------------------------------------------------------
def test_xlsx_with_real_dates_numbers_and_text_amounts():
    data = xlsx_statement()
    guess = guess_mapping("movimientos.xlsx", data)
    assert (guess.sheet, guess.delimiter, guess.header_row) == ("Movimientos", "", 2)
    assert guess.fixed_account == "ES9121000418450200051332"
    parsed = parse_with_mapping("movimientos.xlsx", data, guess)
    assert parsed.format == "xlsx" and parsed.encoding == ""
    [statement] = parsed.statements
    assert amounts(parsed) == [Decimal("-15.00"), Decimal("1234.56"), Decimal("-59.90"), Decimal("12500.00"),
                               Decimal("1250.00")]
    dates = [(t.booking_date, t.value_date) for t in statement.transactions]
    assert dates[:4] == [(date(2026, 11, 3), date(2026, 11, 3)), (date(2026, 11, 5), date(2026, 11, 6)),
                         (date(2026, 11, 12), None), (date(2026, 11, 14), date(2026, 11, 14))]


def test_xlsx_describe_lists_sheets_and_columns():
    data = xlsx_statement()
    info = describe("m.xlsx", data, guess_mapping("m.xlsx", data))
    assert info.kind == "xlsx" and info.sheets == ("Info", "Movimientos") and info.sheet == "Movimientos"
    assert info.columns == ("Fecha", "Fecha valor", "Concepto", "Ordenante", "Importe", "Saldo")
    assert info.row_count == 5


# --- profiles ---------------------------------------------------------------------------------------
def test_the_saved_profile_is_found_by_its_header():
    data = fixture("csv/nl_ing_afbij.csv")
    profile = guess_mapping("nl.csv", data)
    other = guess_mapping("es.csv", fixture("csv/es_caixabank_cp1252.csv"))
    assert matching_profile("next.csv", data, [other, profile]) is profile
    assert matching_profile("es.csv", fixture("csv/se_swedbank.csv"), [other, profile]) is None


def test_a_profile_still_fits_when_the_header_moves_down():
    data = fixture("csv/es_caixabank_cp1252.csv")
    profile = guess_mapping("es.csv", data)
    moved = b"Extracto generado el 21/11/2026\r\n" + data
    found = matching_profile("es.csv", moved, [profile])
    assert found is not None and found.header_row == profile.header_row + 1
    assert len(amounts(parse_with_mapping("es.csv", moved, found))) == 6


def test_csv_profiles_do_not_fit_workbooks():
    csv_profile = guess_mapping("es.csv", fixture("csv/es_caixabank_cp1252.csv"))
    xlsx = xlsx_statement()
    assert matching_profile("m.xlsx", xlsx, [csv_profile]) is None
    xlsx_profile = guess_mapping("m.xlsx", xlsx)
    assert matching_profile("m.xlsx", xlsx, [csv_profile, xlsx_profile]) is xlsx_profile
    assert matching_profile("es.csv", fixture("csv/es_caixabank_cp1252.csv"), [xlsx_profile]) is None


def test_a_profile_round_tripped_through_json_still_fits():
    data = fixture("csv/ru_sber_utf8.csv")
    stored = ColumnMapping.from_json(guess_mapping("ru.csv", data).to_json())
    assert matching_profile("ru.csv", data, [stored]) == stored
    assert len(amounts(parse_with_mapping("ru.csv", data, stored))) == 4
