"""A demo company with customers across Europe and invoices in every state over 18 months, and a
credit manager's last weeks on top (``demo_history``, ``demo_desk``, ``demo_bank``): reminder runs
with the payments that came in between, pauses, notes and credit limits, and a bank statement
imported yesterday with transactions waiting for review.

The same seed and the same ``today`` give the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from schwifty import IBAN

from desktop.domain.company import Company
from desktop.domain.customer import Customer
from desktop.domain.errors import PaydeskError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine, due_date_for
from desktop.domain.payment import Allocation, PaymentInput, PaymentMethod
from desktop.services.demo_desk import live_in
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import ProgressCallback, no_progress

DEMO_COMPANY = Company(
    name="Paydesk Demo B.V.", street="Keizersgracht 123", postal_code="1015 CJ", city="Amsterdam", country="NL",
    vat_id="NL004495445B01", iban="NL91ABNA0417164300", bic="ABNANL2A", email="billing@paydesk-demo.example",
    phone="+31 20 123 4567", currency="EUR", payment_term_days=30,
)


@dataclass(frozen=True, slots=True)
class Market:
    country: str
    language: str
    currency: str
    vat_rate: Decimal
    bank_code: str
    names: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]
    vat_ids: tuple[str, ...] = ()


MARKETS = (
    Market(
        "ES", "es", "EUR", Decimal(0), "0049",
        names=("García y Asociados S.L.", "Distribuciones Peña S.A.", "Talleres Ortiz S.L.", "Café Olé S.L.",
               "Construcciones Ibáñez S.A."),
        cities=(("28013", "Madrid"), ("08001", "Barcelona"), ("41001", "Sevilla")),
        streets=("Calle Mayor 12", "Avenida Diagonal 405", "Calle Sierpes 3"),
        vat_ids=("ESA13585625", "ESB58378431"),
    ),
    Market(
        "IT", "it", "EUR", Decimal(0), "0306909606",
        names=("Rossi & Figli S.r.l.", "Officine Bianchi S.p.A.", "Caffè Colombo S.r.l.", "Tessuti Ricci S.a.s."),
        cities=(("20121", "Milano"), ("00184", "Roma"), ("50123", "Firenze")),
        streets=("Via Dante 7", "Corso Vittorio Emanuele 21", "Via dei Calzaiuoli 4"),
        vat_ids=("IT00743110157", "IT01114601006"),
    ),
    Market(
        "NL", "nl", "EUR", Decimal(21), "ABNA",
        names=("De Vries Installatietechniek B.V.", "Bakkerij Jansen", "Van Dijk Logistiek B.V.", "Smit & Bakker Advocaten"),
        cities=(("1012 AB", "Amsterdam"), ("3011 AD", "Rotterdam"), ("3511 AX", "Utrecht")),
        streets=("Damrak 44", "Coolsingel 18", "Oudegracht 210"),
    ),
    Market(
        "SE", "sv", "SEK", Decimal(0), "500",
        names=("Lindqvist Bygg AB", "Karlsson & Söner AB", "Nordic Fika AB"),
        cities=(("111 52", "Stockholm"), ("411 03", "Göteborg")),
        streets=("Drottninggatan 55", "Kungsportsavenyen 9"),
        vat_ids=("SE556703748501",),
    ),
    Market(
        "RU", "ru", "EUR", Decimal(0), "",
        names=("ООО «Северный ветер»", "АО «Волга-Трейд»", "ИП Смирнова Анна Сергеевна"),
        cities=(("101000", "Москва"), ("190000", "Санкт-Петербург")),
        streets=("ул. Тверская, д. 7", "Невский проспект, д. 28"),
    ),
    Market(
        "GB", "en", "GBP", Decimal(0), "NWBK",
        names=("Thompson & Clarke Ltd", "Highland Outfitters Ltd", "Baker Street Books Ltd"),
        cities=(("EC1A 1BB", "London"), ("EH1 1YZ", "Edinburgh")),
        streets=("12 Fleet Street", "5 Royal Mile"),
        vat_ids=("GB980780684",),
    ),
)

PRODUCTS = {
    "en": ("Consulting (hours)", "Software licence, annual", "Support package", "Installation on site", "Training day"),
    "es": ("Consultoría (horas)", "Licencia de software anual", "Paquete de soporte", "Instalación in situ",
           "Jornada de formación"),
    "it": ("Consulenza (ore)", "Licenza software annuale", "Pacchetto di assistenza", "Installazione in sede",
           "Giornata di formazione"),
    "nl": ("Advieswerk (uren)", "Softwarelicentie, jaarlijks", "Ondersteuningspakket", "Installatie op locatie", "Trainingsdag"),
    "sv": ("Konsulttjänster (timmar)", "Programvarulicens, årlig", "Supportpaket", "Installation på plats", "Utbildningsdag"),
    "ru": ("Консультации (часы)", "Лицензия на ПО, годовая", "Пакет поддержки", "Монтаж на объекте", "Учебный день"),
}
UNITS = ("h", "pcs", "pcs", "pcs", "day")
PRICES = (Decimal("95.00"), Decimal("1200.00"), Decimal("249.00"), Decimal("480.00"), Decimal("750.00"))


def create_demo(
    paydesk: Paydesk, customers: int = 40, invoices: int = 300, seed: int = 1, today: date | None = None,
    progress: ProgressCallback = no_progress, history: bool = True,
) -> None:
    """Fill an empty database with the demo company, customers and invoices; with ``history`` also the
    credit manager's last weeks (reminder runs, pauses, notes, credit limits, yesterday's statement).
    Without it the payments are simply recorded: a plain book for scripts and tests to start from."""
    if paydesk.company.is_set_up():
        raise PaydeskError("This database already has a company; demo data goes into a new database.")
    rng = random.Random(seed)
    today = today or paydesk.today()
    paydesk.company.save(DEMO_COMPANY)
    customer_ids, markets = _customers(paydesk, rng, customers)
    progress(1, 5)
    drafts = _drafts(rng, today, customer_ids, markets, invoices)
    ids = paydesk.invoices.save_drafts(drafts)
    progress(2, 5)
    leave_as_draft = set(rng.sample(range(len(ids)), k=max(1, len(ids) // 25)))
    to_issue = [i for n, i in enumerate(ids) if n not in leave_as_draft]
    paydesk.invoices.finalize_many(to_issue)
    progress(3, 5)
    payments = _settle(paydesk, rng, today,
                       [(i, d) for n, (i, d) in enumerate(zip(ids, drafts, strict=True)) if n not in leave_as_draft])
    _subscriptions(paydesk, today, customer_ids)
    progress(4, 5)
    if history:
        live_in(paydesk, random.Random(f"{seed}:desk"), today, payments)
    else:
        for payment in sorted(payments, key=lambda p: p.date):
            paydesk.payments.record(payment)
    progress(5, 5)


def _subscriptions(paydesk: Paydesk, today: date, customer_ids: list[CustomerId]) -> None:
    """A few subscriptions of every kind, started over the last months and not billed yet: the first
    billing run (on start of the app, or ``paydesk billing run``) makes their invoices."""
    from desktop.domain.subscriptions import PlanLine, Subscription, Timing
    from desktop.services.subscriptions import SubscriptionService

    service = SubscriptionService(paydesk.db, lambda: today)
    first = today.replace(day=1)
    month_ago = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    plans = [
        ("Cloud hosting, business", [PlanLine("Managed server", Decimal(1), Decimal("89.00"), Decimal(21)),
                                     PlanLine("Backup storage (100 GB)", Decimal(2), Decimal("4.50"), Decimal(21))],
         1, Timing.ADVANCE, True),
        ("Support contract", [PlanLine("Support hours included", Decimal(8), Decimal("85.00"), Decimal(21))],
         3, Timing.ARREARS, True),
        ("Software licences", [PlanLine("Licence, per seat", Decimal(12), Decimal("240.00"), Decimal(21))],
         12, Timing.ADVANCE, True),
        ("Maintenance (review before sending)", [PlanLine("Preventive maintenance", Decimal(1), Decimal("350.00"), Decimal(21))],
         1, Timing.ADVANCE, False),
    ]
    for index, (name, lines, months, timing, auto_send) in enumerate(plans):
        customer = customer_ids[index % len(customer_ids)]
        service.save(Subscription.new(customer, name, DEMO_COMPANY.currency, month_ago, lines, interval_months=months,
                                      timing=timing, auto_send=auto_send))


def _customers(paydesk: Paydesk, rng: random.Random, count: int) -> tuple[list[CustomerId], list[Market]]:
    ids: list[CustomerId] = []
    markets: list[Market] = []
    for n in range(count):
        market = MARKETS[n % len(MARKETS)]
        name = market.names[(n // len(MARKETS)) % len(market.names)]
        if n >= len(MARKETS) * len(market.names):
            name = f"{name} ({n // (len(MARKETS) * len(market.names)) + 1})"
        postal, city = rng.choice(market.cities)
        iban = ""
        if market.bank_code:
            iban = str(IBAN.generate(market.country, bank_code=market.bank_code, account_code=str(rng.randrange(10**6, 10**7))))
        slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:12] or f"client{n}"
        customer = Customer(
            number=str(1001 + n), name=name, contact_person="", emails=[f"accounts@{slug}.example"],
            street=rng.choice(market.streets), postal_code=postal, city=city, country=market.country,
            language=market.language, vat_id=market.vat_ids[n % len(market.vat_ids)] if market.vat_ids and n % 3 == 0 else "",
            ibans=[iban] if iban else [], payment_term_days=rng.choice((None, 14, 30, 45)),
        )
        ids.append(paydesk.customers.save(customer))
        markets.append(market)
    return ids, markets


def _drafts(
    rng: random.Random, today: date, customer_ids: list[CustomerId], markets: list[Market], count: int,
) -> list[InvoiceDraft]:
    drafts: list[InvoiceDraft] = []
    start = today - timedelta(days=548)
    days = sorted(rng.randrange(0, 548) for _ in range(count))
    for offset in days:
        index = rng.randrange(len(customer_ids))
        market = markets[index]
        issue = start + timedelta(days=offset)
        lines = []
        for _ in range(rng.randint(1, 5)):
            product = rng.randrange(len(PRODUCTS["en"]))
            lines.append(InvoiceLine(
                description=PRODUCTS[market.language][product], quantity=Decimal(rng.randint(1, 4)),
                unit_price=PRICES[product], vat_rate=market.vat_rate or Decimal(21),
                discount_percent=Decimal(rng.choice((0, 0, 0, 5, 10))), unit=UNITS[product],
            ))
        drafts.append(InvoiceDraft(
            customer_id=customer_ids[index], currency=market.currency, issue_date=issue,
            due_date=due_date_for(issue, rng.choice((14, 30, 30, 45))), lines=lines,
        ))
    return drafts


def _settle(
    paydesk: Paydesk, rng: random.Random, today: date, issued: list[tuple[InvoiceId, InvoiceDraft]],
) -> list[PaymentInput]:
    """Void, write off and credit a few invoices; the payments of most that fell due (and some part payments)
    are returned, to be recorded on their dates between the reminder runs (``demo_history``)."""
    payments: list[PaymentInput] = []
    for invoice_id, draft in issued:
        age = (today - draft.due_date).days
        roll = rng.random()
        total = draft.totals().total
        assert draft.customer_id is not None
        if roll < 0.03:
            paydesk.invoices.void(invoice_id, "Issued in error")
        elif roll < 0.06:
            paydesk.credit_notes.credit_whole(invoice_id, "Goods returned", on=min(today, draft.issue_date + timedelta(days=10)))
        elif roll < 0.08 and age > 90:
            paydesk.invoices.write_off(invoice_id, "Customer insolvent")
        elif (age > 0 and roll < 0.85) or (age <= 0 and roll < 0.25):
            paid_on = min(today, draft.due_date + timedelta(days=rng.randint(-10, 20)))
            paid_on = max(paid_on, draft.issue_date)
            amount = total if rng.random() > 0.1 else (total / 2).quantize(Decimal("0.01"))
            if rng.random() < 0.03:
                amount += Decimal("25.00")  # overpaid: stays as credit
            allocate = min(amount, total)
            payments.append(PaymentInput(
                customer_id=draft.customer_id, date=paid_on, amount=amount, currency=draft.currency,
                method=rng.choice((PaymentMethod.BANK_TRANSFER, PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD)),
                allocations=[Allocation(invoice_id, allocate)],
            ))
    return payments


__all__ = ["DEMO_COMPANY", "create_demo"]
