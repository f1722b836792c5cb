"""Languages Paydesk ships document texts for, and the locale used to format numbers and dates."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "sv": "Svenska",
    "ru": "Русский",
}
DEFAULT_LANGUAGE = "en"

_DEFAULT_COUNTRY = {"en": "GB", "es": "ES", "it": "IT", "nl": "NL", "sv": "SE", "ru": "RU"}


def locale_for(language: str, country: str | None) -> str:
    """The babel locale for a customer: their language in their country where that exists."""
    from babel import Locale, UnknownLocaleError

    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    for candidate in (f"{language}_{(country or '').upper()}", f"{language}_{_DEFAULT_COUNTRY[language]}"):
        try:
            Locale.parse(candidate)
        except (ValueError, UnknownLocaleError):
            continue
        return candidate
    return language
