"""The camt corpus: each bank's file reads to the transactions in its ``.expected.json``, and the
behaviours those files exist for (batches, reversals, foreign currency, pending entries, balances)."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.bank import Balance, BankTransaction, ParsedFile, StatementKind, check_balance
from desktop.importers.base import StatementFormat
from desktop.importers.camt import FORMAT

CAMT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "camt"


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Balance):
        return [str(value.amount), value.date.isoformat()]
    return value


def transaction_dict(transaction: BankTransaction) -> dict[str, object]:
    """Every field but ``raw`` (checked separately), as JSON values."""
    return {f.name: _plain(getattr(transaction, f.name)) for f in fields(BankTransaction) if f.name != "raw"}


def parsed_dict(parsed: ParsedFile) -> dict[str, object]:
    return {
        "format": parsed.format,
        "dialect": parsed.dialect,
        "warnings": parsed.warnings,
        "statements": [
            {
                "account": s.account, "currency": s.currency, "kind": str(s.kind), "statement_id": s.statement_id,
                "sequence": s.sequence, "opening": _plain(s.opening), "closing": _plain(s.closing),
                "declared_count": s.declared_count, "balance_problems": check_balance(s).problems(),
                "transactions": [transaction_dict(t) for t in s.transactions],
            }
            for s in parsed.statements
        ],
    }


def expected(fixture: str) -> dict[str, object]:
    return json.loads((CAMT_FIXTURES / f"{Path(fixture).stem}.expected.json").read_text(encoding="utf-8"))


GOOD = [
    "ing_nl_camt053_v02.xml",
    "ubs_ch_camt053_v04.xml",
    "iso_mdr_camt053_v06.xml",
    "sparkasse_camt053_v08.xml",
    "ing_nl_camt052_v02.xml",
    "sparkasse_camt052_v08.xml",
    "postfinance_camt054_v04.xml",
    "sparkasse_camt054_v08.xml",
]


def parse(name: str, data: bytes | None = None):
    return FORMAT.parse(data if data is not None else (CAMT_FIXTURES / name).read_bytes(), name)


def test_format_is_a_statement_format():
    plug_in: StatementFormat = FORMAT
    assert plug_in.name == "camt"
    assert plug_in.extensions == (".xml", ".053", ".052", ".054", ".camt")


@pytest.mark.parametrize("name", [*GOOD, "wrong_balance_camt053_v04.xml"])
def test_fixture_reads_to_its_expected_transactions(name):
    assert parsed_dict(parse(name)) == expected(name)


@pytest.mark.parametrize("name", GOOD)
def test_good_fixtures_are_sniffed_and_add_up(name):
    data = (CAMT_FIXTURES / name).read_bytes()
    assert FORMAT.sniff(data[:65536])
    for statement in parse(name).statements:
        assert check_balance(statement).ok, check_balance(statement).problems()


@pytest.mark.parametrize("name", GOOD)
def test_raw_is_the_compact_source_of_each_entry(name):
    for statement in parse(name).statements:
        for transaction in statement.transactions:
            assert re.fullmatch(r"<Ntry>.*</Ntry>", transaction.raw, re.DOTALL)
            assert not re.search(r">\s+<", transaction.raw)
            assert f">{abs(transaction.amount)}</Amt>" in transaction.raw
            if transaction.bank_reference and "/" not in transaction.bank_reference:
                assert transaction.bank_reference in transaction.raw


def test_versions_and_kinds():
    kinds = {name: (parse(name).format, parse(name).statements[0].kind) for name in GOOD}
    assert kinds == {
        "ing_nl_camt053_v02.xml": ("camt.053.001.02", StatementKind.STATEMENT),
        "ubs_ch_camt053_v04.xml": ("camt.053.001.04", StatementKind.STATEMENT),
        "iso_mdr_camt053_v06.xml": ("camt.053.001.06", StatementKind.STATEMENT),
        "sparkasse_camt053_v08.xml": ("camt.053.001.08", StatementKind.STATEMENT),
        "ing_nl_camt052_v02.xml": ("camt.052.001.02", StatementKind.INTRADAY),
        "sparkasse_camt052_v08.xml": ("camt.052.001.08", StatementKind.INTRADAY),
        "postfinance_camt054_v04.xml": ("camt.054.001.04", StatementKind.NOTIFICATION),
        "sparkasse_camt054_v08.xml": ("camt.054.001.08", StatementKind.NOTIFICATION),
    }


def test_dialect_from_servicer_bic_or_account_iban():
    assert [parse(name).dialect for name in GOOD] == [
        "ING", "UBS", "", "Sparkasse", "ING", "Sparkasse", "PostFinance", "Sparkasse"]


def test_batch_entry_becomes_one_transaction_per_payment_with_unique_references():
    statement = parse("ing_nl_camt053_v02.xml").statements[0]
    batch = statement.transactions[4:]
    assert [(t.counterparty_name, t.amount, t.bank_reference, t.end_to_end_id) for t in batch] == [
        ("A. de Boer", Decimal("85.00"), "B7C20WA5CZ3JH003/1", "INC-2026-11-1001"),
        ("K. Visser", Decimal("100.00"), "B7C20WA5CZ3JH003/2", "INC-2026-11-1002"),
        ("M. Smit", Decimal("50.00"), "B7C20WA5CZ3JH003/3", "INC-2026-11-1003"),
    ]
    assert batch[2].remittance == "Contributie november 2026 lid 1003"  # two Ustrd lines joined
    # Each keeps the entry's header and only its own TxDtls.
    assert "INC-2026-11-1001" in batch[0].raw and "INC-2026-11-1002" not in batch[0].raw
    assert "<AddtlNtryInf>Incasso batch INC-2026-11 3 posten</AddtlNtryInf>" in batch[1].raw


def test_batch_uses_each_payments_own_bank_reference_where_it_has_one():
    statement = parse("sparkasse_camt053_v08.xml").statements[0]
    assert [t.bank_reference for t in statement.transactions[3:5]] == ["2026112000045601", "2026112000045602"]
    assert [t.amount for t in statement.transactions[3:5]] == [Decimal("-2000.00"), Decimal("-1450.00")]


def test_declared_count_is_compared_only_where_each_entry_is_one_transaction():
    assert parse("ubs_ch_camt053_v04.xml").statements[0].declared_count == 6
    # 5 entries, one a batch of 3: the count is checked against the entries, not left to check_balance.
    ing = parse("ing_nl_camt053_v02.xml")
    assert ing.statements[0].declared_count is None
    assert ing.warnings == []
    data = (CAMT_FIXTURES / "ing_nl_camt053_v02.xml").read_bytes().replace(
        b"<NbOfNtries>5</NbOfNtries>", b"<NbOfNtries>6</NbOfNtries>")
    assert parse("ing.xml", data).warnings == ["Stmt[1]: the file declares 6 entries but holds 5."]
    data = (CAMT_FIXTURES / "ubs_ch_camt053_v04.xml").read_bytes().replace(
        b"<NbOfNtries>6</NbOfNtries>", b"<NbOfNtries>7</NbOfNtries>")
    assert check_balance(parse("ubs.xml", data).statements[0]).problems() == [
        "the file declares 7 entries but holds 6"]


def test_reversal_books_in_its_own_direction_with_the_original_payer():
    reversal = parse("ubs_ch_camt053_v04.xml").statements[0].transactions[4]
    assert reversal.amount == Decimal("-300.00")
    assert (reversal.counterparty_name, reversal.counterparty_iban) == ("Weber Treuhand AG", "CH3800235000001234567")
    assert reversal.remittance == "Rückbuchung: Zahlung irrtümlich ausgeführt"  # AddtlTxInf without RmtInf
    assert reversal.bank_code == "PMNT/RCDT/RRTN"


def test_reversal_sent_with_the_original_direction_is_turned_when_only_that_adds_up():
    reversal = b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <RvslInd>true</RvslInd>"
    data = (CAMT_FIXTURES / "ubs_ch_camt053_v04.xml").read_bytes().replace(reversal, reversal.replace(b"DBIT", b"CRDT"))
    parsed = parse("ubs.xml", data)
    statement = parsed.statements[0]
    assert statement.transactions[4].amount == Decimal("-300.00")
    assert statement.transactions[4].counterparty_name == "Weber Treuhand AG"
    assert check_balance(statement).ok
    assert parsed.warnings == ["Stmt[1]: the bank marks reversals with the original direction; Paydesk booked the "
                               "1 reversal(s) the other way, so the statement adds up."]


def test_foreign_currency_payment_keeps_the_instructed_amount():
    payment = parse("ubs_ch_camt053_v04.xml").statements[0].transactions[1]
    assert (payment.amount, payment.currency) == (Decimal("4512.35"), "CHF")
    assert (payment.instructed_amount, payment.instructed_currency) == (Decimal("5000.00"), "USD")
    assert payment.counterparty_iban == "987654321"  # Othr/Id, compact
    entry_level = parse("iso_mdr_camt053_v06.xml").statements[1].transactions[0]
    assert (entry_level.instructed_amount, entry_level.instructed_currency) == (Decimal("103.45"), "GBP")


def test_references_and_remittance():
    ing = parse("ing_nl_camt053_v02.xml").statements[0].transactions
    assert ing[0].remittance == "Factuur 2026-0042 klantnr 1017"
    assert ing[1].structured_reference == "RF0320260117"  # "RF03 2026 0117" compacted
    assert ing[1].end_to_end_id == ""  # NOTPROVIDED
    assert ing[3].remittance == "Kosten zakelijk betalingsverkeer 01-10-2026 t/m 31-10-2026"  # AddtlNtryInf
    assert ing[3].counterparty_name == ""
    assert parse("ing_nl_camt052_v02.xml").statements[0].transactions[0].structured_reference == "RF3320260450"
    sparkasse = parse("sparkasse_camt053_v08.xml").statements[0].transactions
    assert (sparkasse[0].remittance, sparkasse[0].structured_reference) == ("RE-2026-1008 Kd-Nr 4711 Danke", "RF11RE20261008")
    iso = parse("iso_mdr_camt053_v06.xml").statements[1].transactions[0]
    assert iso.remittance == "INV-7781"  # Strd/RfrdDocInf/Nb without Ustrd


def test_counterparty_by_direction_and_version():
    sparkasse = parse("sparkasse_camt053_v08.xml").statements[0].transactions
    assert sparkasse[0].counterparty_name == "Müller Elektrotechnik GmbH"  # Dbtr/Pty/Nm, not our own Cdtr
    assert sparkasse[1].counterparty_name == "Schulze Logistik AG"  # no Dbtr name: UltmtDbtr
    assert (sparkasse[2].counterparty_name, sparkasse[2].counterparty_iban) == ("Stadtwerke Köln GmbH", "DE72370501989988776655")
    ing = parse("ing_nl_camt053_v02.xml").statements[0].transactions
    assert (ing[2].counterparty_name, ing[2].counterparty_bic) == ("Drukkerij Peters B.V.", "ABNANL2A")  # BIC (v2)


def test_dates_from_date_times_and_value_date_when_booking_date_is_missing():
    sek = parse("iso_mdr_camt053_v06.xml").statements[0]
    assert sek.transactions[0].booking_date == date(2026, 11, 20)  # BookgDt/DtTm
    assert (sek.transactions[1].booking_date, sek.transactions[1].value_date) == (date(2026, 11, 20), date(2026, 11, 20))
    assert sek.closing is not None and sek.closing.amount == Decimal("-300.00")  # DBIT balance
    assert sek.sequence == "101"  # LglSeqNb without ElctrncSeqNb
    assert sek.account == "50000012345"


def test_several_statements_in_one_file():
    statements = parse("iso_mdr_camt053_v06.xml").statements
    assert [(s.account, s.currency, s.statement_id) for s in statements] == [
        ("50000012345", "SEK", "AAAASESS-FP-STAT001-SEK"),
        ("FR1420041010050500013M02606", "EUR", "AAAASESS-FP-STAT001-EUR"),
    ]


def test_intraday_report_balances():
    sparkasse = parse("sparkasse_camt052_v08.xml").statements[0]
    assert sparkasse.opening is not None and sparkasse.opening.amount == Decimal("23233.70")  # PRCD
    assert sparkasse.closing is not None and sparkasse.closing.amount == Decimal("23693.71")  # ITBD
    ing = parse("ing_nl_camt052_v02.xml").statements[0]
    assert ing.opening is None
    assert ing.closing is not None and (ing.closing.amount, ing.closing.date) == (Decimal("12830.92"), date(2026, 11, 21))


def test_pending_entries_are_left_out_with_a_warning():
    parsed = parse("sparkasse_camt052_v08.xml")
    assert [t.amount for t in parsed.statements[0].transactions] == [Decimal("480.00"), Decimal("-19.99")]
    assert parsed.warnings == ["Rpt[1]: 1 entry with status PDNG left out (pending, not booked yet)."]


def test_notification_without_balances():
    statement = parse("postfinance_camt054_v04.xml").statements[0]
    assert (statement.opening, statement.closing, check_balance(statement).difference) == (None, None, None)
    assert statement.transactions[3].bank_reference == "261120CH0A1B2C3E-01"  # from TxDtls/Refs: the entry has none


def test_wrong_balances_parse_and_check_balance_reports_the_difference():
    statement = parse("wrong_balance_camt053_v04.xml").statements[0]
    assert len(statement.transactions) == 6
    assert check_balance(statement).difference == Decimal("100.00")
