from datetime import date

import pytest

from desktop.domain.numbering import format_number, pattern_problem, period_bounds, period_key
from desktop.domain.reference import creditor_reference, format_reference, is_valid_reference, reference_body


def test_patterns() -> None:
    assert format_number("{year}-{seq:05}", date(2026, 3, 4), 42) == "2026-00042"
    assert format_number("INV{yy}{month}-{seq:04}", date(2026, 3, 4), 7) == "INV2603-0007"
    assert format_number("{seq}", date(2026, 3, 4), 7) == "7"


@pytest.mark.parametrize(("pattern", "problem"), [
    ("{year}-", "needs {seq}"),
    ("{year}-{seq:05}-{customer}", "unknown field {customer}"),
    ("{year-{seq}", "not a valid pattern"),
    ("{seq:05}" + "X" * 40, "longer than 30"),
])
def test_bad_patterns_are_explained(pattern: str, problem: str) -> None:
    found = pattern_problem(pattern)
    assert found is not None and problem in found


def test_counters_restart_per_period_of_the_pattern() -> None:
    day = date(2026, 2, 14)
    assert period_key("{year}-{seq}", day) == "2026"
    assert period_key("{yy}{month}{seq}", day) == "2026-02"
    assert period_key("F{seq:06}", day) == ""
    assert period_bounds("{year}-{seq}", day) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("{month}/{seq}", date(2024, 2, 3)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("{month}/{seq}", date(2024, 12, 3)) == (date(2024, 12, 1), date(2024, 12, 31))
    assert period_bounds("{seq}", day) == (None, None)


def test_rf_reference_check_digits() -> None:
    # The ISO 11649 example: RF18 5390 0754 7034.
    assert creditor_reference("539007547034") == "RF18539007547034"
    assert format_reference("RF18539007547034") == "RF18 5390 0754 7034"
    reference = creditor_reference("2026-00042")
    assert reference == "RF89202600042" and is_valid_reference(reference)
    assert reference_body(reference) == "202600042"


def test_rf_reference_detects_a_wrong_or_swapped_character() -> None:
    reference = creditor_reference("2026-00042")
    assert not is_valid_reference(reference.replace("42", "43"))
    assert not is_valid_reference(reference.replace("42", "24"))


def test_rf_reference_needs_letters_or_digits() -> None:
    with pytest.raises(ValueError):
        creditor_reference("---")
