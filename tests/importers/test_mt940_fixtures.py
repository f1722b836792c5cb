"""MT940/MT942 files as the banks write them: every entry of every fixture read as the bank meant it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.bank import Balance, BankTransaction, ParsedFile, StatementKind, check_balance
from desktop.importers.mt940 import MT940, MT942

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "mt940"


def parse(name: str) -> ParsedFile:
    data = (FIXTURES / name).read_bytes()
    fmt = MT942 if name.endswith(".mt942") else MT940
    assert fmt.sniff(data[:65536])
    return fmt.parse(data, name)


def party(t: BankTransaction) -> tuple[str, str, str]:
    return t.counterparty_name, t.counterparty_iban, t.counterparty_bic


def refs(t: BankTransaction) -> tuple[str, str, str]:
    return t.structured_reference, t.end_to_end_id, t.bank_reference


@pytest.mark.parametrize("name", ["ing_nl.sta", "rabobank.swi", "abnamro.sta", "sparkasse.sta",
                                  "deutschebank_with_blocks.mt940", "ing_intraday.mt942"])
def test_every_good_fixture_adds_up(name):
    parsed = parse(name)
    for statement in parsed.statements:
        assert check_balance(statement).ok, (name, statement.statement_id, check_balance(statement).problems())


def test_ing_structured_sepa_text():
    parsed = parse("ing_nl.sta")
    assert (parsed.format, parsed.dialect, parsed.encoding) == ("mt940", "ING", "UTF-8")
    [statement] = parsed.statements
    assert (statement.account, statement.currency, statement.kind) == ("NL69INGB0123456789", "EUR", StatementKind.STATEMENT)
    assert (statement.statement_id, statement.sequence) == ("P261118000000001", "00012")  # a number without sequence
    assert statement.opening == Balance(Decimal("12500.00"), date(2026, 11, 13))
    assert statement.closing == Balance(Decimal("14220.55"), date(2026, 11, 18))
    paid, rf, debit, fee, kenmerk = statement.transactions

    assert (paid.booking_date, paid.value_date, paid.amount, paid.currency) == (
        date(2026, 11, 16), date(2026, 11, 16), Decimal("1210.00"), "EUR")
    assert party(paid) == ("Bakkerij de Graaf BV", "NL91ABNA0417164300", "ABNANL2A")
    assert paid.remittance == "Factuur 2026-0042 klantnr 1001 levering 12 november 2026 Utrecht centrum"  # wrapped at 65
    assert refs(paid) == ("", "PAY-2026-0042-001", "26320412345678")
    assert paid.bank_code == "NTRF"
    assert paid.raw.splitlines()[0] == ":61:2611161116C1210,00NTRFEREF//26320412345678"
    assert paid.raw.splitlines()[1] == "/TRCD/00100/"
    assert paid.raw.splitlines()[2].startswith(":86:/EREF/PAY-2026-0042-001//CNTP/")

    assert party(rf) == ("Jansen Installatietechniek", "NL39RABO0300065264", "RABONL2U")
    assert (rf.remittance, *refs(rf)) == ("", "RF7920260107", "", "26320412345679")  # STRD/CUR; EREF NOTPROVIDED

    assert (debit.amount, debit.bank_code, debit.counterparty_name) == (Decimal("-89.95"), "NDDT", "KPN B.V.")
    assert (debit.remittance, debit.end_to_end_id) == ("Factuur 88123 november 2026", "KPN-INV-88123")

    assert (fee.amount, fee.bank_code, party(fee)) == (Decimal("-12.50"), "NCHG", ("", "", ""))
    assert fee.remittance == "Kosten zakelijk betalingsverkeer oktober 2026"

    # no /EREF/ in :86:: the reference for the account owner in :61: stands in for it
    assert (kenmerk.amount, kenmerk.end_to_end_id) == (Decimal("250.00"), "5001123412341234")
    assert kenmerk.remittance == "Termijn 2 van 3"


def test_rabobank_counter_account_line_year_end_and_reversal():
    parsed = parse("rabobank.swi")
    assert (parsed.format, parsed.dialect) == ("mt940", "Rabobank")
    first, second = parsed.statements
    assert (first.account, first.currency) == ("NL44RABO0123456789", "EUR")
    assert (first.statement_id, first.sequence) == ("940S251231", "00365")
    assert second.opening == Balance(Decimal("5339.00"), date(2025, 12, 31))
    received, paid, reversed_credit = first.transactions
    # value date 31 Dec 2025, entry date "0102": booked in the next year
    assert (received.value_date, received.booking_date) == (date(2025, 12, 31), date(2026, 1, 2))
    assert party(received) == ("Bakkerij de Graaf BV", "NL91ABNA0417164300", "")  # IBAN from the line below :61:
    assert (received.remittance, received.end_to_end_id, received.bank_code) == (
        "Factuur 2025-0311 en 2025-0312", "E2E-77120", "N541")  # the EREF value holds no "/" here; /TRCD/ is no text
    assert (paid.amount, party(paid)) == (Decimal("-45.00"), ("Drukkerij Tromp", "NL02ABNA0123456789", ""))
    assert (paid.remittance, paid.end_to_end_id) == ("Order 4471", "PAY-20251231-1")
    assert reversed_credit.amount == Decimal("-100.00")  # RC: a credit taken back is money out
    assert reversed_credit.remittance == "Terugboeking dubbel betaald 2025-0311"

    [late] = second.transactions
    # value date 2 Jan 2026, entry date "1231": booked in the year before
    assert (late.value_date, late.booking_date) == (date(2026, 1, 2), date(2025, 12, 31))
    assert (late.counterparty_name, late.counterparty_iban) == ("J. de Vries", "P001234567")  # an old giro number
    assert (late.remittance, late.structured_reference, late.end_to_end_id) == (
        "Factuur 2025-0320 RF8820260042", "RF8820260042", "")


def test_abn_amro_preamble_free_text_and_sepa():
    parsed = parse("abnamro.sta")
    assert (parsed.format, parsed.dialect) == ("mt940", "ABN AMRO")
    first, second = parsed.statements
    assert (first.account, first.statement_id) == ("417164300", "ABN AMRO BANK NV")
    assert first.sequence == "32001/1"  # ":28:" with a sequence number
    card, sepa, giro = first.transactions
    assert (card.amount, card.bank_code, party(card)) == (Decimal("-4.75"), "N426", ("", "", ""))
    assert card.remittance == "BEA NR:XK2291 16.11.26/12.31 Cafe Centraal Utrecht,PAS123"
    assert party(sepa) == ("Fietsenmakerij Snel", "NL58KNAB0255447391", "KNABNL2H")
    assert (sepa.remittance, *refs(sepa)) == ("Factuur RF28INV1187 bedankt", "RF28INV1187", "", "")
    assert party(giro) == ("BELASTINGDIENST", "NL86INGB0002445588", "INGBNL2A")
    assert (giro.remittance, giro.structured_reference) == ("", "4420043232693268")  # ISSUER: CUR REF: ...

    labelled, savings = second.transactions
    assert party(labelled) == ("JANSEN INSTALLATIETECHNIEK", "NL39RABO0300065264", "RABONL2U")
    assert (labelled.remittance, labelled.end_to_end_id) == ("FACTUUR 2026-0099 EN 2026-0100", "17-11-2026 09:12 1234567890")
    assert savings.counterparty_iban == "NL44RABO0123456789"  # found in free text
    assert savings.remittance == "OVERBOEKING NAAR SPAARREKENING NL44RABO0123456789 BUFFER"


def test_sparkasse_subfields_in_latin1():
    parsed = parse("sparkasse.sta")
    assert (parsed.format, parsed.dialect, parsed.encoding) == ("mt940", "Sparkasse", "Latin-1")
    [statement] = parsed.statements
    assert (statement.account, statement.sequence) == ("50050201/0123456789", "211/1")
    credit, debit, fee, returned = statement.transactions
    assert credit.amount == Decimal("1190.00")  # "CR": credit with funds code R
    assert party(credit) == ("Müller Söhne Werkzeugbau GmbH", "DE89370400440532013000", "COBADEFFXXX")  # ?32 + ?33
    assert credit.remittance == "Rechnung 2026-0087 Kundennr. 1001 vielen Dank"  # SVWZ+ over ?21 and ?22
    assert credit.end_to_end_id == "RE2026-0087-ZAHLUNG"
    assert (debit.amount, debit.bank_code, debit.counterparty_name) == (Decimal("-59.90"), "NDDT", "Vodafone GmbH")
    assert debit.remittance == "Vodafone Kundenkonto 1234567 Rechnung 11/2026"  # KREF+, MREF+, CRED+ left out
    assert debit.end_to_end_id == "VF-2026-11-0042"
    assert (fee.amount, fee.remittance, fee.counterparty_name) == (
        Decimal("-7.50"), "Kontoführungsentgelt 10/2026 inkl. Überweisungsgebühren", "")
    assert returned.amount == Decimal("59.90")  # RD: a debit taken back is money in
    assert returned.remittance == "Rücklastschrift Widerspruch"


def test_deutsche_bank_swift_blocks_pages_crlf_and_windows_1252():
    data = (FIXTURES / "deutschebank_with_blocks.mt940").read_bytes()
    assert b"\r\n" in data and b"\x80" in data  # stored byte for byte: CRLF, and the euro sign in Windows-1252
    parsed = parse("deutschebank_with_blocks.mt940")
    assert (parsed.format, parsed.dialect, parsed.encoding) == ("mt940", "Deutsche Bank", "Windows-1252")
    page1, page2 = parsed.statements
    assert (page1.sequence, page2.sequence) == ("00112/001", "00112/002")
    assert page1.closing == page2.opening == Balance(Decimal("24760.00"), date(2026, 11, 16))  # :62M: / :60M:
    [received] = page1.transactions
    assert party(received) == ("Schmidt & Partner Architekten mbB", "DE77760100850098765432", "PBNKDEFFXXX")
    assert received.remittance == "RF8820260042 Rechnung 2026-0042 Betrag 4.760,00 €"
    assert refs(received) == ("RF8820260042", "", "DB00000001")
    [paid] = page2.transactions
    assert (paid.amount, paid.counterparty_name) == (Decimal("-1785.00"), "Büro Kramer KG")
    assert paid.remittance == "Lieferung 881 Büromöbel"


def test_mt942_intraday_report():
    data = (FIXTURES / "ing_intraday.mt942").read_bytes()
    assert MT942.sniff(data) and not MT940.sniff(data)
    parsed = MT942.parse(data, "ing_intraday.mt942")
    assert (parsed.format, parsed.dialect) == ("mt942", "ING")
    [statement] = parsed.statements
    assert statement.kind is StatementKind.INTRADAY
    assert (statement.opening, statement.closing, statement.declared_count) == (None, None, 3)  # :90D: 1 + :90C: 2
    assert (statement.account, statement.currency) == ("NL69INGB0123456789", "EUR")
    hotel, parking, web = statement.transactions
    assert (hotel.amount, hotel.counterparty_name, hotel.remittance, hotel.end_to_end_id) == (
        Decimal("480.00"), "Hotel Zonneveld BV", "Factuur 2026-0111", "ORDER-5521")
    assert (parking.amount, parking.booking_date) == (Decimal("-35.00"), date(2026, 11, 21))
    assert (web.structured_reference, web.end_to_end_id) == ("RF28INV1187", "WEB-99812")


def test_sniffing_tells_the_formats_apart():
    for name in ("ing_nl.sta", "rabobank.swi", "abnamro.sta", "sparkasse.sta", "deutschebank_with_blocks.mt940"):
        data = (FIXTURES / name).read_bytes()
        assert MT940.sniff(data) and not MT942.sniff(data), name
    for head in (b"<?xml version='1.0'?><Document/>", b"Date;Amount\n2026-11-16;12,50\n", b"OFXHEADER:100\n<OFX>"):
        assert not MT940.sniff(head) and not MT942.sniff(head)
    assert ".sta" in MT940.extensions and ".swi" in MT940.extensions and ".942" in MT942.extensions
