"""Money, percentages, dates and states as the window shows them, in the user's locale.

Numbers and dates go through babel with the system locale (``QLocale.system().name()``), falling
back to English. Text the user types is parsed with ``parse_decimal``, which takes both ``,`` and
``.`` as the decimal separator.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from PySide6.QtCore import QCoreApplication, QDate, QLocale

from desktop.domain.money import precision
from desktop.domain.states import InvoiceKind, InvoiceStatus

FALLBACK_LOCALE = "en"
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")


@cache
def ui_locale() -> str:
    """The babel locale of the user interface: the system's, or English when babel doesn't know it."""
    return str(known_locale(QLocale.system().name()))


def known_locale(name: str) -> Locale:
    """The babel locale called ``name``, or English when babel doesn't know it."""
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


def money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """``Decimal('1234.5')``, EUR -> ``1,234.50`` (grouped, with the currency's decimals)."""
    places = precision(currency) if len(currency) == 3 else 2
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(amount, format=pattern, locale=locale or ui_locale())


def money_with_currency(amount: Decimal, currency: str, locale: str | None = None) -> str:
    return f"{money(amount, currency, locale)} {currency}"


def number(value: Decimal | int, locale: str | None = None) -> str:
    """A quantity or a rate without trailing zeros: ``1.500`` -> ``1.5``, ``21.00`` -> ``21``."""
    return format_decimal(value, format="#,##0.######", locale=locale or ui_locale())


def date_text(value: date | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    return format_date(value, format="medium", locale=locale or ui_locale())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def qt_date_format() -> str:
    """The display format for date fields: the locale's short format with a four-digit year (ISO in the C locale)."""
    locale = QLocale.system()
    if locale.language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


def parse_decimal(text: str) -> Decimal:
    """Read a number the user typed: ``1234.5``, ``1234,5``, ``1,234.50``, ``1.234,50``, ``1 234,50``.

    With both separators the last one is the decimal separator; a separator that appears more
    than once groups thousands; a single one is the decimal separator. Raises ``ValueError``.
    """
    cleaned = text.strip().translate(_SPACES)
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if not cleaned:
        raise ValueError("empty")
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        if cleaned.count(decimal_mark) > 1:
            raise ValueError(text)
        cleaned = cleaned.replace(group_mark, "").replace(decimal_mark, ".")
    elif commas > 1 or dots > 1:
        cleaned = cleaned.replace(",", "").replace(".", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def status_text(status: InvoiceStatus) -> str:
    texts = {
        InvoiceStatus.DRAFT: QCoreApplication.translate("InvoiceStatus", "Draft"),
        InvoiceStatus.OPEN: QCoreApplication.translate("InvoiceStatus", "Open"),
        InvoiceStatus.PARTIALLY_PAID: QCoreApplication.translate("InvoiceStatus", "Partially paid"),
        InvoiceStatus.PAID: QCoreApplication.translate("InvoiceStatus", "Paid"),
        InvoiceStatus.VOID: QCoreApplication.translate("InvoiceStatus", "Void"),
        InvoiceStatus.UNCOLLECTIBLE: QCoreApplication.translate("InvoiceStatus", "Written off"),
    }
    return texts[status]


def kind_text(kind: InvoiceKind) -> str:
    if kind is InvoiceKind.CREDIT_NOTE:
        return QCoreApplication.translate("InvoiceKind", "Credit note")
    return QCoreApplication.translate("InvoiceKind", "Invoice")
