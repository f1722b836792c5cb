"""The company that issues the invoices: who it is, how it is paid, how it numbers."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.errors import ValidationError
from desktop.domain.numbering import DEFAULT_CREDIT_NOTE_PATTERN, DEFAULT_INVOICE_PATTERN, pattern_problem
from desktop.domain.validation import normalize_bic, normalize_email, normalize_iban, normalize_vat_id


@dataclass(slots=True)
class Company:
    name: str
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""
    iban: str = ""
    bic: str = ""
    email: str = ""
    phone: str = ""
    currency: str = "EUR"
    payment_term_days: int = 30
    invoice_pattern: str = DEFAULT_INVOICE_PATTERN
    credit_note_pattern: str = DEFAULT_CREDIT_NOTE_PATTERN
    logo: bytes | None = None  # PNG or JPEG bytes

    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postal_code, self.city) if part)
        return [line for line in (self.street, city_line, self.country) if line]


def validated(company: Company) -> Company:
    problems: dict[str, str] = {}
    if not company.name.strip():
        problems["name"] = "The company needs a name."
    country = company.country.strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        problems["country"] = "Use the two-letter country code, such as ES or NL."
    iban = bic = vat_id = email = ""
    checks = (
        ("iban", company.iban, normalize_iban),
        ("bic", company.bic, normalize_bic),
        ("email", company.email, normalize_email),
    )
    values: dict[str, str] = {}
    for name, raw, check in checks:
        if raw.strip():
            try:
                values[name] = check(raw)
            except ValueError as error:
                problems[name] = str(error)
    iban, bic, email = values.get("iban", ""), values.get("bic", ""), values.get("email", "")
    if company.vat_id.strip():
        try:
            vat_id = normalize_vat_id(company.vat_id, country or None)
        except ValueError as error:
            problems["vat_id"] = str(error)
    currency = company.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        problems["currency"] = "Use a three-letter ISO currency code such as EUR."
    if not 0 <= company.payment_term_days <= 365:
        problems["payment_term_days"] = "The payment term must be 0 to 365 days."
    for name, pattern in (("invoice_pattern", company.invoice_pattern), ("credit_note_pattern", company.credit_note_pattern)):
        problem = pattern_problem(pattern)
        if problem:
            problems[name] = problem
    if company.invoice_pattern == company.credit_note_pattern:
        problems["credit_note_pattern"] = "Credit notes need a pattern of their own, such as CN{year}-{seq:05}."
    if problems:
        raise ValidationError(problems)
    return Company(
        name=company.name.strip(), street=company.street.strip(), postal_code=company.postal_code.strip(),
        city=company.city.strip(), country=country, vat_id=vat_id, iban=iban, bic=bic, email=email,
        phone=company.phone.strip(), currency=currency, payment_term_days=company.payment_term_days,
        invoice_pattern=company.invoice_pattern, credit_note_pattern=company.credit_note_pattern, logo=company.logo,
    )
