from decimal import Decimal

import pytest

from desktop.domain.money import from_minor, precision, round_money, to_minor


def test_rounding_is_half_up_per_currency() -> None:
    assert round_money(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert round_money(Decimal("-0.125"), "EUR") == Decimal("-0.13")
    assert round_money(Decimal("12.5"), "JPY") == Decimal("13")
    assert round_money(Decimal("1.0005"), "BHD") == Decimal("1.001")


def test_minor_units_round_trip() -> None:
    assert precision("EUR") == 2 and precision("JPY") == 0 and precision("BHD") == 3
    assert to_minor(Decimal("12.34"), "EUR") == 1234
    assert from_minor(1234, "EUR") == Decimal("12.34")
    assert from_minor(1234, "JPY") == Decimal("1234")
    assert to_minor(Decimal("1.001"), "BHD") == 1001


def test_to_minor_refuses_unrounded_amounts() -> None:
    with pytest.raises(ValueError, match="more decimals"):
        to_minor(Decimal("0.001"), "EUR")
