"""MT940 files that are cut off, garbled or odd: refused with the line at fault, or read as the bank meant."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.bank import UnreadableStatement, check_balance
from desktop.importers import mt940
from desktop.importers.mt940 import MT940, MT942
from desktop.importers.mt940_entry import FieldProblem, statement_line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank" / "mt940"

STATEMENT = """:20:STMT261116
:25:NL91ABNA0417164300
:28C:7
:60F:C261115EUR1000,00
:61:2611161116C250,00NTRFNONREF//REF0001
:86:/EREF/E1//NAME/Klant A/REMI/Factuur 1
:62F:C261116EUR1250,00
"""


def refusal(data: bytes | str, name: str = "bank.sta") -> UnreadableStatement:
    with pytest.raises(UnreadableStatement) as caught:
        MT940.parse(data.encode() if isinstance(data, str) else data, name)
    return caught.value


def test_a_file_cut_off_before_the_closing_balance_is_refused():
    error = refusal((FIXTURES / "broken_truncated.sta").read_bytes(), "broken_truncated.sta")
    assert (error.file_name, error.where) == ("broken_truncated.sta", "line 9")
    assert "starts at line 1 ends without a closing balance (':62F:')" in error.reason
    assert "cut off" in str(error) and str(error).startswith("broken_truncated.sta: line 9: ")


def test_a_swift_message_without_its_trailer_is_refused():
    error = refusal((FIXTURES / "broken_unclosed_block.mt940").read_bytes())
    assert error.where == "line 11"
    assert "the SWIFT message opened at line 1 has no closing '-}'" in error.reason


def test_a_garbled_statement_line_names_its_line():
    error = refusal((FIXTURES / "broken_garbled_61.sta").read_bytes(), "broken_garbled_61.sta")
    assert str(error) == "broken_garbled_61.sta: line 7: ':61:' has no amount"


def test_wrong_balances_parse_and_the_check_reports_them():
    parsed = MT940.parse((FIXTURES / "broken_wrong_balance.sta").read_bytes(), "broken_wrong_balance.sta")
    check = check_balance(parsed.statements[0])
    assert not check.ok and check.difference == Decimal("10.00")
    assert check.problems() == ["opening balance + entries differs from the closing balance by 10.00"]


@pytest.mark.parametrize(("text", "where", "reason"), [
    (STATEMENT.replace(":20:STMT261116\n", ""), "line 1", "':25:' comes before the statement's ':20:' reference"),
    (STATEMENT.replace(":25:NL91ABNA0417164300\n", ""), "line 1", "has no account (':25:')"),
    (STATEMENT.replace(":60F:C261115EUR1000,00\n", ""), "line 1", "has no opening balance (':60F:')"),
    (STATEMENT.replace(":60F:C261115EUR1000,00", ":60F:C261115EUR"), "line 4", "':60F:' is not a balance like"),
    (STATEMENT.replace("2611161116C250", "2613161116C250"), "line 5", "':61:' has an impossible date 261316"),
    (STATEMENT.replace("2611161116C250", "2611161116X250"), "line 5", "':61:' has no C or D"),
    (STATEMENT.replace("C250,00NTRF", "C250,00XTRF"), "line 5", "':61:' has no transaction type"),
    (STATEMENT.replace(":61:2611161116", ":61:26111"), "line 5", "does not start with a value date"),
    ("just some text\nwith lines\n", "line 3", "no statement found"),
])
def test_broken_fields_name_their_line(text, where, reason):
    error = refusal(text)
    assert error.where == where
    assert reason in error.reason


def test_a_statement_without_closing_balance_before_the_next_one():
    error = refusal(STATEMENT.replace(":62F:C261116EUR1250,00\n", "") + STATEMENT)
    assert error.where == "line 7"
    assert error.reason == "the statement that starts at line 1 ends without a closing balance (':62F:')"  # not "cut off"


def test_line_ends_do_not_matter():
    expected = MT940.parse(STATEMENT.encode(), "lf.sta").statements
    for ending in ("\r\n", "\r"):
        assert MT940.parse(STATEMENT.replace("\n", ending).encode(), "other.sta").statements == expected
    assert expected[0].transactions[0].amount == Decimal("250.00")


def test_header_and_first_field_on_one_line_and_several_messages():
    text = ("{1:F01ABNANL2AAXXX0000000000}{2:O940ABNANL2AXXXN}{4::20:ONE\n" + STATEMENT.split("\n", 1)[1] + "-}\n"
            "{1:F01ABNANL2AAXXX0000000000}{2:O940ABNANL2AXXXN}{4:\n" + STATEMENT.replace("STMT261116", "TWO") + "-}{5:{CHK:0}}\n")
    parsed = MT940.parse(text.encode(), "two.sta")
    assert [s.statement_id for s in parsed.statements] == ["ONE", "TWO"]
    assert all(check_balance(s).ok for s in parsed.statements)


def test_continuation_lines_that_start_with_a_dash_stay_text():
    text = STATEMENT.replace(":86:/EREF/E1//NAME/Klant A/REMI/Factuur 1",
                             ":86:/CNTP/NL57ABNA0876543211/ABNANL2A/B Bert///REMI/USTD//22-08\n-2014 Omschrijving/")
    [transaction] = MT940.parse(text.encode(), "dash.sta").statements[0].transactions
    assert transaction.remittance == "22-08-2014 Omschrijving"


def test_statement_line_dates_across_the_year_end_and_february_30():
    assert statement_line("2512310102C1,00NTRFNONREF").booking_date == date(2026, 1, 2)
    assert statement_line("2601021231C1,00NTRFNONREF").booking_date == date(2025, 12, 31)
    line = statement_line("260230D5,5NINTNONREF")  # month-end interest dated 30 February
    assert (line.value_date, line.amount) == (date(2026, 2, 28), Decimal("-5.5"))
    assert statement_line("261116RD1,NRTIREF1//BANK2").amount == Decimal("1")
    with pytest.raises(FieldProblem, match="impossible entry date"):
        statement_line("2611161341C1,00NTRF")


def test_mt942_without_balances_but_with_counts():
    text = (":20:INTRA\n:25:NL91ABNA0417164300\n:28C:1\n:34F:EURD0,\n:13D:2611211130+0100\n"
            ":61:2611211121C10,00NTRFNONREF\n:86:Eerste\n:90D:0EUR0,\n:90C:2EUR20,00\n")
    data = text.encode()
    assert MT942.sniff(data) and not MT940.sniff(data)
    parsed = MT942.parse(data, "intra.942")
    [statement] = parsed.statements
    assert (parsed.format, statement.declared_count, len(statement.transactions)) == ("mt942", 2, 1)
    assert check_balance(statement).problems() == ["the file declares 2 entries but holds 1"]
    bad = text.replace(":90C:2EUR20,00", ":90C:twenty")
    with pytest.raises(UnreadableStatement, match="':90C:' is not a count and sum"):
        MT942.parse(bad.encode(), "intra.942")


def test_files_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(mt940, "MAX_FILE_BYTES", 100)
    with pytest.raises(UnreadableStatement, match="larger than"):
        MT940.parse(STATEMENT.encode(), "big.sta")


def big_statement(entries: int) -> bytes:
    lines = ["{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:", ":20:P261118000000001",
             ":25:NL69INGB0123456789EUR", ":28C:00012", ":60F:C261113EUR0,00"]
    total = 0
    for i in range(entries):
        cents = 100 + i % 9000
        total += cents
        lines += [f":61:2611161116C{cents // 100},{cents % 100:02d}NTRFEREF//2632{i:010d}", "/TRCD/00100/",
                  f":86:/EREF/E2E-{i}//CNTP/NL91ABNA0417164300/ABNANL2A/Klant {i} BV/UTRECHT//REMI/USTD//Factuur 2",
                  f"026-{i:05d} klantnummer {i} levering november/"]
    lines += [f":62F:C261118EUR{total // 100},{total % 100:02d}", "-}"]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_twenty_thousand_entries_parse_quickly():
    data = big_statement(20_000)
    started = time.perf_counter()
    parsed = MT940.parse(data, "big.sta")
    elapsed = time.perf_counter() - started
    [statement] = parsed.statements
    assert len(statement.transactions) == 20_000 and check_balance(statement).ok
    assert statement.transactions[-1].remittance == "Factuur 2026-19999 klantnummer 19999 levering november"
    assert elapsed < 10, f"20,000 entries took {elapsed:.1f} s"  # about 1 s on a laptop; the margin is for busy CI


def test_an_mt940_with_a_time_stamp_stays_an_end_of_day_statement():
    text = STATEMENT.replace(":28C:7\n", ":28C:7\n:13D:2611162359+0100\n")
    parsed = MT940.parse(text.encode(), "stamped.sta")
    assert parsed.format == "mt940"
    assert parsed.statements[0].kind.value == "statement"
