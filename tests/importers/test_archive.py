"""Zip files of statements: unpacked in memory, zip bombs refused before (and while) unpacking."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.importers.archive import MAX_MEMBERS, Member, is_archive, unpack
from desktop.importers.zip_guard import human_size, read_member
from tests.fixtures.bank.csv.samples import (
    MIB,
    RawMember,
    deflated,
    deflated_zeros,
    raw_zip,
    stored,
    xlsx_statement,
    zip_of,
)


def refused(data: bytes, name: str = "archive.zip", timed: bool = True) -> str:
    started = time.perf_counter()
    with pytest.raises(UnreadableStatement) as error:
        unpack(name, data)
    assert not timed or time.perf_counter() - started < 2, "refusing must not unpack the bomb"
    return str(error.value)


def test_members_are_read_in_memory_with_display_names():
    data = zip_of({"camt053.xml": b"<Document/>", "2026/nov.sta": b":20:X", "__MACOSX/._nov.sta": b"junk",
                   ".DS_Store": b"junk", "empty/": b""})
    assert unpack("bundle.zip", data) == [Member("bundle.zip › camt053.xml", b"<Document/>"),
                                          Member("bundle.zip › 2026/nov.sta", b":20:X")]


def test_path_tricks_are_only_names():
    members = unpack("evil.zip", raw_zip([stored("../../etc/passwd", b"x"), stored("/abs/file.csv", b"y")]))
    assert [m.name for m in members] == ["evil.zip › ../../etc/passwd", "evil.zip › /abs/file.csv"]


def test_a_gigabyte_of_zeros_is_refused_from_what_the_zip_declares():
    bomb = raw_zip([deflated_zeros("zeros.csv", 1024 * MIB)])
    assert len(bomb) < 1.1 * MIB
    assert refused(bomb) == "archive.zip: refused — it would unpack to 1.0 GB (a zip bomb?)"


def test_many_members_that_together_unpack_too_big_are_refused():
    bomb = raw_zip([deflated_zeros(f"part{n}.csv", 60 * MIB, ratio=150) for n in range(4)])
    assert refused(bomb) == "archive.zip: refused — it would unpack to 240.0 MB (a zip bomb?)"


def test_a_compression_ratio_over_200_is_refused():
    tight = raw_zip([deflated_zeros("zeros.csv", 50 * MIB)])
    assert "times its packed size (a zip bomb?)" in refused(tight)
    fine = raw_zip([deflated_zeros("zeros.csv", 4 * MIB, ratio=150)])
    assert len(unpack("fine.zip", fine)[0].data) == 4 * MIB


def test_more_than_500_members_are_refused():
    crowded = raw_zip([stored(f"{n}.csv", b"a;b\n") for n in range(MAX_MEMBERS + 1)])
    assert "it holds 501 files; Paydesk unpacks at most 500" in refused(crowded)
    assert len(unpack("ok.zip", raw_zip([stored(f"{n}.csv", b"a;b\n") for n in range(MAX_MEMBERS)]))) == MAX_MEMBERS


def test_encrypted_members_are_refused():
    assert "'statement.xml' is password-protected" in refused(raw_zip([stored("statement.xml", b"<x/>", flags=0x1)]))


def test_a_zip_inside_a_zip_is_unpacked():
    inner = zip_of({"mt940.sta": b":20:STARTUMS"})
    outer = zip_of({"camt.xml": b"<Document/>", "old/2025.zip": inner})
    assert [m.name for m in unpack("bundle.zip", outer)] == ["bundle.zip › camt.xml", "bundle.zip › old/2025.zip › mt940.sta"]


def test_zips_nested_deeper_are_refused():
    nested = zip_of({"a.zip": zip_of({"b.zip": zip_of({"statement.xml": b"<x/>"})})})
    message = refused(nested)
    assert message.startswith("archive.zip › a.zip: refused — 'b.zip' is a zip inside a zip inside a zip")


def test_a_nested_bomb_counts_every_level_against_one_budget():
    inner = raw_zip([deflated_zeros("zeros.csv", 70 * MIB, ratio=150)])  # each fine on its own
    outer = raw_zip([stored(f"{n}.zip", inner) for n in range(3)])
    message = refused(outer, timed=False)  # the first two are really unpacked: 140 MB
    assert re.fullmatch(r"archive\.zip › 2\.zip: refused — it would unpack to 21\d\.\d MB \(a zip bomb\?\)", message)


def test_a_zip_that_understates_a_size_is_damaged_not_unpacked():
    truth = deflated_zeros("zeros.csv", 64 * MIB)
    liar = RawMember(truth.name, truth.payload, truth.crc, 1000)  # says 1000 bytes, holds 64 MB
    assert "damaged" in refused(raw_zip([liar]))


def test_reading_stops_at_the_cap_whatever_was_declared():
    data = raw_zip([deflated("a.csv", b"x" * 5000)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [info] = archive.infolist()
        with pytest.raises(UnreadableStatement, match="refused — it unpacks to more than 1,000 bytes"):
            read_member("a.zip", archive, info, 1000)
        assert read_member("a.zip", archive, info, 5000) == b"x" * 5000
        info.file_size = 10_000  # a zip that overstates is read to its real end
        assert read_member("a.zip", archive, info, 20_000) == b"x" * 5000


def test_damaged_and_unsupported_zips_say_so():
    whole = zip_of({"a.xml": b"<Document>" * 100})
    assert "the zip file is damaged" in refused(whole[: len(whole) // 2])
    odd = raw_zip([RawMember("a.xml", b"\x00" * 10, 0, 10, method=9)])  # Deflate64
    assert "packed with a method Paydesk can't unpack" in refused(odd)


def test_an_xlsx_is_a_zip_but_not_an_archive():
    assert is_archive(zip_of({"a.csv": b"x"}))
    assert not is_archive(xlsx_statement())
    assert not is_archive(b"Datum;Bedrag\n")


@pytest.mark.parametrize(("size", "text"), [(12, "12 bytes"), (2048, "2.0 KB"), (4509715660, "4.2 GB"), (MIB, "1.0 MB")])
def test_human_sizes(size, text):
    assert human_size(size) == text
