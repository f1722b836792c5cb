"""The pre-filled mapping for the dialog: header, delimiter, columns by header words in seven languages, formats."""

from __future__ import annotations

import pytest

from desktop.domain.column_mapping import Column, SignConvention
from desktop.importers.tabular import guess_mapping
from desktop.importers.tabular_guess import guess_date_format, guess_separators
from desktop.importers.tabular_read import looks_tabular, read_table, sniff_delimiter
from tests.fixtures.bank.csv.samples import fixture, xlsx_statement


def names(columns):
    return [c.name for c in columns]


def test_spanish_export_with_the_account_above_the_header():
    guess = guess_mapping("movimientos.csv", fixture("csv/es_caixabank_cp1252.csv"))
    assert (guess.delimiter, guess.header_row, guess.date_format) == (";", 4, "%d/%m/%Y")
    assert (guess.decimal_separator, guess.thousands_separator) == (",", ".")
    assert guess.date == Column("Fecha", 0) and guess.value_date == Column("Fecha valor", 1)
    assert guess.amount == Column("Importe", 4) and guess.sign is SignConvention.SIGNED
    assert guess.currency == Column("Divisa", 6) and guess.fixed_currency == ""
    assert guess.counterparty_name == Column("Beneficiario/Ordenante", 3)
    assert names(guess.text) == ["Concepto"]
    assert guess.fixed_account == "ES9121000418450200051332" and guess.account is None
    assert guess.name == "CAIXABANK CSV"  # the bank behind the IBAN
    assert guess.problems() == {}


def test_dutch_ing_export_with_af_bij():
    guess = guess_mapping("NL69INGB0123456789_01-11-2026_21-11-2026.csv", fixture("csv/nl_ing_afbij.csv"))
    assert (guess.header_row, guess.date_format, guess.decimal_separator) == (0, "%Y%m%d", ",")
    assert guess.sign is SignConvention.INDICATOR
    assert guess.indicator == Column("Af Bij", 5) and guess.debit_marker == "Af"
    assert guess.amount == Column("Bedrag (EUR)", 6)
    assert guess.fixed_currency == "EUR"  # from "Bedrag (EUR)"
    assert guess.account == Column("Rekening", 2) and guess.counterparty_iban == Column("Tegenrekening", 3)
    assert guess.counterparty_name == Column("Naam / Omschrijving", 1)
    assert names(guess.text) == ["Mededelingen"]
    assert guess.name == "ING CSV"
    assert guess.problems() == {}


def test_swedish_export_where_valuta_is_the_currency():
    guess = guess_mapping("export.csv", fixture("csv/se_swedbank.csv"))
    assert (guess.delimiter, guess.header_row, guess.date_format) == (",", 1, "%Y-%m-%d")
    assert guess.decimal_separator == "."
    assert guess.date == Column("Bokföringsdag", 5) and guess.value_date == Column("Valutadag", 7)
    assert guess.currency == Column("Valuta", 4)  # Swedish "Valuta" holds SEK, so it is no value date
    assert guess.amount == Column("Belopp", 10) and guess.account == Column("Kontonummer", 2)
    assert guess.reference == Column("Referens", 8) and names(guess.text) == ["Beskrivning"]
    assert guess.problems() == {}


def test_russian_export_with_debit_and_credit_columns():
    guess = guess_mapping("выписка.csv", fixture("csv/ru_sber_utf8.csv"))
    assert guess.header_row == 3 and guess.date_format == "%d.%m.%Y"
    assert (guess.decimal_separator, guess.thousands_separator) == (",", " ")
    assert guess.split_amount and guess.debit == Column("Дебет", 6) and guess.credit == Column("Кредит", 7)
    assert guess.amount is None
    assert guess.counterparty_name == Column("Контрагент", 3) and guess.counterparty_iban == Column("Счет контрагента", 4)
    assert guess.bank_reference == Column("Номер документа", 2)
    assert names(guess.text) == ["Назначение платежа"]
    assert guess.fixed_account == "40702810500000054321"  # the account number in the title line
    assert guess.problems() == {}


def test_english_export_with_debit_credit_and_comma_thousands():
    guess = guess_mapping("statement.csv", fixture("csv/en_debit_credit.csv"))
    assert (guess.delimiter, guess.decimal_separator, guess.thousands_separator) == (",", ".", ",")
    assert guess.debit == Column("Debit", 5) and guess.credit == Column("Credit", 6)
    assert guess.reference == Column("Reference", 4)
    assert guess.fixed_account == "GB29NWBK60161331926819" and guess.fixed_currency == "GBP"  # from the IBAN's country
    assert guess.problems() == {}


def test_italian_tab_separated_txt_leaves_the_account_to_the_user():
    guess = guess_mapping("movimenti.txt", fixture("csv/it_tab.txt"))
    assert guess.delimiter == "\t" and guess.date == Column("Data operazione", 0)
    assert guess.value_date == Column("Data valuta", 1) and guess.amount == Column("Importo", 3)
    assert guess.fixed_currency == "EUR"
    assert set(guess.problems()) == {"fixed_account"}


def test_xlsx_guess_skips_the_cover_sheet():
    guess = guess_mapping("m.xlsx", xlsx_statement())
    assert guess.sheet == "Movimientos" and guess.header_row == 2 and guess.delimiter == ""
    assert guess.date == Column("Fecha", 0) and guess.amount == Column("Importe", 4)
    assert guess.name.endswith("XLSX")


def test_without_header_the_columns_are_found_by_content():
    data = (b"21.11.2026;20.11.2026;NL91ABNA0417164300;Betaling factuur 2026-00017 Bakkerij;1.250,00\n"
            b"19.11.2026;19.11.2026;NL39RABO0300065264;Incasso KPN factuur 8012345678;-45,99\n"
            b"18.11.2026;18.11.2026;NL20INGB0001234567;Overboeking RF18539007547034;312,50\n")
    guess = guess_mapping("export.csv", data)
    assert guess.header_row is None
    assert guess.date == Column("", 0) and guess.value_date == Column("", 1)
    assert guess.counterparty_iban == Column("", 2) and guess.amount == Column("", 4)
    assert guess.text == (Column("", 3),)
    assert (guess.decimal_separator, guess.thousands_separator) == (",", ".")


def test_footer_rows_are_counted():
    data = fixture("csv/nl_broken_row.csv").replace(b"12,3,4", b"130,13") + b"Totaal;;;1.234,56\nEinde\n"
    guess = guess_mapping("n.csv", data)
    assert guess.skip_footer_rows == 2


@pytest.mark.parametrize(("dates", "expected"), [
    (["21.11.2026", "01.12.2026"], "%d.%m.%Y"),
    (["11/21/2026", "12/01/2026"], "%m/%d/%Y"),
    (["01/02/2026", "03/04/2026"], "%d/%m/%Y"),  # ambiguous: day first
    (["2026-11-21"], "%Y-%m-%d"),
    (["20261121", "20261201"], "%Y%m%d"),
    (["21.11.26"], "%d.%m.%y"),
    ([], "%d.%m.%Y"),
])
def test_date_format_from_samples(dates, expected):
    assert guess_date_format(dates) == expected


@pytest.mark.parametrize(("samples", "delimiter", "expected"), [
    (["1.234,56", "-15,00"], ";", (",", ".")),
    (["1,234.56", "12.50"], ",", (".", ",")),
    (["12,50", "3,20"], ";", (",", ".")),
    (["12.50"], ";", (".", ",")),
    (["1 234,56"], ";", (",", " ")),
    (["1'234.50"], ";", (".", "'")),
    (["1.234"], ";", (",", ".")),  # three digits after a single point: a thousands point
    (["100", "25"], ";", (",", ".")),  # no evidence: what the delimiter suggests
    (["100", "25"], ",", (".", ",")),
])
def test_separators_from_samples(samples, delimiter, expected):
    assert guess_separators(samples, delimiter) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a;b;c\n1;2;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a\tb\tc\n1\t2\t3\n", "\t"), ("a|b|c\n1|2|3\n", "|"),
    ('"a,b";c;d\n"1,5";2;3\n', ";"), ("just one column\nof text\n", None),
])
def test_delimiter_sniffing(text, expected):
    assert sniff_delimiter(text) == expected


def test_a_readme_does_not_look_like_a_table_but_a_csv_does():
    readme = b"These are the statements for November.\nThe camt file holds the EUR account, the MT940 file the USD one.\n"
    assert not looks_tabular(readme)
    assert looks_tabular(fixture("csv/it_tab.txt"))
    assert looks_tabular(fixture("csv/es_caixabank_cp1252.csv"))
    assert not looks_tabular(b"%PDF-1.7\n\x00\x01binary")


def test_the_table_keeps_blank_rows_so_row_numbers_match_the_file():
    table = read_table("es.csv", fixture("csv/es_caixabank_cp1252.csv"))
    assert table.rows[3] == () and table.rows[4][0] == "Fecha"
    assert [n for n, _ in table.data_rows(4)] == [6, 7, 8, 9, 10, 11]
