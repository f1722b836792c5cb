"""Yesterday's bank statement of the demo company, written as a camt.053 file and imported through
``StatementService.import_file``: customers paying invoices in full (booked automatically), and a
few transactions the matcher leaves for review (a part payment on account, a payment from a
private account, an amount without a reference) or cannot place at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from desktop.domain.bank import BankTransaction
from desktop.domain.ids import CustomerId
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.paydesk import Paydesk
from desktop.services.statements import ImportReport

PAID_IN_FULL = 6  # transactions that pay an invoice exactly, with its number
OPENING_BALANCE = Decimal("48210.37")


@dataclass(frozen=True, slots=True)
class Payer:
    customer_id: CustomerId
    name: str
    iban: str


def import_yesterdays_statement(paydesk: Paydesk, rng: random.Random, today: date, avoid: set[CustomerId],
                                due_today: set[CustomerId]) -> list[ImportReport]:
    """Import the statement of yesterday (booked over the last two days) into the company's account; customers in
    ``avoid`` do not pay, one in ``due_today`` (due a reminder today) pays part of what it owes without saying what."""
    company = paydesk.company.get()
    if company is None or not company.iban:
        return []
    currency = company.currency
    transactions = statement_transactions(paydesk, rng, today, currency, avoid, due_today)
    if not transactions:
        return []
    data = camt053(company.iban, currency, transactions, OPENING_BALANCE, f"STMT-{today - timedelta(days=1):%Y%m%d}")
    return paydesk.statements.import_file(f"statement-{today - timedelta(days=1):%Y-%m-%d}.xml", data)


def statement_transactions(paydesk: Paydesk, rng: random.Random, today: date, currency: str, avoid: set[CustomerId],
                           due_today: set[CustomerId]) -> list[BankTransaction]:
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    payers: dict[CustomerId, Payer] = {}
    for customer_id, _number, name in sorted(paydesk.customers.choices()):
        ibans = paydesk.customers.get(customer_id).ibans
        if ibans and customer_id not in avoid:
            payers[customer_id] = Payer(customer_id, name, ibans[0])
    open_invoices = [s for s in paydesk.invoices.all_summaries()
                     if s.kind is InvoiceKind.INVOICE and s.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)
                     and s.currency == currency and s.number and s.open_amount > 0 and s.customer_id in payers]
    found: list[BankTransaction] = []
    part = _part_payer(open_invoices, due_today)
    if part is not None:
        payer, owed = payers[part.customer_id], part.open_amount
        found.append(_incoming(before, (owed * Decimal("0.4")).quantize(Decimal(1)), currency, payer.name,
                               "FR7630006000011234567890189", "Payment on account, rest follows next month"))
    busy = {part.customer_id} if part is not None else set()
    soon = sorted((s for s in open_invoices if s.customer_id not in busy and s.due_date >= today - timedelta(days=20)),
                  key=lambda s: (s.due_date, s.id))
    for s in rng.sample(soon, k=min(PAID_IN_FULL, len(soon))):
        if s.customer_id in busy:
            continue
        busy.add(s.customer_id)
        payer = payers[s.customer_id]
        found.append(_incoming(rng.choice((yesterday, before)), s.open_amount, currency, payer.name.upper(), payer.iban,
                               f"Invoice {s.number}", s.reference or ""))
    rest = [s for s in open_invoices if s.customer_id not in busy]
    together = _two_invoices(rest)
    if together is not None:
        first, second = together
        busy.add(first.customer_id)
        payer = payers[first.customer_id]
        found.append(_incoming(yesterday, first.open_amount + second.open_amount - Decimal("12.50"), currency, payer.name,
                               payer.iban, f"{first.number} {second.number}"))
        rest = [s for s in rest if s.customer_id not in busy]
    if rest:
        s = rng.choice(rest)
        found.append(_incoming(yesterday, s.open_amount, currency, "M. Jansen-de Boer", "DE89370400440532013000",
                               "Rechnung"))
    if len(rest) > 1:
        s = rng.choice(rest)
        found.append(_incoming(yesterday, s.open_amount - Decimal("15.00"), currency, "Western Trade Services Ltd",
                               "GB33BUKB20201555555555", "Payment for services less bank charges"))
    found.append(_incoming(before, Decimal("37.80"), currency, "Deutsche Bahn AG", "DE02100100109307118603",
                           "Refund booking 8842-1193"))
    found.append(BankTransaction(booking_date=yesterday, value_date=yesterday, amount=Decimal("-2450.00"),
                                 currency=currency, counterparty_name="Vastgoed Keizersgracht B.V.",
                                 counterparty_iban="NL39RABO0300065264", remittance="Office rent December",
                                 bank_code="PMNT/ICDT/ESCT"))
    found.sort(key=lambda t: (t.booking_date, t.amount))
    return [_with_reference(t, n, today) for n, t in enumerate(found, 1)]


def _part_payer(open_invoices: list[InvoiceSummary], due_today: set[CustomerId]) -> InvoiceSummary | None:
    """The biggest open invoice of a customer due a reminder today (its reminder is held back by the payment)."""
    candidates = [s for s in open_invoices if s.customer_id in due_today and s.open_amount >= 100]
    return max(candidates, key=lambda s: (s.open_amount, s.id)) if candidates else None


def _two_invoices(open_invoices: list[InvoiceSummary]) -> tuple[InvoiceSummary, InvoiceSummary] | None:
    """Two open invoices of one customer (the oldest such customer's two oldest), paid together less a bank charge."""
    by_customer: dict[CustomerId, list[InvoiceSummary]] = {}
    for s in sorted(open_invoices, key=lambda s: (s.due_date, s.id)):
        by_customer.setdefault(s.customer_id, []).append(s)
    pairs = [found[:2] for found in by_customer.values() if len(found) >= 2 and found[0].open_amount > 100]
    return (pairs[0][0], pairs[0][1]) if pairs else None


def _incoming(day: date, amount: Decimal, currency: str, name: str, iban: str, remittance: str,
              reference: str = "") -> BankTransaction:
    structured = reference if reference.startswith("RF") else ""
    return BankTransaction(booking_date=day, value_date=day, amount=amount, currency=currency, counterparty_name=name,
                           counterparty_iban=iban, remittance=remittance, structured_reference=structured,
                           bank_code="PMNT/RCDT/ESCT")


def _with_reference(t: BankTransaction, n: int, today: date) -> BankTransaction:
    return BankTransaction(
        booking_date=t.booking_date, value_date=t.value_date, amount=t.amount, currency=t.currency,
        counterparty_name=t.counterparty_name, counterparty_iban=t.counterparty_iban, remittance=t.remittance,
        structured_reference=t.structured_reference, bank_reference=f"{today:%Y%m%d}{n:06d}", bank_code=t.bank_code,
    )


def camt053(account_iban: str, currency: str, transactions: list[BankTransaction], opening: Decimal,
            statement_id: str) -> bytes:
    """A camt.053.001.02 statement: one booked entry per transaction, balances and totals that add up."""
    first = min(t.booking_date for t in transactions)
    last = max(t.booking_date for t in transactions)
    created = datetime.combine(last, time(18, 0))
    closing = opening + sum((t.amount for t in transactions), Decimal(0))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n',
        f"<GrpHdr><MsgId>{escape(statement_id)}</MsgId><CreDtTm>{created:%Y-%m-%dT%H:%M:%S}</CreDtTm></GrpHdr>\n",
        f"<Stmt><Id>{escape(statement_id)}</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        f"<CreDtTm>{created:%Y-%m-%dT%H:%M:%S}</CreDtTm>\n",
        f"<FrToDt><FrDtTm>{first}T00:00:00</FrDtTm><ToDtTm>{last}T23:59:59</ToDtTm></FrToDt>\n",
        f"<Acct><Id><IBAN>{escape(account_iban)}</IBAN></Id><Ccy>{currency}</Ccy></Acct>\n",
        _balance("OPBD", opening, currency, first),
        _balance("CLBD", closing, currency, last),
        _summary(transactions),
    ]
    out.extend(_entry(t) for t in transactions)
    out.append("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    return "".join(out).encode("utf-8")


def _indicator(value: Decimal) -> str:
    return "DBIT" if value < 0 else "CRDT"


def _balance(code: str, value: Decimal, currency: str, day: date) -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{currency}\">{abs(value):f}</Amt>"
            f"<CdtDbtInd>{_indicator(value)}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n")


def _summary(transactions: list[BankTransaction]) -> str:
    credits = sum((t.amount for t in transactions if t.amount >= 0), Decimal(0))
    debits = sum((-t.amount for t in transactions if t.amount < 0), Decimal(0))
    net = credits - debits
    return (f"<TxsSummry><TtlNtries><NbOfNtries>{len(transactions)}</NbOfNtries><Sum>{credits + debits:f}</Sum>"
            f"<TtlNetNtryAmt>{abs(net):f}</TtlNetNtryAmt><CdtDbtInd>{_indicator(net)}</CdtDbtInd></TtlNtries>"
            "</TxsSummry>\n")


def _entry(t: BankTransaction) -> str:
    value = f"{abs(t.amount):f}"
    domain, family, sub = t.bank_code.split("/")
    party, account = ("Dbtr", "DbtrAcct") if t.amount > 0 else ("Cdtr", "CdtrAcct")
    remittance = f"<Ustrd>{escape(t.remittance)}</Ustrd>" if t.remittance else ""
    if t.structured_reference:
        remittance += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
                       f"<Ref>{escape(t.structured_reference)}</Ref></CdtrRefInf></Strd>")
    return (
        f"<Ntry><Amt Ccy=\"{t.currency}\">{value}</Amt><CdtDbtInd>{_indicator(t.amount)}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{t.booking_date}</Dt></BookgDt><ValDt><Dt>{t.value_date or t.booking_date}</Dt></ValDt>"
        f"<AcctSvcrRef>{escape(t.bank_reference)}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        f"<AmtDtls><TxAmt><Amt Ccy=\"{t.currency}\">{value}</Amt></TxAmt></AmtDtls>"
        f"<RltdPties><{party}><Nm>{escape(t.counterparty_name)}</Nm></{party}>"
        f"<{account}><Id><IBAN>{t.counterparty_iban}</IBAN></Id></{account}></RltdPties>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
    )


__all__ = ["camt053", "import_yesterdays_statement", "statement_transactions"]
