"""Labelled bank transactions for a book of open invoices, drawn with a seeded RNG.

Each ``Case`` is a transaction and what a careful credit manager would do with it: book it to
these invoices with these amounts, leave it for review, or ignore it as a category. The classes
cover what real statements hold: references, invoice numbers (clean and mistyped), several
invoices in one payment, partial and overpayments, payments known only by IBAN and amount or by
name, other currencies, duplicates, refunds, fees, provider payouts, salaries and noise.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from desktop.domain.bank import BankTransaction, IgnoreCategory
from desktop.domain.ids import CustomerId
from desktop.domain.matching import KnownCustomer, OpenInvoice, Rule, RuleKind
from desktop.domain.reference import format_reference

START = date(2026, 11, 1)
CENT = Decimal("0.01")


class Action(StrEnum):
    BOOK = "book"
    REVIEW = "review"  # must not be booked automatically (nor ignored)
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class Expected:
    action: Action
    customer_id: CustomerId | None = None
    allocations: tuple[tuple[int, Decimal], ...] = ()  # (invoice id, amount), what booking must allocate
    category: IgnoreCategory | None = None


@dataclass(frozen=True, slots=True)
class Case:
    label: str  # the class, see CLASSES
    tx: BankTransaction
    expected: Expected
    how: str = ""  # the variant within the class (e.g. which typo)


# class -> (group, weight in the mix, what it is)
CLASSES: dict[str, tuple[str, int, str]] = {
    "reference": ("ref/number", 14, "RF reference (structured or in the text), amount = open"),
    "number": ("ref/number", 10, "invoice number in the text, amount = open"),
    "number_typo": ("ref/number", 12, "number or RF with a typo / other spacing, amount = open"),
    "combined_numbers": ("ref/number", 5, "2-5 invoices of one customer, numbers listed, amount = sum"),
    "iban_amount": ("iban+amount", 12, "known IBAN, no reference, amount = open"),
    "combined_iban": ("iban+amount", 5, "known IBAN, no reference, amount = sum of 2-5 invoices"),
    "iban_learned": ("iban+amount", 3, "IBAN learned from an earlier booking, amount = open"),
    "partial": ("amount differs", 5, "reference or number, pays part of the open amount"),
    "overpayment": ("amount differs", 3, "reference or number, pays more: credit"),
    "short_tolerance": ("amount differs", 3, "reference or number, short by <= 1.00: write-off"),
    "rule_customer": ("user rule", 2, "a user rule names the customer, amount = open"),
    "name_only": ("review", 5, "unknown IBAN, payer name like the customer's, amount = open"),
    "foreign": ("review", 3, "paid in EUR for a GBP/SEK invoice (instructed amount)"),
    "duplicate": ("review", 2, "the same invoice paid a second time"),
    "noise": ("review", 3, "incoming money that pays no invoice"),
    "refund": ("ignored", 3, "money out to a customer's IBAN"),
    "bank_fee": ("ignored", 4, "bank charges by transaction code or text"),
    "provider_payout": ("ignored", 3, "Stripe / Mollie / Adyen / PayPal payout"),
    "salary": ("ignored", 2, "salaries (a user rule)"),
    "outgoing": ("ignored", 1, "paying a supplier"),
}
GROUP_TARGETS = {"ref/number": Decimal("0.95"), "iban+amount": Decimal("0.80")}

WORDS = {
    "ES": ("Factura", "Pago factura", "Fra.", "Pago fra"), "IT": ("Fattura", "Saldo fattura n.", "Pagamento ft."),
    "NL": ("Factuur", "Betaling factuur", "Fact."), "SE": ("Faktura", "Betalning faktura", "Faktnr"),
    "RU": ("Оплата по счету №", "Счет", "Oplata scheta"), "GB": ("Invoice", "Payment for invoice", "Inv"),
}
GENERIC = ("", "Payment", "Pago proveedor", "Bonifico", "Betaling", "Betalning", "Thank you", "Transfer", "Оплата")
PAYOUTS = (
    ("Stripe Technology Europe Ltd", "STRIPE PAYOUT po_1P{n}"), ("STRIPE PAYMENTS EUROPE", "Payout {n}"),
    ("Mollie B.V.", "Mollie uitbetaling st_{n}"), ("Adyen N.V.", "ADYEN PAYOUT BATCH {n}"),
    ("PayPal Europe S.a.r.l. et Cie S.C.A", "PAYPAL TRANSFER {n}"), ("Bank transfer", "Stripe payout {n}"),
)
FEES = (("PMNT/MCOP/CHRG", "SEPA transfer charges"), ("ACMT/MDOP/CHRG", "Account maintenance fee"),
        ("NCHG", "Kosten betalingsverkeer"), ("NMSC", "Bank charges October"), ("", "Comisión mantenimiento"))
PEOPLE = ("Jan de Boer", "Maria Rossi", "Erik Svensson", "Ana López", "Peter Smith", "Olga Ivanova", "Lucia Bianchi")
SALARY_TEXT = ("Salary November 2026", "Nómina noviembre", "Salaris november", "Stipendio novembre", "Lön november")
SUPPLIERS = (("Office Depot", "Order 58213 office supplies"), ("KPN B.V.", "Factuur 7781234 internet"),
             ("Amazon EU Sarl", "Order 302-1234567-8901234"))
RATES = {"GBP": Decimal("1.1700"), "SEK": Decimal("0.0870"), "EUR": Decimal(1)}
GROUP_PAYER = "Grupo Garcia Holding"


def scenario_rules(customers: list[KnownCustomer]) -> list[Rule]:
    """The user's rules in the scenario: salaries are ignored; a holding company pays for its first customer."""
    rules = [Rule(1, "Salaries", RuleKind.REGEX, r"salar|n[óo]mina|stipendio|l[öo]n\b", category=IgnoreCategory.SALARY)]
    if customers:
        rules.append(Rule(2, "Holding pays for its daughter", RuleKind.TEXT, GROUP_PAYER, customer_id=customers[0].customer_id))
    return rules


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


_CYR = dict(zip("абвгдежзийклмнопрстуфхцчшщыэюя", ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n",
                                                   "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "y", "e",
                                                   "yu", "ya"], strict=True))


def _translit(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in _CYR:
            latin = _CYR[low]
            out.append(latin.upper() if ch != low else latin)
        elif ch in "«»ъь":
            continue
        else:
            out.append(ch)
    return "".join(out)


class Generator:
    """Draws cases from a pool of open invoices; each invoice is used by at most one payment."""

    def __init__(self, invoices: list[OpenInvoice], customers: list[KnownCustomer], seed: int) -> None:
        self.rng = random.Random(seed)
        self.customers = {c.customer_id: c for c in customers}
        self.order = sorted(invoices, key=lambda i: i.invoice_id)
        self.rng.shuffle(self.order)
        self.pos = 0
        self.used: set[int] = set()
        self.by_customer: dict[CustomerId, list[OpenInvoice]] = {}
        for invoice in sorted(invoices, key=lambda i: (i.due_date, i.invoice_id)):
            self.by_customer.setdefault(invoice.customer_id, []).append(invoice)
        self.country = {c.customer_id: self._country(c) for c in customers}
        self.ruled = customers[0].customer_id if customers else None
        self.serial = 0

    @staticmethod
    def _country(customer: KnownCustomer) -> str:
        if customer.ibans:
            return customer.ibans[0][:2]
        return "RU" if any("а" <= ch <= "я" or "А" <= ch <= "Я" for ch in customer.name) else "GB"

    # --- drawing invoices ----------------------------------------------------------------
    def _next(self, ok: object = None, tries: int = 400) -> OpenInvoice | None:
        while self.pos < len(self.order) and self.order[self.pos].invoice_id in self.used:
            self.pos += 1
        for index in range(self.pos, min(len(self.order), self.pos + tries)):
            invoice = self.order[index]
            if invoice.invoice_id in self.used or (ok is not None and not ok(invoice)):  # type: ignore[operator]
                continue
            self.used.add(invoice.invoice_id)
            return invoice
        return None

    def _group(self, need_iban: bool) -> list[OpenInvoice] | None:
        def ok(invoice: OpenInvoice) -> bool:
            if need_iban and not self.customers[invoice.customer_id].ibans:
                return False
            return len(self._free(invoice)) >= 1

        anchor = self._next(ok)
        if anchor is None:
            return None
        others = self._free(anchor)
        k = self.rng.randint(2, min(5, len(others) + 1))
        chosen = [anchor, *self.rng.sample(others, k - 1)]
        self.used.update(i.invoice_id for i in chosen)
        return sorted(chosen, key=lambda i: (i.due_date, i.number))

    def _free(self, anchor: OpenInvoice) -> list[OpenInvoice]:
        return [i for i in self.by_customer[anchor.customer_id]
                if i.invoice_id not in self.used and i.currency == anchor.currency and i.invoice_id != anchor.invoice_id]

    # --- pieces of a transaction -----------------------------------------------------------
    def _unknown_iban(self) -> str:
        return f"DE{self.rng.randint(10, 99)}37040044{self.rng.randrange(10**9, 10**10)}"

    def _payer(self, customer_id: CustomerId, known: float) -> tuple[str, str]:
        customer = self.customers[customer_id]
        iban = customer.ibans[0] if customer.ibans and self.rng.random() < known else self._unknown_iban()
        if not customer.ibans and self.country[customer_id] == "RU" and iban.startswith("DE"):
            iban = f"40702810{self.rng.randrange(10**11, 10**12)}"  # a Russian account number, not an IBAN
        return self._name(customer), iban

    def _name(self, customer: KnownCustomer) -> str:
        name = customer.name.split(" (")[0]
        choice = self.rng.randrange(4)
        if any("а" <= ch.lower() <= "я" for ch in name):
            latin = _translit(name)
            return latin.upper() if choice % 2 else latin
        if choice == 0:
            return name
        if choice == 1:
            return _ascii(name).upper().replace(".", "").replace(",", "")
        if choice == 2:
            return " ".join(name.split()[:-1]) if len(name.split()) > 1 else name
        return _ascii(name)

    def _words(self, customer_id: CustomerId) -> tuple[str, ...]:
        return WORDS.get(self.country.get(customer_id, "GB"), WORDS["GB"])

    def _number_text(self, invoice: OpenInvoice, written: str | None = None) -> str:
        word = self.rng.choice(self._words(invoice.customer_id))
        return f"{word} {written or invoice.number}".strip()

    def _tx(self, amount: Decimal, currency: str, *, name: str = "", iban: str = "", text: str = "", structured: str = "",
            code: str = "PMNT/RCDT/ESCT", **more: object) -> BankTransaction:
        self.serial += 1
        return BankTransaction(START, amount, currency, counterparty_name=name, counterparty_iban=iban,
                               remittance=text, structured_reference=structured, bank_code=code,
                               end_to_end_id=f"E2E{self.serial:06d}" if self.rng.random() < 0.3 else "",
                               **more)  # type: ignore[arg-type]

    def _book(self, invoices: list[OpenInvoice], amounts: list[Decimal] | None = None) -> Expected:
        amounts = amounts or [i.open_amount for i in invoices]
        return Expected(Action.BOOK, invoices[0].customer_id,
                        tuple((i.invoice_id, a) for i, a in zip(invoices, amounts, strict=True)))

    def _quote(self, invoice: OpenInvoice) -> tuple[str, str]:
        """(remittance, structured reference) naming the invoice by its RF reference or its number."""
        if invoice.reference and self.rng.random() < 0.5:
            if self.rng.random() < 0.6:
                return "", invoice.reference
            return f"{self.rng.choice(GENERIC)} {format_reference(invoice.reference)}".strip(), ""
        return self._number_text(invoice), ""

    # --- the classes -------------------------------------------------------------------------
    def reference(self, new_iban: str = "") -> list[Case] | None:
        invoice = self._next(lambda i: bool(i.reference))
        if invoice is None:
            return None
        name, iban = self._payer(invoice.customer_id, 0.7)
        if self.rng.random() < 0.6:
            text, structured = "", invoice.reference
        else:
            text, structured = f"{self.rng.choice(GENERIC)} {format_reference(invoice.reference)}".strip(), ""
        tx = self._tx(invoice.open_amount, invoice.currency, name=name, iban=new_iban or iban, text=text, structured=structured)
        return [Case("reference", tx, self._book([invoice]), "structured" if structured else "in text")]

    def number(self) -> list[Case] | None:
        invoice = self._next()
        if invoice is None:
            return None
        name, iban = self._payer(invoice.customer_id, 0.7)
        tx = self._tx(invoice.open_amount, invoice.currency, name=name, iban=iban, text=self._number_text(invoice))
        return [Case("number", tx, self._book([invoice]))]

    def number_typo(self) -> list[Case] | None:
        invoice = self._next(lambda i: sum(ch.isdigit() for ch in i.number) >= 5)
        if invoice is None:
            return None
        how, written, structured = self._typo(invoice)
        name, iban = self._payer(invoice.customer_id, 0.5)
        text = self._number_text(invoice, written) if written else ""
        tx = self._tx(invoice.open_amount, invoice.currency, name=name, iban=iban, text=text, structured=structured)
        return [Case("number_typo", tx, self._book([invoice]), how)]

    def _typo(self, invoice: OpenInvoice) -> tuple[str, str, str]:
        number = invoice.number
        digits = [i for i, ch in enumerate(number) if ch.isdigit()][-5:]
        how = self.rng.choice(("substituted", "swapped", "spaces", "slash", "compact", "zeros", "rf_check", "rf_swapped"))
        if how in ("rf_check", "rf_swapped") and not invoice.reference:
            how = "spaces"
        if how == "substituted":
            at = self.rng.choice(digits)
            other = self.rng.choice([d for d in "0123456789" if d != number[at]])
            return how, number[:at] + other + number[at + 1:], ""
        if how == "swapped":
            pairs = [(a, b) for a, b in itertools.pairwise(digits) if b == a + 1 and number[a] != number[b]]
            if pairs:
                a, b = self.rng.choice(pairs)
                return how, number[:a] + number[b] + number[a] + number[b + 1:], ""
            how = "spaces"
        if how == "spaces":
            return how, number.replace("-", " "), ""
        if how == "slash":
            return how, number.replace("-", "/"), ""
        if how == "compact":
            return how, number.replace("-", ""), ""
        if how == "zeros":
            head, _, tail = number.rpartition("-")
            return how, f"{head}-{tail.lstrip('0') or '0'}" if head else number, ""
        check, body = invoice.reference[2:4], invoice.reference[4:]
        if how == "rf_check":
            wrong = f"{(int(check) + self.rng.randint(1, 90)) % 97 + 2:02d}"
            return how, "", f"RF{wrong}{body}"
        at = self.rng.randrange(len(body) - 1)
        while body[at] == body[at + 1] and at < len(body) - 2:
            at += 1
        swapped = body[:at] + body[at + 1] + body[at] + body[at + 2:]
        return how, f"{self.rng.choice(GENERIC)} {format_reference('RF' + check + swapped)}".strip(), ""

    def combined_numbers(self) -> list[Case] | None:
        invoices = self._group(need_iban=False)
        if invoices is None:
            return None
        name, iban = self._payer(invoices[0].customer_id, 0.7)
        separator = self.rng.choice((", ", " ", " + ", " / ", "; "))
        text = f"{self.rng.choice(self._words(invoices[0].customer_id))} " + separator.join(i.number for i in invoices)
        total = sum((i.open_amount for i in invoices), Decimal(0))
        return [Case("combined_numbers", self._tx(total, invoices[0].currency, name=name, iban=iban, text=text),
                     self._book(invoices), f"{len(invoices)} invoices")]

    def combined_iban(self) -> list[Case] | None:
        invoices = self._group(need_iban=True)
        if invoices is None:
            return None
        customer = self.customers[invoices[0].customer_id]
        total = sum((i.open_amount for i in invoices), Decimal(0))
        tx = self._tx(total, invoices[0].currency, name=self._name(customer), iban=customer.ibans[0],
                      text=self.rng.choice(GENERIC))
        return [Case("combined_iban", tx, self._book(invoices), f"{len(invoices)} invoices")]

    def iban_amount(self) -> list[Case] | None:
        invoice = self._next(lambda i: bool(self.customers[i.customer_id].ibans))
        if invoice is None:
            return None
        customer = self.customers[invoice.customer_id]
        tx = self._tx(invoice.open_amount, invoice.currency, name=self._name(customer), iban=customer.ibans[0],
                      text=self.rng.choice(GENERIC))
        return [Case("iban_amount", tx, self._book([invoice]))]

    def iban_learned(self) -> list[Case] | None:
        """Two cases: a reference payment from a new account, later an amount-only one from it."""
        first = self._next(lambda i: bool(i.reference) and len(self._free(i)) >= 1)
        if first is None:
            return None
        second = self.rng.choice(self._free(first))
        self.used.add(second.invoice_id)
        iban = self._unknown_iban()
        name = self._name(self.customers[first.customer_id])
        one = self._tx(first.open_amount, first.currency, name=name, iban=iban, structured=first.reference)
        two = self._tx(second.open_amount, second.currency, name=name, iban=iban, text=self.rng.choice(GENERIC))
        return [Case("reference", one, self._book([first]), "from a new IBAN"),
                Case("iban_learned", two, self._book([second]))]

    def _amount_case(self, label: str) -> list[Case] | None:
        invoice = self._next(lambda i: i.open_amount >= Decimal(20))
        if invoice is None:
            return None
        open_amount = invoice.open_amount
        if label == "partial":
            paid = (open_amount * Decimal(self.rng.randint(20, 80)) / 100).quantize(CENT)
            expected = self._book([invoice], [paid])
        elif label == "overpayment":
            paid = open_amount + Decimal(self.rng.randint(500, 10_000)) / 100
            expected = self._book([invoice])
        else:
            paid = open_amount - Decimal(self.rng.randint(1, 100)) / 100
            expected = self._book([invoice], [paid])
        text, structured = self._quote(invoice)
        name, iban = self._payer(invoice.customer_id, 0.7)
        tx = self._tx(paid, invoice.currency, name=name, iban=iban, text=text, structured=structured)
        return [Case(label, tx, expected, "reference" if structured or "RF" in text else "number")]

    def partial(self) -> list[Case] | None:
        return self._amount_case("partial")

    def overpayment(self) -> list[Case] | None:
        return self._amount_case("overpayment")

    def short_tolerance(self) -> list[Case] | None:
        return self._amount_case("short_tolerance")

    def rule_customer(self) -> list[Case] | None:
        target = self.ruled
        if target is None:
            return None
        invoice = self._next(lambda i: i.customer_id == target, tries=len(self.order))
        if invoice is None:
            return None
        tx = self._tx(invoice.open_amount, invoice.currency, name=f"{GROUP_PAYER} S.A.", iban=self._unknown_iban(),
                      text=self.rng.choice(GENERIC))
        return [Case("rule_customer", tx, self._book([invoice]))]

    def name_only(self) -> list[Case] | None:
        invoice = self._next()
        if invoice is None:
            return None
        customer = self.customers[invoice.customer_id]
        tx = self._tx(invoice.open_amount, invoice.currency, name=self._name(customer), iban=self._unknown_iban(),
                      text=self.rng.choice(GENERIC))
        return [Case("name_only", tx, Expected(Action.REVIEW, invoice.customer_id, ((invoice.invoice_id, invoice.open_amount),)))]

    def foreign(self) -> list[Case] | None:
        invoice = self._next(lambda i: i.currency != "EUR")
        if invoice is None:
            return None
        paid = (invoice.open_amount * RATES.get(invoice.currency, Decimal(1))).quantize(CENT)
        text, structured = self._quote(invoice) if self.rng.random() < 0.6 else (self.rng.choice(GENERIC), "")
        name, iban = self._payer(invoice.customer_id, 0.7)
        tx = self._tx(paid, "EUR", name=name, iban=iban, text=text, structured=structured,
                      instructed_amount=invoice.open_amount, instructed_currency=invoice.currency)
        return [Case("foreign", tx, Expected(Action.REVIEW, invoice.customer_id, ((invoice.invoice_id, invoice.open_amount),)),
                     invoice.currency)]

    def duplicate(self) -> list[Case] | None:
        """Two cases: a reference payment, and later the same payment again."""
        invoice = self._next(lambda i: bool(i.reference))
        if invoice is None:
            return None
        name, iban = self._payer(invoice.customer_id, 0.8)
        one = self._tx(invoice.open_amount, invoice.currency, name=name, iban=iban, structured=invoice.reference)
        two = self._tx(invoice.open_amount, invoice.currency, name=name, iban=iban, structured=invoice.reference)
        return [Case("reference", one, self._book([invoice]), "paid twice: first"),
                Case("duplicate", two, Expected(Action.REVIEW, invoice.customer_id))]

    def noise(self) -> list[Case] | None:
        amount = Decimal(self.rng.randint(1_000, 300_000)) / 100
        tx = self._tx(amount, "EUR", name=self.rng.choice(PEOPLE), iban=self._unknown_iban(),
                      text=self.rng.choice(("Deposit", "Loan repayment", "Gift", "Rent share", "Transfer", "")))
        return [Case("noise", tx, Expected(Action.REVIEW))]

    def refund(self) -> list[Case] | None:
        with_iban = [c for c in self.customers.values() if c.ibans]
        if not with_iban:
            return None
        customer = self.rng.choice(with_iban)
        amount = -Decimal(self.rng.randint(1_000, 100_000)) / 100
        tx = self._tx(amount, "EUR", name=customer.name, iban=customer.ibans[0], code="PMNT/ICDT/ESCT",
                      text=self.rng.choice(("Refund credit note", "Devolución abono", "Terugbetaling creditnota", "Refund")))
        return [Case("refund", tx, Expected(Action.IGNORE, category=IgnoreCategory.REFUND))]

    def bank_fee(self) -> list[Case] | None:
        code, text = self.rng.choice(FEES)
        tx = self._tx(-Decimal(self.rng.randint(10, 4_000)) / 100, "EUR", text=text, code=code)
        return [Case("bank_fee", tx, Expected(Action.IGNORE, category=IgnoreCategory.BANK_FEE), code or "text")]

    def provider_payout(self) -> list[Case] | None:
        name, text = self.rng.choice(PAYOUTS)
        tx = self._tx(Decimal(self.rng.randint(5_000, 900_000)) / 100, "EUR", name=name, iban=self._unknown_iban(),
                      text=text.format(n=self.rng.randrange(10**6, 10**7)))
        return [Case("provider_payout", tx, Expected(Action.IGNORE, category=IgnoreCategory.PROVIDER_PAYOUT))]

    def salary(self) -> list[Case] | None:
        tx = self._tx(-Decimal(self.rng.randint(150_000, 450_000)) / 100, "EUR", name=self.rng.choice(PEOPLE),
                      iban=self._unknown_iban(), text=self.rng.choice(SALARY_TEXT), code="PMNT/ICDT/ESCT")
        return [Case("salary", tx, Expected(Action.IGNORE, category=IgnoreCategory.SALARY))]

    def outgoing(self) -> list[Case] | None:
        name, text = self.rng.choice(SUPPLIERS)
        tx = self._tx(-Decimal(self.rng.randint(1_000, 200_000)) / 100, "EUR", name=name, iban=self._unknown_iban(),
                      text=text, code="PMNT/ICDT/ESCT")
        return [Case("outgoing", tx, Expected(Action.IGNORE, category=IgnoreCategory.OUTGOING))]


def generate(invoices: list[OpenInvoice], customers: list[KnownCustomer], size: int, seed: int) -> list[Case]:
    """About ``size`` labelled cases in the mix of ``CLASSES``; a later case of a pair comes after its first."""
    generator = Generator(invoices, customers, seed)
    labels = list(CLASSES)
    weights = [CLASSES[label][1] for label in labels]
    placed: list[tuple[float, int, Case]] = []
    count = 0
    while count < size:
        label = generator.rng.choices(labels, weights)[0]
        made = getattr(generator, label)() or generator.noise()
        position = float(count)
        for case in made:
            placed.append((position, len(placed), case))
            position += generator.rng.uniform(3, 60)
            count += 1
    placed.sort(key=lambda item: (item[0], item[1]))
    cases = [case for _, _, case in placed]
    return [Case(c.label, _redate(c.tx, n), c.expected, c.how) for n, c in enumerate(cases)]


def _redate(tx: BankTransaction, index: int) -> BankTransaction:
    day = START + timedelta(days=index // 40)
    return replace(tx, booking_date=day, value_date=day)
