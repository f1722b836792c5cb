"""Customers and the rules for what may be saved about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.languages import LANGUAGES
from desktop.domain.validation import normalize_email, normalize_iban, normalize_vat_id

MAX_PAYMENT_TERM_DAYS = 365


@dataclass(slots=True)
class Customer:
    number: str
    name: str
    contact_person: str = ""
    emails: list[str] = field(default_factory=list)
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""  # ISO 3166 alpha-2
    language: str = "en"
    vat_id: str = ""
    ibans: list[str] = field(default_factory=list)
    payment_term_days: int | None = None  # None: the company's default
    notes: str = ""
    id: CustomerId | None = None

    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postal_code, self.city) if part)
        return [line for line in (self.street, city_line, self.country) if line]


def validated(customer: Customer) -> Customer:
    """Return the customer with identifiers normalized, or raise naming every bad field."""
    problems: dict[str, str] = {}
    number = customer.number.strip()
    name = customer.name.strip()
    if not number:
        problems["number"] = "A customer needs a customer number."
    if not name:
        problems["name"] = "A customer needs a name."
    country = customer.country.strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        problems["country"] = "Use the two-letter country code, such as ES or NL."
    if customer.language not in LANGUAGES:
        problems["language"] = "Choose one of the languages Paydesk ships."
    emails: list[str] = []
    for index, email in enumerate(e for e in customer.emails if e.strip()):
        try:
            emails.append(normalize_email(email))
        except ValueError as error:
            problems[f"emails[{index}]"] = str(error)
    ibans: list[str] = []
    for index, iban in enumerate(i for i in customer.ibans if i.strip()):
        try:
            ibans.append(normalize_iban(iban))
        except ValueError as error:
            problems[f"ibans[{index}]"] = str(error)
    vat_id = ""
    if customer.vat_id.strip():
        try:
            vat_id = normalize_vat_id(customer.vat_id, country or None)
        except ValueError as error:
            problems["vat_id"] = str(error)
    term = customer.payment_term_days
    if term is not None and not 0 <= term <= MAX_PAYMENT_TERM_DAYS:
        problems["payment_term_days"] = f"The payment term must be 0 to {MAX_PAYMENT_TERM_DAYS} days."
    if problems:
        raise ValidationError(problems)
    return Customer(
        number=number, name=name, contact_person=customer.contact_person.strip(), emails=emails,
        street=customer.street.strip(), postal_code=customer.postal_code.strip(), city=customer.city.strip(),
        country=country, language=customer.language, vat_id=vat_id, ibans=list(dict.fromkeys(ibans)),
        payment_term_days=term, notes=customer.notes, id=customer.id,
    )
