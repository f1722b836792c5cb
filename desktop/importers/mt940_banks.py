"""Which bank wrote an MT940 file: from the account's IBAN or bank code, the SWIFT header, the preamble."""

from __future__ import annotations

import re

_NL_BANKS = {"INGB": "ING", "ABNA": "ABN AMRO", "RABO": "Rabobank", "KNAB": "Knab", "TRIO": "Triodos",
             "SNSB": "SNS", "ASNB": "ASN Bank", "RBRB": "RegioBank", "BUNQ": "bunq"}
_BIC_PREFIXES = {**{f"{code}NL": name for code, name in _NL_BANKS.items()},
                 "DEUTDE": "Deutsche Bank", "COBADE": "Commerzbank", "DRESDE": "Commerzbank", "GENODE": "Volksbank"}
# The fourth digit of a German bank code (BLZ) names the bank group.
_DE_GROUPS = {"4": "Commerzbank", "5": "Sparkasse", "6": "Volksbank", "7": "Deutsche Bank", "8": "Commerzbank",
              "9": "Volksbank"}


def bank_name(account: str, texts: list[str]) -> str:
    """The bank's name for ``ParsedFile.dialect``, or "" where nothing gives it away."""
    if account.startswith("NL") and account[4:8] in _NL_BANKS:
        return _NL_BANKS[account[4:8]]
    bank_code = account[4:12] if account.startswith("DE") else account.partition("/")[0] if "/" in account else ""
    if re.fullmatch(r"\d{8}", bank_code) and bank_code[3] in _DE_GROUPS:
        return _DE_GROUPS[bank_code[3]]
    for text in texts:
        for prefix, name in _BIC_PREFIXES.items():
            if prefix in text:
                return name
    if ":940:" in texts:  # Rabobank starts its files with this line
        return "Rabobank"
    return ""
