"""The front door: which format a file is, and reading files, tables and zips of them whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.importers import camt, ofx, registry
from desktop.importers.mt940 import MT940, MT942
from desktop.importers.registry import EXPECTED, FORMATS, NeedsMapping, detect, read_statement_file
from desktop.importers.tabular import guess_mapping
from tests.fixtures.bank.csv.samples import BANK, MIB, deflated_zeros, raw_zip, xlsx_statement, zip_of

README = b"Statements for November 2026.\nThe camt file is the EUR account; the MT940 file is the ING account.\n"


def fixture_files(folder: str, *patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in (BANK / folder).glob(pattern) if not p.name.startswith("broken"))


def camt053() -> bytes:
    return (BANK / "camt/ing_nl_camt053_v02.xml").read_bytes()


def bundle() -> bytes:
    return zip_of({"camt053.xml": camt053(), "ing.sta": (BANK / "mt940/ing_nl.sta").read_bytes(), "readme.txt": README,
                   "scan.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"})


def test_the_formats_with_a_fixed_layout():
    assert FORMATS == (camt.FORMAT, MT940, MT942, ofx.FORMAT)


# --- detect -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", fixture_files("mt940", "*.sta", "*.mt940", "*.swi"), ids=lambda p: p.name)
def test_mt940_fixtures_are_detected(path):
    assert detect(path.name, path.read_bytes()) is MT940


@pytest.mark.parametrize("path", fixture_files("mt940", "*.mt942"), ids=lambda p: p.name)
def test_mt942_fixtures_are_detected(path):
    assert detect(path.name, path.read_bytes()) is MT942


@pytest.mark.parametrize("path", fixture_files("ofx", "*.ofx", "*.qfx"), ids=lambda p: p.name)
def test_ofx_fixtures_are_detected(path):
    assert detect(path.name, path.read_bytes()) is ofx.FORMAT


@pytest.mark.parametrize("path", fixture_files("camt", "*camt05*.xml"), ids=lambda p: p.name)
def test_camt_fixtures_are_detected(path):
    assert detect(path.name, path.read_bytes()) is camt.FORMAT


def test_other_iso_20022_messages_are_not_camt():
    assert detect("pain.xml", (BANK / "camt/pain001_not_camt.xml").read_bytes()) is None
    with pytest.raises(UnreadableStatement, match=f"pain.xml: not a bank statement Paydesk knows: {EXPECTED}"):
        read_statement_file("pain.xml", (BANK / "camt/pain001_not_camt.xml").read_bytes())


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_dtd.xml", "external_entity.xml"])
def test_hostile_xml_is_unreadable_not_a_crash(name):
    with pytest.raises(UnreadableStatement):
        read_statement_file(name, (BANK / "camt" / name).read_bytes())


def test_content_decides_when_the_extension_misleads():
    assert detect("statement.xml", camt053()) is camt.FORMAT
    assert detect("export.xml", (BANK / "ofx/ofx2_bank.ofx").read_bytes()) is ofx.FORMAT  # .xml, but OFX 2
    assert detect("statement.txt", (BANK / "mt940/ing_nl.sta").read_bytes()) is MT940  # .txt, but MT940
    assert detect("download", camt053()) is camt.FORMAT
    assert detect("statement.sta", camt053()) is camt.FORMAT


@pytest.mark.parametrize("name", ["nl_ing_afbij.csv", "it_tab.txt", "es_caixabank_cp1252.csv", "ru_sber_utf8.csv"])
def test_tables_have_no_fixed_format(name):
    assert detect(name, (BANK / "csv" / name).read_bytes()) is None


# --- single files -------------------------------------------------------------------------------
def test_a_fixed_format_file_is_parsed():
    [(name, parsed)] = read_statement_file("ing.sta", (BANK / "mt940/ing_nl.sta").read_bytes())
    assert name == "ing.sta" and parsed.format == "mt940" and parsed.transaction_count > 0


def test_a_csv_without_a_profile_needs_a_mapping_with_a_guess():
    data = (BANK / "csv/nl_ing_afbij.csv").read_bytes()
    with pytest.raises(NeedsMapping) as raised:
        read_statement_file("ing.csv", data)
    error = raised.value
    assert (error.file_name, error.data) == ("ing.csv", data)
    assert error.guess == guess_mapping("ing.csv", data)
    assert str(error).startswith("ing.csv: Paydesk doesn't know the columns of this CSV statement yet")


def test_a_csv_reads_with_the_mapping_given_or_a_fitting_profile():
    data = (BANK / "csv/nl_ing_afbij.csv").read_bytes()
    mapping = guess_mapping("ing.csv", data)
    [(_, given)] = read_statement_file("ing.csv", data, mapping=mapping)
    other = guess_mapping("es.csv", (BANK / "csv/es_caixabank_cp1252.csv").read_bytes())
    [(_, profiled)] = read_statement_file("ing-dec.csv", data, profiles=[other, mapping])
    assert given.format == profiled.format == "csv" and given.transaction_count == profiled.transaction_count == 6
    assert profiled.dialect == "ING CSV"


def test_a_txt_table_is_a_table_and_an_xlsx_needs_a_mapping_too():
    with pytest.raises(NeedsMapping):
        read_statement_file("movimenti.txt", (BANK / "csv/it_tab.txt").read_bytes())
    with pytest.raises(NeedsMapping) as raised:
        read_statement_file("movimientos.xlsx", xlsx_statement())
    assert str(raised.value).startswith("movimientos.xlsx: Paydesk doesn't know the columns of this Excel statement")
    [(_, parsed)] = read_statement_file("movimientos.xlsx", xlsx_statement(), profiles=[raised.value.guess])
    assert parsed.format == "xlsx" and parsed.transaction_count == 5


def test_a_profile_that_no_longer_fits_the_rows_says_where():
    mapping = guess_mapping("n.csv", (BANK / "csv/nl_broken_row.csv").read_bytes().replace(b"12,3,4", b"1,00"))
    mapping = mapping.__class__.from_json(mapping.to_json().replace('"fixed_account": ""',
                                                                    '"fixed_account": "NL69INGB0123456789"'))
    with pytest.raises(UnreadableStatement, match="row 14, column 'Bedrag': '12,3,4' is not an amount"):
        read_statement_file("nl_broken_row.csv", (BANK / "csv/nl_broken_row.csv").read_bytes(), profiles=[mapping])


@pytest.mark.parametrize(("data", "message"), [
    (b"", "report.csv: the file is empty"),
    (b"  \r\n ", "report.csv: the file is empty"),
    (b"%PDF-1.7\n...", "report.csv: this is a PDF; Paydesk can't read statements from PDFs"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "report.csv: this is an old Excel (.xls)"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), f"report.csv: not a bank statement Paydesk knows: {EXPECTED}"),
])
def test_files_that_are_no_statement_say_what_paydesk_reads(data, message):
    name = "report.csv" if not data.startswith(b"\x89PNG") else "report.png"
    with pytest.raises(UnreadableStatement) as error:
        read_statement_file(name, data)
    assert str(error.value).replace("report.png", "report.csv").startswith(message)


def test_prose_in_a_txt_is_not_a_statement():
    with pytest.raises(UnreadableStatement, match=f"readme.txt: not a bank statement Paydesk knows: {EXPECTED}"):
        read_statement_file("readme.txt", README)


def test_a_file_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UnreadableStatement, match=r"big\.sta: the file is 1\.5 KB; Paydesk reads statements up to 1,000 bytes"):
        read_statement_file("big.sta", b":20:X\n" * 256)


def test_the_expected_formats_are_named():
    assert EXPECTED == "expected camt.052/053/054, MT940/MT942, OFX/QFX, CSV or XLSX"


# --- zips -----------------------------------------------------------------------------------------
def test_a_zip_gives_one_parsed_file_per_statement_and_warns_about_the_rest():
    read = read_statement_file("bundle.zip", bundle())
    assert [name for name, _ in read] == ["bundle.zip › camt053.xml", "bundle.zip › ing.sta"]
    assert [parsed.format.split(".")[0] for _, parsed in read] == ["camt", "mt940"]
    warnings = read[0][1].warnings
    assert [w for w in warnings if "skipped" in w] == ["bundle.zip › readme.txt: skipped — not a bank statement",
                                                       "bundle.zip › scan.pdf: skipped — not a bank statement"]
    assert not any("skipped" in w for w in read[1][1].warnings)


def test_a_zip_without_statements_is_unreadable():
    with pytest.raises(UnreadableStatement) as error:
        read_statement_file("docs.zip", zip_of({"readme.txt": README, "scan.pdf": b"%PDF-1.4"}))
    assert str(error.value) == ("docs.zip: the zip holds no bank statement Paydesk knows (it holds: readme.txt, scan.pdf); "
                                f"{EXPECTED}")


def test_a_csv_in_a_zip_asks_for_its_mapping_by_its_display_name():
    csv = (BANK / "csv/nl_ing_afbij.csv").read_bytes()
    data = zip_of({"ing.sta": (BANK / "mt940/ing_nl.sta").read_bytes(), "export.csv": csv})
    with pytest.raises(NeedsMapping) as raised:
        read_statement_file("bundle.zip", data)
    assert (raised.value.file_name, raised.value.data) == ("bundle.zip › export.csv", csv)
    read = read_statement_file("bundle.zip", data, mapping=raised.value.guess)
    assert [name for name, _ in read] == ["bundle.zip › ing.sta", "bundle.zip › export.csv"]


def test_a_broken_statement_in_a_zip_rejects_the_whole_zip():
    data = zip_of({"camt053.xml": camt053(), "broken.sta": (BANK / "mt940/broken_truncated.sta").read_bytes()})
    with pytest.raises(UnreadableStatement) as error:
        read_statement_file("bundle.zip", data)
    assert "bundle.zip › broken.sta" in str(error.value)


def test_a_zip_bomb_is_refused_at_the_door():
    with pytest.raises(UnreadableStatement, match=r"^archive\.zip: refused — it would unpack to 1\.0 GB \(a zip bomb\?\)$"):
        read_statement_file("archive.zip", raw_zip([deflated_zeros("statement.csv", 1024 * MIB)]))


def test_an_xlsx_in_a_zip_is_a_statement_not_a_nested_zip():
    with pytest.raises(NeedsMapping) as raised:
        read_statement_file("bundle.zip", zip_of({"nov.xlsx": xlsx_statement()}))
    assert raised.value.file_name == "bundle.zip › nov.xlsx"


def test_a_word_document_is_neither_an_archive_nor_a_statement():
    docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    with pytest.raises(UnreadableStatement, match=f"letter.docx: not a bank statement Paydesk knows: {EXPECTED}"):
        read_statement_file("letter.docx", docx)
    read = read_statement_file("bundle.zip", zip_of({"ing.sta": (BANK / "mt940/ing_nl.sta").read_bytes(), "letter.docx": docx}))
    assert [name for name, _ in read] == ["bundle.zip › ing.sta"]
    assert [w for w in read[0][1].warnings if "skipped" in w] == ["bundle.zip › letter.docx: skipped — not a bank statement"]


@pytest.mark.parametrize("path", sorted(BANK.glob("*/*.expected.json")), ids=lambda p: p.name)
def test_every_fixture_with_an_expected_result_is_routed_to_its_reader(path):
    source = next(p for p in path.parent.iterdir() if p.name.startswith(path.name.removesuffix(".expected.json") + ".")
                  and not p.name.endswith(".json"))
    [(name, parsed)] = read_statement_file(source.name, source.read_bytes())
    assert name == source.name and parsed.format == json.loads(path.read_text(encoding="utf-8"))["format"]
