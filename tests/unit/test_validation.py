import pytest

from desktop.domain.customer import Customer, validated
from desktop.domain.errors import ValidationError
from desktop.domain.validation import normalize_bic, normalize_email, normalize_iban, normalize_vat_id


def test_iban_is_checked_and_compacted() -> None:
    assert normalize_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    with pytest.raises(ValueError, match="Not a valid IBAN"):
        normalize_iban("NL91ABNA0417164301")


def test_bic() -> None:
    assert normalize_bic("ABNANL2A") == "ABNANL2A"
    with pytest.raises(ValueError, match="Not a valid BIC"):
        normalize_bic("AB")


def test_vat_id_takes_the_country_prefix() -> None:
    assert normalize_vat_id("B58378431", "ES") == "ESB58378431"
    assert normalize_vat_id("NL 004495445 B01") == "NL004495445B01"
    with pytest.raises(ValueError, match="Not a valid VAT ID"):
        normalize_vat_id("ESB58378432")


@pytest.mark.parametrize("bad", ["no-at-sign", "a@b", "two@@example.com", "a b@example.com", "x@example.c"])
def test_bad_emails(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_email(bad)


def test_customer_validation_names_every_bad_field() -> None:
    customer = Customer(number="", name=" ", emails=["ok@example.com", "bad"], ibans=["XX00"], vat_id="ESX",
                        country="Spain", language="de", payment_term_days=-1)
    with pytest.raises(ValidationError) as caught:
        validated(customer)
    assert set(caught.value.fields) == {
        "number", "name", "emails[1]", "ibans[0]", "vat_id", "country", "language", "payment_term_days",
    }


def test_customer_is_normalized() -> None:
    clean = validated(Customer(number=" 7 ", name=" Rossi ", emails=[" a@rossi.example ", ""], country="it",
                               ibans=["IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"], language="it"))
    assert (clean.number, clean.name, clean.country, clean.emails) == ("7", "Rossi", "IT", ["a@rossi.example"])
    assert clean.ibans == ["IT60X0542811101000000123456"]
