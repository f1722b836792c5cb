"""OFX 1.x (SGML), OFX 2.x (XML) and QFX statements: every entry read as the bank meant it; hostile or broken files refused."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.bank import Balance, ParsedFile, StatementKind, UnreadableStatement
from desktop.importers.ofx import FORMAT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "ofx"


def parse(name: str) -> ParsedFile:
    data = (FIXTURES / name).read_bytes()
    assert FORMAT.sniff(data[:65536])
    return FORMAT.parse(data, name)


def sgml(transactions: str, extra: str = "") -> bytes:
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<TRNUID>1\n" + extra +
            "<STMTRS>\n<CURDEF>EUR\n<BANKACCTFROM>\n<BANKID>1\n<ACCTID>NL91 ABNA 0417 1643 00\n</BANKACCTFROM>\n"
            "<BANKTRANLIST>\n" + transactions + "</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n").encode()


def test_ofx1_sgml_french_bank_with_comma_decimals():
    parsed = parse("ofx1_bank.ofx")
    assert (parsed.format, parsed.encoding, parsed.warnings) == ("ofx-1", "Windows-1252", [])
    [statement] = parsed.statements
    assert (statement.account, statement.currency, statement.kind) == ("30004/00012345678", "EUR", StatementKind.STATEMENT)
    assert statement.statement_id == "20261118080000"
    assert statement.opening is None  # OFX has no opening balance
    assert statement.closing == Balance(Decimal("4875.60"), date(2026, 11, 18))
    credit, debit, cheque, fee = statement.transactions
    assert (credit.booking_date, credit.value_date, credit.amount, credit.currency) == (
        date(2026, 11, 16), date(2026, 11, 15), Decimal("1250.00"), "EUR")
    assert (credit.counterparty_name, credit.bank_code) == ("Dupont & Fils SARL", "CREDIT")
    assert credit.bank_reference == "2026111600001"
    assert credit.remittance == "VIR SEPA Facture 2026-0042 RF88 2026 0042"
    assert credit.structured_reference == "RF8820260042"
    assert credit.raw.startswith("<STMTTRN>") and credit.raw.endswith("</STMTTRN>") and "<TRNAMT>1250,00" in credit.raw
    assert (debit.amount, debit.counterparty_name, debit.remittance) == (
        Decimal("-45.90"), "Prélèvement Électricité", "Échéance novembre 45,90 €")  # a leaf with its end tag
    assert (debit.value_date, debit.bank_code) == (None, "DEBIT")
    assert (cheque.amount, cheque.bank_code, cheque.remittance) == (Decimal("-320.00"), "CHECK", "check 0001234")
    assert (fee.amount, fee.remittance, fee.bank_code) == (Decimal("-8.50"), "", "FEE")


def test_ofx2_xml_with_two_accounts():
    parsed = parse("ofx2_bank.ofx")
    assert (parsed.format, parsed.encoding) == ("ofx-2", "UTF-8")
    checking, savings = parsed.statements
    assert (checking.account, checking.currency, checking.statement_id) == ("121000248/4417003344", "USD", "7c2e1a")
    assert checking.closing == Balance(Decimal("6270.01"), date(2026, 11, 18))  # "20261118235959.000[-5:EST]"
    ach, power, transfer = checking.transactions
    assert (ach.booking_date, ach.value_date, ach.amount) == (date(2026, 11, 15), date(2026, 11, 14), Decimal("2400.00"))
    assert (ach.counterparty_name, ach.remittance) == ("ACME WIDGETS INC", "ACH CREDIT INV 2026-0107")
    assert ach.bank_reference == "202611150001"
    assert ach.raw.startswith("<STMTTRN><TRNTYPE>CREDIT</TRNTYPE>")
    assert (power.amount, power.counterparty_name, power.end_to_end_id, power.bank_code) == (
        Decimal("-129.99"), "CITY POWER & LIGHT", "PPD-88213", "DIRECTDEBIT")
    assert (transfer.amount, transfer.counterparty_iban) == (Decimal("-500.00"), "4417009988")  # BANKACCTTO
    assert savings.account == "121000248/4417009988"
    assert [t.amount for t in savings.transactions] == [Decimal("500.00"), Decimal("3.12")]
    assert savings.closing == Balance(Decimal("10503.12"), date(2026, 11, 18))


def test_qfx_with_intuit_extras_on_few_lines():
    parsed = parse("bank.qfx")
    assert (parsed.format, parsed.dialect) == ("ofx-1", "B1")  # <FI><ORG>
    [statement] = parsed.statements
    assert (statement.account, statement.currency) == ("322271627/000009876543210", "USD")
    northwind, office = statement.transactions
    assert (northwind.amount, northwind.counterparty_name, northwind.structured_reference) == (
        Decimal("875.50"), "NORTHWIND TRADERS", "RF28INV1187")
    assert northwind.bank_reference == "20261116 875.50 0"
    assert (office.amount, office.booking_date, office.bank_code) == (Decimal("-18.25"), date(2026, 11, 17), "POS")
    assert statement.closing == Balance(Decimal("3201.75"), date(2026, 11, 18))


def test_credit_card_statement_with_end_tags_everywhere():
    [statement] = parse("creditcard.ofx").statements
    assert (statement.account, statement.currency, statement.statement_id) == ("XXXXXXXXXXXX4242", "GBP", "")
    assert statement.closing == Balance(Decimal("-412.77"), date(2026, 11, 18))
    train, payment = statement.transactions
    assert (train.amount, train.booking_date, train.value_date) == (Decimal("-64.20"), date(2026, 11, 3), date(2026, 11, 1))
    assert (train.counterparty_name, train.remittance) == ("TRAINLINE LONDON", "Ticket 4411")
    assert (payment.amount, payment.remittance, payment.bank_reference) == (Decimal("250.00"), "", "CC-0002")


def test_a_dtd_with_entities_is_refused():
    with pytest.raises(UnreadableStatement, match="refuses DTDs and entities"):
        parse("broken_dtd_entities.ofx")


def test_a_file_that_is_no_ofx_is_refused():
    data = (FIXTURES / "broken_not_ofx.ofx").read_bytes()
    assert not FORMAT.sniff(data)
    with pytest.raises(UnreadableStatement, match="not an OFX file"):
        FORMAT.parse(data, "broken_not_ofx.ofx")


def test_a_cut_off_sgml_file_is_refused_with_its_line():
    with pytest.raises(UnreadableStatement) as caught:
        parse("broken_truncated.ofx")
    assert caught.value.where == "line 59"
    assert "the file ends inside <STMTTRN> (opened at line 57)" in caught.value.reason


def test_a_cut_off_xml_file_is_refused():
    data = (FIXTURES / "ofx2_bank.ofx").read_bytes()
    with pytest.raises(UnreadableStatement, match="cut off"):
        FORMAT.parse(data[: len(data) // 2], "half.ofx")


@pytest.mark.parametrize(("entry", "where", "reason"), [
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261116\n<TRNAMT>12,5x\n<FITID>A\n</STMTTRN>\n", "line 19",
     "<TRNAMT> is not an amount"),
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>2026-11-16\n<TRNAMT>1\n</STMTTRN>\n", "line 18", "<DTPOSTED> is not a date"),
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261131\n<TRNAMT>1\n</STMTTRN>\n", "line 18", "<DTPOSTED> is not a date"),
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<TRNAMT>1\n</STMTTRN>\n", "line 16", "no date (<DTPOSTED>)"),
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261116\n<TRNAMT>NaN\n</STMTTRN>\n", "line 19", "is not an amount"),
    ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261116\n<TRNAMT>1E999999\n</STMTTRN>\n", "line 19", "is not an amount"),
])
def test_broken_transactions_name_their_line(entry, where, reason):  # the entries start at line 16
    with pytest.raises(UnreadableStatement) as caught:
        FORMAT.parse(sgml(entry), "bank.ofx")
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_amount_marks_iban_accounts_and_empty_leaves():
    entries = ("<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261116\n<TRNAMT>1.234,56\n<FITID>A\n<MEMO>\n<NAME>X\n</STMTTRN>\n"
               "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20261116\n<TRNAMT>-1,234.56\n<FITID>B\n<PAYEE>\n<NAME>Y\n</PAYEE>\n</STMTTRN>\n")
    [statement] = FORMAT.parse(sgml(entries), "bank.ofx").statements
    assert statement.account == "NL91ABNA0417164300"  # an IBAN stays alone, without the bank id
    first, second = statement.transactions
    assert (first.amount, first.counterparty_name, first.remittance) == (Decimal("1234.56"), "X", "")
    assert (second.amount, second.counterparty_name) == (Decimal("-1234.56"), "Y")


def test_a_bank_error_instead_of_a_statement():
    data = (b"OFXHEADER:100\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000<SEVERITY>ERROR"
            b"<MESSAGE>Account not available</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    with pytest.raises(UnreadableStatement, match="the bank sent no statement: Account not available"):
        FORMAT.parse(data, "error.ofx")
    with pytest.raises(UnreadableStatement, match="no currency"):
        FORMAT.parse(sgml("").replace(b"<CURDEF>EUR\n", b""), "nocur.ofx")


def test_twenty_thousand_transactions_parse_quickly():
    entries = "".join(f"<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20261116\n<TRNAMT>{i}.50\n<FITID>F{i}\n<NAME>Client {i}\n"
                      f"<MEMO>Invoice {i}\n</STMTTRN>\n" for i in range(20_000))
    started = time.perf_counter()
    [statement] = FORMAT.parse(sgml(entries), "big.ofx").statements
    elapsed = time.perf_counter() - started
    assert len(statement.transactions) == 20_000
    assert statement.transactions[-1].remittance == "Invoice 19999"
    assert elapsed < 10, f"20,000 transactions took {elapsed:.1f} s"


def test_xml_errors_name_the_transaction():
    data = (FIXTURES / "ofx2_bank.ofx").read_bytes().replace(b"<TRNAMT>-129.99", b"<TRNAMT>-129.99.1")
    with pytest.raises(UnreadableStatement) as caught:
        FORMAT.parse(data, "ofx2_bank.ofx")
    assert caught.value.where == "STMTTRN 2 (FITID 202611160002)"
    assert caught.value.reason == "<TRNAMT> is not an amount: '-129.99.1'"


def test_an_ofx_file_without_statements():
    data = b'<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="220"?><OFX><SIGNONMSGSRSV1/></OFX>'
    with pytest.raises(UnreadableStatement, match="holds no bank or credit card statement"):
        FORMAT.parse(data, "empty.ofx")


def test_ofx2_in_windows_1252():
    xml = ('<?xml version="1.0" encoding="windows-1252"?><?OFX OFXHEADER="200" VERSION="220"?><OFX><BANKMSGSRSV1>'
           "<STMTTRNRS><TRNUID>1</TRNUID><STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM><BANKID>1</BANKID><ACCTID>2</ACCTID>"
           "</BANKACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20261116</DTPOSTED><TRNAMT>1.00</TRNAMT>"
           "<FITID>1</FITID><NAME>Café € Noël</NAME></STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    parsed = FORMAT.parse(xml.encode("cp1252"), "cafe.ofx")
    assert (parsed.format, parsed.encoding) == ("ofx-2", "Windows-1252")
    assert parsed.statements[0].transactions[0].counterparty_name == "Café € Noël"
