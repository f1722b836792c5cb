"""Numbers, amounts, percentages and dates as the customer's locale writes them (babel)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from desktop.domain.money import precision

HUNDRED = Decimal(100)
MAX_PRICE_DECIMALS = 4


@lru_cache(maxsize=64)
def parse_locale(name: str, fallback: str = "en") -> Locale:
    """The babel locale ``name`` (``"ru_RU"``); ``fallback`` if babel does not know it."""
    for candidate in (name, fallback, "en"):
        try:
            return Locale.parse(candidate)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    raise LookupError("babel has no English locale data")  # pragma: no cover


class DocumentFormats:
    """Formatting for one document: its locale and its currency."""

    __slots__ = ("_amount_pattern", "_price_pattern", "currency", "locale")

    def __init__(self, locale: Locale, currency: str) -> None:
        self.locale = locale
        self.currency = currency
        places = precision(currency)
        fraction = "." + "0" * places if places else ""
        extra = "#" * max(0, MAX_PRICE_DECIMALS - places)
        self._amount_pattern = "#,##0" + fraction
        self._price_pattern = "#,##0" + (fraction or ".") + extra if extra else self._amount_pattern

    def money(self, amount: Decimal) -> str:
        """With the currency: ``1.234,56 €``."""
        return format_currency(amount, self.currency, locale=self.locale)

    def amount(self, amount: Decimal) -> str:
        """Without the currency, with its decimals: ``1.234,56`` (table cells)."""
        return format_decimal(amount, format=self._amount_pattern, locale=self.locale)

    def unit_price(self, amount: Decimal) -> str:
        """Like :meth:`amount` but keeps up to four decimals when a price has them (``0,1250``)."""
        return format_decimal(amount, format=self._price_pattern, locale=self.locale)

    def quantity(self, quantity: Decimal) -> str:
        return _quantity(quantity, self.locale)

    def percent(self, rate: Decimal) -> str:
        """A rate given in percent (``Decimal("5.5")``) as ``5,5 %``."""
        return _percent(rate, self.locale)

    def date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)


# Rates and quantities repeat from line to line and invoice to invoice: format each once.
@lru_cache(maxsize=2048)
def _quantity(quantity: Decimal, locale: Locale) -> str:
    return format_decimal(quantity.normalize(), locale=locale, decimal_quantization=False)


@lru_cache(maxsize=512)
def _percent(rate: Decimal, locale: Locale) -> str:
    return format_percent((rate / HUNDRED).normalize(), locale=locale, decimal_quantization=False)


@lru_cache(maxsize=64)
def document_formats(locale: str, currency: str, language: str = "en") -> DocumentFormats:
    return DocumentFormats(parse_locale(locale, language), currency)


def print_iban(iban: str) -> str:
    """``ES9121000418450200051332`` -> ``ES91 2100 0418 4502 0005 1332``."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
