"""Checks of identifiers the user types: IBAN and BIC (schwifty), VAT IDs (python-stdnum), email.

Each function returns the normalized value or raises ``ValueError`` with a message for the field.
"""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError

_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}$")


def normalize_iban(text: str) -> str:
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as error:
        raise ValueError(f"Not a valid IBAN ({_first_sentence(error)}).") from None


def normalize_bic(text: str) -> str:
    try:
        return str(BIC(text).compact)
    except SchwiftyException as error:
        raise ValueError(f"Not a valid BIC ({_first_sentence(error)}).") from None


def normalize_vat_id(text: str, country: str | None = None) -> str:
    """A VAT ID with its country prefix (``ESB12345674``); a number without one takes ``country``."""
    compact = re.sub(r"[\s.\-]", "", text).upper()
    candidates = [compact]
    if country:
        prefix = "EL" if country.upper() == "GR" else country.upper()
        if not compact.startswith(prefix):
            candidates.append(prefix + compact)
    first_error: StdnumError | None = None
    for candidate in candidates:
        try:
            return str(vatin.validate(candidate))
        except StdnumError as error:
            first_error = first_error or error
    assert first_error is not None
    raise ValueError(f"Not a valid VAT ID ({_first_sentence(first_error)}).")


def normalize_email(text: str) -> str:
    value = text.strip()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address.")
    return value


def _first_sentence(error: Exception) -> str:
    return str(error).strip().rstrip(".") or type(error).__name__
