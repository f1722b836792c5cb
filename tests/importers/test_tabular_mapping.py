"""ColumnMapping: the saved description of a bank's CSV/XLSX layout (JSON, checks, date formats, signatures)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from desktop.domain.column_mapping import (
    Column,
    ColumnMapping,
    SignConvention,
    date_format_label,
    header_signature,
    normalize_account,
    normalize_date_format,
)
from desktop.domain.errors import ValidationError

ING = ColumnMapping(
    name="ING CSV", signature="v1:abc", delimiter=";", header_row=0, date=Column("Datum", 0), date_format="%Y%m%d",
    amount=Column("Bedrag (EUR)", 6), sign=SignConvention.INDICATOR, indicator=Column("Af Bij", 5), debit_marker="Af",
    decimal_separator=",", thousands_separator="", fixed_currency="EUR", counterparty_name=Column("Naam / Omschrijving", 1),
    counterparty_iban=Column("Tegenrekening", 3), text=(Column("Mededelingen", 8), Column("Mutatiesoort", 7)),
    account=Column("Rekening", 2),
)


def test_a_complete_mapping_has_no_problems():
    assert ING.problems() == {}
    assert ING.validate() is ING


def test_json_round_trip_keeps_every_field():
    text = ING.to_json()
    assert json.loads(text)["version"] == 1
    assert ColumnMapping.from_json(text) == ING
    split = replace(ING, amount=None, sign=SignConvention.SIGNED, indicator=None, debit=Column("Af", 3),
                    credit=Column("Bij", 4), header_row=None, value_date=Column("", 9))
    assert ColumnMapping.from_json(split.to_json()) == split


def test_json_ignores_unknown_keys_and_fills_missing_ones():
    data = json.loads(ING.to_json())
    data["colour"] = "blue"
    del data["skip_footer_rows"]
    assert ColumnMapping.from_json(json.dumps(data)) == ING


@pytest.mark.parametrize("text", ["{", "[]", '{"sign": "sideways"}', '{"version": 99}', '{"date": 5}'])
def test_damaged_json_is_a_validation_error(text):
    with pytest.raises(ValidationError) as error:
        ColumnMapping.from_json(text)
    assert "profile" in error.value.fields


def test_problems_name_each_field_with_a_message():
    bad = ColumnMapping(name=" ", delimiter="ab", quote_char="x", date=None, date_format="%Q", amount=None,
                        decimal_separator=";", thousands_separator="_", fixed_currency="EURO")
    problems = bad.problems()
    assert set(problems) >= {"name", "delimiter", "quote_char", "date", "date_format", "amount", "decimal_separator",
                             "thousands_separator", "fixed_currency", "fixed_account"}
    with pytest.raises(ValidationError) as error:
        bad.validate()
    assert error.value.fields == problems


def test_amount_needs_one_column_or_both_debit_and_credit():
    assert "credit" in replace(ING, amount=None, indicator=None, sign=SignConvention.SIGNED, debit=Column("Af", 1)).problems()
    both = replace(ING, debit=Column("Af", 1), credit=Column("Bij", 2)).problems()
    assert "amount" in both
    indicator = replace(ING, indicator=None, debit_marker=" ").problems()
    assert set(indicator) == {"indicator", "debit_marker"}


def test_separators_must_differ_and_currency_or_account_must_be_known():
    assert "thousands_separator" in replace(ING, thousands_separator=",").problems()
    assert "fixed_currency" in replace(ING, fixed_currency="").problems()
    assert "fixed_currency" not in replace(ING, fixed_currency="", currency=Column("Munt", 9)).problems()
    no_account = replace(ING, account=None)
    assert "fixed_account" in no_account.problems()
    assert replace(no_account, fixed_account="NL69 INGB 0123 4567 89").problems() == {}
    assert "fixed_account" in replace(no_account, fixed_account="NL69INGB0123456788").problems()  # bad check digits


def test_without_a_header_columns_need_positions():
    assert replace(ING, header_row=None).problems() == {}  # every column also knows its position
    problems = replace(ING, header_row=None, date=Column("Datum")).problems()
    assert "by position" in problems["date"]
    by_position = replace(ING, header_row=None, date=Column("", 0), amount=Column("", 6), indicator=Column("", 5),
                          counterparty_name=None, counterparty_iban=None, text=(), account=None,
                          fixed_account="NL69INGB0123456789")
    assert by_position.problems() == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("%d.%m.%Y", "%d.%m.%Y"), ("dd.mm.yyyy", "%d.%m.%Y"), ("DD/MM/YYYY", "%d/%m/%Y"), ("yyyymmdd", "%Y%m%d"),
    ("mm/dd/yy", "%m/%d/%y"), (" %Y-%m-%d ", "%Y-%m-%d"), ("%d %b %Y", "%d %b %Y"),
])
def test_date_formats_in_strftime_or_readable_form(text, expected):
    assert normalize_date_format(text) == expected


@pytest.mark.parametrize("text", ["", "%d.%m", "yyyy-mm", "%Q-%m-%Y", "%d%d%m%Y", "hello"])
def test_a_date_format_needs_day_month_and_year(text):
    with pytest.raises(ValueError, match="date format"):
        normalize_date_format(text)


def test_date_format_label():
    assert date_format_label("%d.%m.%Y") == "dd.mm.yyyy"
    assert date_format_label("%m/%d/%y") == "mm/dd/yy"


def test_columns_resolve_by_name_whatever_the_order():
    header = ("Bedrag", "datum ", "NAAM", "Naam")
    assert Column("Datum", 0).resolve(header) == 1
    assert Column("Naam", 3).resolve(header) == 3  # duplicate names: the index decides
    assert Column("Naam", 0).resolve(header) == 2
    assert Column("Saldo", 0).resolve(header) is None
    assert Column("", 2).resolve(header) == 2
    assert Column("Datum", 4).resolve(None) == 4  # no header: by position
    assert Column("Datum", 0).label == "Datum" and Column("", 2).label == "column 3"


def test_signature_ignores_case_accents_spacing_order_and_trailing_empty_cells():
    one = header_signature(["Fecha", "Concepto", "Importe", ""], ";")
    assert one == header_signature(["FECHA ", "concepto", "importe"], ";")
    assert one == header_signature(["Fécha", "Concepto", "Importe"], ";")
    assert one != header_signature(["Fecha", "Concepto", "Importe"], ",")
    assert one == header_signature(["Fecha", "Importe", "Concepto"], ";")
    assert one != header_signature(["Fecha", "Importe", "Concepto", "Saldo"], ";")
    assert header_signature(None, ";", 5) != header_signature(None, ";", 6)


def test_accounts_are_ibans_or_plain_account_numbers():
    assert normalize_account("es91 2100 0418 4502 0005 1332") == "ES9121000418450200051332"
    assert normalize_account("40702810500000054321") == "40702810500000054321"
    with pytest.raises(ValueError):
        normalize_account("ES91 2100 0418 4502 0005 1333")
    with pytest.raises(ValueError):
        normalize_account("?")


def test_sign_given_as_text_becomes_the_enum():
    mapping = replace(ING, sign="inverted")  # type: ignore[arg-type]  # what a Qt combo hands back
    assert mapping.sign is SignConvention.INVERTED
