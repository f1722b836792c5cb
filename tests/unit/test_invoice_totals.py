from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine, compute_totals, due_date_for, validate_draft

D = Decimal


def test_line_amount_applies_discount_and_rounds() -> None:
    line = InvoiceLine("Widget", D("3"), D("19.99"), D("21"), discount_percent=D("10"))
    assert line.net("EUR") == D("53.97")  # 59.97 * 0.9 = 53.973
    assert line.vat("EUR") == D("11.33")  # 53.97 * 0.21 = 11.3337


def test_vat_is_computed_per_rate_on_the_sum_of_lines() -> None:
    # Three lines at 21% whose VAT rounded per line would be 0.02 + 0.02 + 0.02 = 0.06,
    # but on the sum (0.30 * 0.21 = 0.063) it is 0.06 as well; pick amounts where they differ:
    lines = [InvoiceLine(f"L{i}", D(1), D("0.05"), D("21")) for i in range(3)]
    per_line = sum(line.vat("EUR") for line in lines)
    totals = compute_totals(lines, "EUR")
    assert per_line == D("0.03")  # 0.0105 rounds to 0.01 three times
    assert totals.vat == D("0.03")  # 0.15 * 0.21 = 0.0315
    lines = [InvoiceLine(f"L{i}", D(1), D("0.07"), D("21")) for i in range(3)]
    assert sum(line.vat("EUR") for line in lines) == D("0.03")  # 0.0147 -> 0.01 each
    assert compute_totals(lines, "EUR").vat == D("0.04")  # 0.21 * 0.21 = 0.0441


def test_breakdown_has_one_entry_per_rate_and_adds_up() -> None:
    lines = [
        InvoiceLine("Book", D(2), D("10.00"), D("9")),
        InvoiceLine("Pen", D(1), D("5.00"), D("21")),
        InvoiceLine("Service", D(1), D("100.00"), D("21")),
        InvoiceLine("Export", D(1), D("50.00"), D("0")),
    ]
    totals = compute_totals(lines, "EUR")
    assert [(v.rate, v.base, v.vat) for v in totals.breakdown] == [
        (D("0"), D("50.00"), D("0.00")),
        (D("9"), D("20.00"), D("1.80")),
        (D("21"), D("105.00"), D("22.05")),
    ]
    assert totals.net == D("175.00") and totals.vat == D("23.85") and totals.total == D("198.85")


def test_zero_decimal_currency() -> None:
    totals = compute_totals([InvoiceLine("Item", D(3), D("333"), D("10"))], "JPY")
    assert totals.total == D("1099")  # 999 + 99.9 -> 100


def test_due_date_from_term() -> None:
    assert due_date_for(date(2026, 1, 31), 30) == date(2026, 3, 2)


def _draft(**overrides: object) -> InvoiceDraft:
    values: dict[str, object] = dict(customer_id=CustomerId(1), currency="EUR", issue_date=date(2026, 1, 10),
                                     due_date=date(2026, 2, 9), lines=[InvoiceLine("Work", D(1), D("10"), D("21"))])
    values.update(overrides)
    return InvoiceDraft(**values)  # type: ignore[arg-type]


def test_validation_names_each_bad_field() -> None:
    draft = _draft(due_date=date(2026, 1, 1), lines=[InvoiceLine(" ", D(0), D("10"), D("121"))], currency="euro")
    with pytest.raises(ValidationError) as caught:
        validate_draft(draft)
    assert set(caught.value.fields) == {"due_date", "lines[0].description", "lines[0].quantity", "lines[0].vat_rate", "currency"}


def test_finalizing_needs_lines_and_a_positive_total() -> None:
    validate_draft(_draft(lines=[]))  # a draft may be empty
    with pytest.raises(ValidationError, match="at least one line"):
        validate_draft(_draft(lines=[]), for_finalize=True)
    with pytest.raises(ValidationError, match="above zero"):
        validate_draft(_draft(lines=[InvoiceLine("Refund", D(1), D("-10"))]), for_finalize=True)


def test_more_decimals_than_can_be_stored_is_a_field_error_not_a_crash() -> None:
    draft = _draft(lines=[InvoiceLine("Work", D("1.0005"), D("10.001"), D("21.005"), discount_percent=D("1.125"))])
    with pytest.raises(ValidationError) as caught:
        validate_draft(draft)
    assert set(caught.value.fields) == {"lines[0].quantity", "lines[0].unit_price", "lines[0].vat_rate", "lines[0].discount"}
    validate_draft(_draft(lines=[InvoiceLine("Work", D("1.500"), D("10.10"), D("21.00"))]))
    with pytest.raises(ValidationError, match="at most 0 decimals"):
        validate_draft(_draft(currency="JPY", lines=[InvoiceLine("Work", D(1), D("10.5"))]))
