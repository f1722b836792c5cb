"""ISO 11649 structured creditor references (``RF..``) for bank transfers."""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def creditor_reference(invoice_number: str) -> str:
    """The RF reference for an invoice number, in electronic form (no spaces).

    The body is the invoice number without punctuation, so the reference is readable and a
    payment quoting either one can be traced back.
    """
    body = _NOT_ALNUM.sub("", invoice_number).upper()
    if not body:
        raise ValueError("an invoice number needs letters or digits for a reference")
    if len(body) > 21:
        body = body[-21:]
    check = mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


def format_reference(reference: str) -> str:
    """Print form: groups of four characters (``RF18 5390 0754 7034``)."""
    return iso11649.format(reference)


def is_valid_reference(reference: str) -> bool:
    return bool(iso11649.is_valid(reference))


def reference_body(reference: str) -> str:
    """The part after ``RFnn``: what matching compares to an invoice number."""
    return iso11649.compact(reference)[4:]
