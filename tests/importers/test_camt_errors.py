"""Files the camt importer refuses, and the odd-but-valid ones it reads: every refusal says what and where."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.importers.camt import FORMAT
from tests.importers.test_camt_fixtures import CAMT_FIXTURES, parsed_dict

DTD_REFUSED = "the file declares a DTD; Paydesk refuses DTDs and entities in bank files for safety"


def fixture(name: str) -> bytes:
    return (CAMT_FIXTURES / name).read_bytes()


def refusal(data: bytes, name: str = "bank.xml") -> UnreadableStatement:
    with pytest.raises(UnreadableStatement) as caught:
        FORMAT.parse(data, name)
    return caught.value


def replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml", "external_dtd.xml"])
def test_dtds_and_entities_are_refused_quickly(name):
    started = time.perf_counter()
    error = refusal(fixture(name), name)
    assert time.perf_counter() - started < 1
    assert (error.reason, error.file_name) == (DTD_REFUSED, name)
    assert str(error) == f"{name}: {DTD_REFUSED}"


def test_truncated_file_names_line_and_column():
    error = refusal(fixture("truncated_camt053_v08.xml"), "cut.xml")
    assert error.where == "line 2, column 4060"
    assert "it may be cut off: download it again from the bank" in error.reason
    assert str(error).startswith("cut.xml: line 2, column 4060: the file ends before the XML does")


def test_cut_inside_a_multibyte_character_is_also_a_cut_off_file():
    data = fixture("ubs_ch_camt053_v04.xml")
    cut = data[:data.index("Büro".encode()) + 2]  # in the middle of ü
    assert "cut off" in refusal(cut).reason


def test_broken_xml_names_line_and_column():
    data = replace_once(fixture("ing_nl_camt053_v02.xml"), b"</Nm>\n              </Dbtr>", b"</Name>\n              </Dbtr>")
    error = refusal(data)
    assert error.where == "line 114, column 45"  # the name in "</Name>"
    assert error.reason == "the XML is broken: mismatched tag"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the file is empty"),
    (b":20:STARTUMSE\r\n:25:NL20INGB0001234567\r\n", "the file is not XML"),
])
def test_not_xml(data, reason):
    assert refusal(data).reason == reason


def test_other_iso20022_message_is_not_sniffed_and_is_named():
    data = fixture("pain001_not_camt.xml")
    assert not FORMAT.sniff(data)
    assert refusal(data).reason == ("this is an ISO 20022 pain.001 message, not a camt bank statement "
                                    "(camt.052, camt.053 or camt.054)")


def test_other_xml_is_not_sniffed():
    data = b'<?xml version="1.0"?><OFX><SIGNONMSGSRSV1/><BANKMSGSRSV1/></OFX>'
    assert not FORMAT.sniff(data)
    assert refusal(data).reason == "this is XML with a <OFX> element, not a camt bank statement (camt.052, camt.053 or camt.054)"


def test_unsupported_version_is_sniffed_but_refused_with_the_versions_read():
    data = fixture("wrong_version_camt053_v13.xml")
    assert FORMAT.sniff(data)
    assert refusal(data).reason == ("the file is camt.053.001.13; Paydesk reads camt.053 versions 001.02 to 001.08. "
                                    "Ask the bank for one of those versions.")


def test_namespace_of_another_camt_message_than_the_element():
    data = fixture("ing_nl_camt053_v02.xml").replace(b"camt.053.001.02", b"camt.054.001.02")
    assert refusal(data).reason == "the namespace says camt.054.001.02 but the message is a camt.053"


def test_bad_amount_names_the_entry():
    data = replace_once(fixture("ubs_ch_camt053_v04.xml"), b'<Amt Ccy="CHF">850.00</Amt>', b'<Amt Ccy="CHF">abc</Amt>')
    error = refusal(data, "ubs.xml")
    assert str(error) == "ubs.xml: Stmt[1]/Ntry[4]: the amount 'abc' is not a number"


@pytest.mark.parametrize(("old", "new", "where", "reason"), [
    (b'<Amt Ccy="CHF">850.00</Amt>', b'<Amt>850.00</Amt>', "Stmt[1]/Ntry[4]",
     "the amount 850.00 has no valid currency (Ccy='')"),
    (b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", b"<CdtDbtInd>DEBIT</CdtDbtInd>\n        <Sts>", "Stmt[1]/Ntry[4]",
     "the credit/debit indicator 'DEBIT' is neither CRDT nor DBIT"),
    (b"<Dt>2026-11-21</Dt>", b"<Dt>21.11.2026</Dt>", "Stmt[1]/Ntry[2]", "the date '21.11.2026' is not a date"),
    (b'<Amt Ccy="CHF">8200.00</Amt>', b'<Amt Ccy="CHF">8.200,00</Amt>', "Stmt[1]/Bal[1]",
     "the OPBD balance '8.200,00' is not a number"),
    (b"<IBAN>CH9300762011623852957</IBAN>", b"", "Stmt[1]", "the statement names no account (Acct/Id)"),
])
def test_bad_values_name_where(old, new, where, reason):
    error = refusal(replace_once(fixture("ubs_ch_camt053_v04.xml"), old, new))
    assert (error.where, error.reason) == (where, reason)


def test_entry_without_any_date_names_the_entry():
    data = fixture("iso_mdr_camt053_v06.xml")
    start = data.index(b"<ValDt>", data.index(b"<NtryRef>2</NtryRef>"))
    data = data[:start] + data[data.index(b"</ValDt>", start) + len(b"</ValDt>"):]
    error = refusal(data)
    assert error.where == "Stmt[1]/Ntry[2]"
    assert error.reason == "the entry has neither a booking date (BookgDt) nor a value date (ValDt)"


def test_batch_that_does_not_add_up_is_refused_naming_the_entry():
    data = replace_once(fixture("ing_nl_camt053_v02.xml"), b'<Amt Ccy="EUR">85.00</Amt>', b'<Amt Ccy="EUR">86.00</Amt>')
    error = refusal(data, "ing.xml")
    assert str(error) == ("ing.xml: Stmt[1]/Ntry[5]: the 3 payments of this batch entry add up to 236.00 EUR, "
                          "but the entry is 235.00 EUR")


def test_batch_without_amounts_is_one_transaction_with_a_note():
    amount = (b'<AmtDtls>\n              <TxAmt>\n                <Amt Ccy="EUR">100.00</Amt>\n'
              b"              </TxAmt>\n            </AmtDtls>\n")
    data = replace_once(fixture("ing_nl_camt053_v02.xml"), amount, b"")
    parsed = FORMAT.parse(data, "ing.xml")
    batch = parsed.statements[0].transactions[4]
    assert (batch.amount, batch.bank_reference, batch.counterparty_name) == (Decimal("235.00"), "B7C20WA5CZ3JH003", "")
    assert batch.remittance == "Incasso batch INC-2026-11 3 posten"
    assert parsed.warnings == ["Stmt[1]/Ntry[5]: a batch of 3 payments without their amounts was imported as one transaction"]


def test_deep_nesting_is_refused():
    data = replace_once(fixture("sparkasse_camt053_v08.xml"), b"<AddtlNtryInf>GUTSCHR. UEBERWEISUNG</AddtlNtryInf>",
                        b"<AddtlNtryInf>" + b"<x>" * 70 + b"</x>" * 70 + b"</AddtlNtryInf>")
    assert "nested more than 64 levels deep" in refusal(data).reason


def test_file_over_the_size_limit_is_refused_before_parsing():
    from desktop.importers.base import MAX_FILE_BYTES

    assert refusal(bytes(MAX_FILE_BYTES + 1)).reason == (
        "the file is 200 MB; Paydesk reads statement files of up to 200 MB")


def test_utf16_file_reads_the_same():
    data = fixture("ubs_ch_camt053_v04.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert FORMAT.sniff(data[:4096])
    parsed = FORMAT.parse(data, "ubs16.xml")
    assert parsed_dict(parsed) == parsed_dict(FORMAT.parse(fixture("ubs_ch_camt053_v04.xml"), "ubs.xml"))
    assert "9912002611200000004" in parsed.statements[0].transactions[3].raw  # serialized, not cut from the bytes


def test_latin1_file_keeps_its_characters_in_raw():
    text = fixture("ubs_ch_camt053_v04.xml").decode("utf-8")
    data = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    transaction = FORMAT.parse(data, "ubs.xml").statements[0].transactions[3]
    assert transaction.counterparty_name == "Büro Schmid GmbH"
    assert "<Nm>Büro Schmid GmbH</Nm>" in transaction.raw


def test_prefixed_tags_and_an_envelope_read_the_same():
    plain = fixture("sparkasse_camt053_v08.xml").decode("utf-8")
    prefixed = plain.replace("<", "<c:").replace("<c:/", "</c:").replace("<c:?xml", "<?xml").replace(
        'xmlns="urn:iso', 'xmlns:c="urn:iso')
    wrapped = prefixed.replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    envelope = ('<?xml version="1.0" encoding="UTF-8"?><BizMsgEnvlp>'
                '<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><MsgDefIdr>camt.053.001.08</MsgDefIdr></AppHdr>'
                + wrapped + "</BizMsgEnvlp>")
    expected = parsed_dict(FORMAT.parse(plain.encode(), "s.xml"))
    for variant in (prefixed, envelope):
        parsed = FORMAT.parse(variant.encode(), "s.xml")
        assert parsed_dict(parsed) == expected
        assert parsed.statements[0].transactions[0].raw.startswith("<c:Ntry><c:Amt")


def test_comment_quoting_an_entry_does_not_mix_up_raw():
    data = replace_once(fixture("ing_nl_camt053_v02.xml"), b"<TxsSummry>", b"<!-- <Ntry>old</Ntry> --><TxsSummry>")
    transactions = FORMAT.parse(data, "ing.xml").statements[0].transactions
    assert "C6K20WA5CZ3JGC4H" in transactions[0].raw and "D2M20WA5CZ3JH001" in transactions[2].raw


def test_file_without_namespace_is_read_with_a_warning():
    data = fixture("ubs_ch_camt053_v04.xml").replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"', b"")
    parsed = FORMAT.parse(data, "ubs.xml")
    assert parsed.format == "camt.053"
    assert parsed.warnings == ["The file names no camt version (no XML namespace); it was read as camt.053."]
    assert len(parsed.statements[0].transactions) == 6


@pytest.mark.parametrize("name", ["ing_nl_camt053_v02.xml", "sparkasse_camt053_v08.xml", "postfinance_camt054_v04.xml"])
def test_any_missing_element_reads_or_is_refused_with_a_reason(name):
    """Remove each element in turn: the importer either reads the rest or says why not; it never crashes."""
    import xml.etree.ElementTree as ET

    original = ET.fromstring(fixture(name))
    for position in range(1, sum(1 for _ in original.iter())):
        root = ET.fromstring(fixture(name))
        parents = {child: parent for parent in root.iter() for child in parent}
        removed = list(root.iter())[position]
        parents[removed].remove(removed)
        try:
            FORMAT.parse(ET.tostring(root), name)
        except UnreadableStatement as error:
            assert error.reason and error.file_name == name


def test_indented_utf16_file_without_collapsed_whitespace_reads_the_same():
    text = fixture("iso_mdr_camt053_v06.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    parsed = FORMAT.parse(text.encode("utf-16"), "iso16.xml")
    assert parsed_dict(parsed) == parsed_dict(FORMAT.parse(fixture("iso_mdr_camt053_v06.xml"), "iso.xml"))
    assert parsed.warnings == ["Stmt[2]: 1 entry with status INFO left out (for information only, not booked)."]


def test_whitespace_inside_values_is_collapsed():
    data = replace_once(fixture("ing_nl_camt053_v02.xml"), b"<Ustrd>Factuur 2026-0042 klantnr 1017</Ustrd>",
                        b"<Ustrd>Factuur   2026-0042\n            klantnr 1017   </Ustrd>")
    data = replace_once(data, b"<Dt>2026-11-20</Dt>\n        </BookgDt>", b"<Dt>\n  2026-11-20\n</Dt>\n        </BookgDt>")
    transaction = FORMAT.parse(data, "ing.xml").statements[0].transactions[0]
    assert transaction.remittance == "Factuur 2026-0042 klantnr 1017"
    assert str(transaction.booking_date) == "2026-11-20"
    assert "<Ustrd>Factuur 2026-0042 klantnr 1017 </Ustrd>" in transaction.raw
