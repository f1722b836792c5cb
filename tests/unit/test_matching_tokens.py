"""Turning payment text into keys: windows, dropped zeros, one-typo variants, RF references, names, typed amounts."""

from decimal import Decimal

import pytest

from desktop.domain.matching.names import name_words, similarity
from desktop.domain.matching.tokens import (
    Edit,
    amounts_in,
    compact,
    edit_between,
    find_rf,
    near_shape,
    one_edit_variants,
    plain_rf,
    print_form,
    rf_is_valid,
    shape,
    windows,
    without_prefix,
    zero_variants,
)


def test_compact_keeps_letters_and_digits_in_upper_case():
    assert compact("2026-00042") == "202600042"
    assert compact("inv 2026/0042.") == "INV20260042"
    assert compact("№ 2026—42") == "202642"
    assert without_prefix("INV20260042") == "20260042"
    assert without_prefix("202600042") == ""
    assert without_prefix("INV") == ""


def test_windows_join_pieces_across_soft_separators_only():
    keys = [w.key for w in windows("Factura 2026 - 00042, 2026/00043", 4, 12)]
    assert "202600042" in keys
    assert "202600043" in keys
    assert "20260004220" not in keys  # a comma ends a number
    assert "2026-00042" in [w.written for w in windows("pago 2026-00042", 9, 12)]
    assert [w.key for w in windows("2026-00042 EUR", 9, 11)] == ["202600042"]


def test_a_window_restores_dropped_leading_zeros():
    (window,) = [w for w in windows("fra 2026-42", 9, 12) if w.key == "202642"]
    assert window.tail == "42"
    assert list(zero_variants(window, frozenset({9}))) == ["202600042"]
    (long,) = [w for w in windows("2026-000042", 9, 12) if w.key == "2026000042"]
    assert list(zero_variants(long, frozenset({9}))) == ["202600042"]


def test_one_edit_variants_are_substitutions_and_adjacent_swaps():
    variants = dict(one_edit_variants("1234"))
    assert variants["1284"] is Edit.SUBSTITUTED
    assert variants["2134"] is Edit.SWAPPED
    assert variants["I234"] is Edit.SUBSTITUTED  # a letter I for a one
    assert "1243" in variants and "4321" not in variants
    assert len(variants) == 4 * 9 + 3 + 3  # other digits, I/L for 1 and Z for 2, three swaps


def test_edit_between_names_the_kind_of_typo():
    assert edit_between("202600024", "202600042") is Edit.SWAPPED
    assert edit_between("202600047", "202600042") is Edit.SUBSTITUTED
    assert edit_between("202600742", "202600042") is Edit.SUBSTITUTED
    assert edit_between("202600077", "202600042") is None
    assert edit_between("20260042", "202600042") is None


def test_shapes_tell_number_like_words_from_others():
    shapes = frozenset({shape("202600042"), shape("INV20260042")})
    assert shape("INV20260042") == "AAA99999999"
    assert near_shape("202600O42", shapes)  # one letter O among the digits
    assert not near_shape("E2E000206", shapes)


@pytest.mark.parametrize(("text", "valid"), [
    ("RF18 5390 0754 7034", ("539007547034",)),
    ("betaling RF18539007547034 dank", ("539007547034",)),
    ("rf 18 5390 0754 7034", ("539007547034",)),
])
def test_rf_references_are_found_in_print_and_electronic_form(text, valid):
    (mention,) = find_rf(text)
    assert mention.valid_bodies == valid
    assert print_form(mention.electronic(valid[0])) == "RF18 5390 0754 7034"


def test_an_rf_reference_with_wrong_check_digits_keeps_its_possible_bodies():
    (mention,) = find_rf("RF19 5390 0754 7034 thanks")
    assert mention.valid_bodies == ()
    assert mention.bodies == ("539007547034THANKS", "539007547034", "53900754", "5390")
    assert not rf_is_valid("19", "539007547034")
    assert rf_is_valid("18", "539007547034")


def test_find_rf_ignores_rf_inside_words():
    assert find_rf("SERF18 5390") == []
    assert find_rf("no reference") == []


@pytest.mark.parametrize(("text", "amounts"), [
    ("1234.50", ["1234.50"]),
    ("1.234,50", ["1234.50"]),
    ("1,234.50", ["1234.50"]),
    ("1234,5", ["1234.5"]),
    ("€ 99", ["99"]),
    ("1.234", ["1.234", "1234"]),
    ("2026-00042", []),
    ("García", []),
])
def test_typed_amounts_are_read_in_either_convention(text, amounts):
    assert amounts_in(text) == [Decimal(a) for a in amounts]


def test_names_lose_accents_legal_forms_and_initials_and_cyrillic_is_transliterated():
    assert name_words("García y Asociados S.L.") == ("garcia", "asociados")
    assert name_words("J. Garcia SL") == ("garcia",)
    assert name_words("ООО «Северный ветер»") == ("severnyy", "veter")
    assert name_words("Rossi & Figli S.r.l.") == ("rossi", "figli")


def test_name_similarity_counts_both_ways():
    garcia = name_words("García y Asociados S.L.")
    assert similarity(name_words("GARCIA Y ASOCIADOS SL"), garcia) == 1.0
    assert similarity(name_words("J. Garcia SL"), garcia) == 0.75
    assert similarity(name_words("Garcia y Asoc."), garcia) == 0.95
    assert similarity(name_words("OOO Severnyi veter"), name_words("ООО «Северный ветер»")) == 0.94
    assert similarity(name_words("Bakkerij de Groot"), name_words("Bakkerij Jansen")) == 0.5
    assert similarity((), garcia) == 0.0


@pytest.mark.parametrize(("text", "expected"), [
    ("RF89202600042", ("89", "202600042", True)),
    ("rf89202600042", ("89", "202600042", True)),
    ("RF19202600042", ("19", "202600042", False)),
    ("RF89", None),  # no body
    ("RF89 2026 0004 2", None),  # print form: read by find_rf
    ("RF8920260004212345678901234", None),  # longer than a reference
    ("XX89202600042", None),
    ("RFAB202600042", None),
])
def test_a_reference_alone_in_electronic_form_is_read_directly(text, expected):
    assert plain_rf(text) == expected
    if expected is not None:
        check, body, valid = expected
        [mention] = find_rf(text)
        assert (mention.check, mention.bodies, mention.valid_bodies) == (check, (body,), (body,) if valid else ())


@pytest.mark.parametrize(("text", "windows_found"), [
    ("Thank you", []),
    ("Payment invoice 2026-90307", [("INVOICE2026", "invoice 2026"), ("202690307", "2026-90307")]),
    ("INV 2026 0042 / 2026-0043", [("INV2026", "INV 2026"), ("INV20260042", "INV 2026 0042"), ("20260042", "2026 0042"),
                                   ("202600422026", "2026 0042 / 2026"), ("00422026", "0042 / 2026"),
                                   ("004220260043", "0042 / 2026-0043"), ("20260043", "2026-0043")]),
    ("Factura 2026/42, gracias", [("FACTURA2026", "Factura 2026"), ("202642", "2026/42")]),  # short, but zeros may be missing
])
def test_windows_need_a_digit_and_stay_within_the_lengths(text, windows_found):
    assert [(w.key, w.written) for w in windows(text, 7, 12)] == windows_found
