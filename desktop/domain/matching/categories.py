"""What is not a customer payment: money out, refunds, bank fees, salaries, taxes, payment-provider payouts.

Recognized from the sign, the bank transaction code and words in the name and text. User rules
come first (``rules.py``); these are Paydesk's own defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.domain.bank import BankTransaction, IgnoreCategory
from desktop.domain.matching.book import OpenBook
from desktop.domain.matching.tokens import compact

# ISO 20022 sub-families and SWIFT MT940 codes for charges and commission.
_FEE_SUBFAMILIES = frozenset({"CHRG", "COMM", "COMI", "FEES", "TAXE"})
_FEE_SWIFT = frozenset({"NCHG", "NCOM", "FCHG", "FCOM"})
_MISC_SWIFT = frozenset({"NMSC", "FMSC"})  # miscellaneous: a fee only when the text says so


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


_FEE_WORDS = _words(
    "fee", "fees", "bank charges?", "service charges?", "charges", "commission", "account maintenance",
    "kosten", "bankkosten", "servicekosten", "provisie", r"\w*geb[üu]hr\w*", r"\w*entgelt\w*", r"kontof[üu]hrung\w*",
    "comisi[óo]n(?:es)?", "gastos", "commission[ei]", "spese", "canone", "avgift(?:er)?", "kontoavgift",
    "комиссия", "комиссии",
)
_SALARY_WORDS = _words(
    "salary", "salaries", "payroll", "wages?", "n[óo]mina", "salario", "stipendio", "stipendi", "salaris", "loon",
    "l[öo]n", "gehalt", "lohn", "зарплата", "заработная плата",
)
_TAX_WORDS = _words(
    "belastingdienst", "hmrc", "agencia tributaria", "aeat", "skatteverket", "agenzia delle entrate", "finanzamt",
    "vat payment", "btw", "iva trimestral", "f24", "налог", "фнс",
)
PROVIDERS = {
    "stripe": "Stripe", "mollie": "Mollie", "adyen": "Adyen", "paypal": "PayPal", "sumup": "SumUp", "zettle": "Zettle",
    "klarna": "Klarna", "gocardless": "GoCardless", "worldline": "Worldline", "square": "Square", "shopify": "Shopify",
}
_PROVIDER_WORDS = re.compile(r"(?<![a-z])(" + "|".join(PROVIDERS) + r")(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Kind:
    category: IgnoreCategory
    note: str


def is_fee_code(code: str) -> bool:
    """A bank transaction code for charges: camt ``ACMT/MDOP/CHRG``, ``PMNT/MCOP/CHRG``; MT940 ``NCHG``."""
    upper = code.upper()
    parts = upper.split("/")
    if len(parts) >= 3 and parts[2] in _FEE_SUBFAMILIES:
        return True
    return upper in _FEE_SWIFT


def provider_in(tx: BankTransaction) -> str:
    """The payment provider a transaction comes from, by name or text, or ``""``."""
    match = _PROVIDER_WORDS.search(tx.counterparty_name) or _PROVIDER_WORDS.search(tx.remittance)
    return PROVIDERS[match.group(1).lower()] if match else ""


def classify(tx: BankTransaction, book: OpenBook) -> Kind | None:
    """The category of a transaction that is not a customer paying an invoice, or ``None``."""
    amount = tx.amount
    if amount == 0:
        return Kind(IgnoreCategory.OTHER, "the amount is zero")
    code = tx.bank_code.upper() if tx.bank_code else ""
    if code and (is_fee_code(code) or (code in _MISC_SWIFT and _FEE_WORDS.search(f"{tx.counterparty_name} {tx.remittance}"))):
        return Kind(IgnoreCategory.BANK_FEE, f"bank charges (transaction code {tx.bank_code})")
    if amount > 0:
        return None
    text = f"{tx.counterparty_name} {tx.remittance}"
    iban = compact(tx.counterparty_iban)
    owners = book.customers_of_iban(iban) if iban else ()
    if owners:
        customer = book.customer(owners[0])
        return Kind(IgnoreCategory.REFUND, f"money out to {customer.label}: a refund")
    if not iban and _FEE_WORDS.search(text):
        return Kind(IgnoreCategory.BANK_FEE, "bank charges (by the text)")
    if _SALARY_WORDS.search(text):
        return Kind(IgnoreCategory.SALARY, "a salary payment (by the text)")
    if _TAX_WORDS.search(text):
        return Kind(IgnoreCategory.TAX, "a tax payment (by the name or text)")
    return Kind(IgnoreCategory.OUTGOING, "money out: only incoming payments pay invoices")


def payout(tx: BankTransaction, book: OpenBook) -> Kind | None:
    """An incoming payout from a payment provider (not from a customer's known account)."""
    provider = provider_in(tx)
    if not provider:
        return None
    iban = compact(tx.counterparty_iban)
    if iban and book.customers_of_iban(iban):
        return None
    return Kind(IgnoreCategory.PROVIDER_PAYOUT, f"a payout from {provider}, not a customer payment")
