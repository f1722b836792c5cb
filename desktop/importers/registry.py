"""The front door of statement import: which format a file is, and reading it (or every statement in a zip).

``detect`` tries the formats that usually come with the file's extension first, each confirmed
by sniffing the content, then every format by content (a ``.xml`` may be camt or OFX 2, a
``.txt`` MT940 or CSV). CSV and XLSX have no fixed layout: ``read_statement_file`` reads them with
the mapping given, else with the saved profile whose header signature fits, else raises
``NeedsMapping`` carrying a guess for the mapping dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from desktop.domain.bank import ParsedFile, UnreadableStatement
from desktop.domain.column_mapping import ColumnMapping
from desktop.domain.errors import PaydeskError
from desktop.importers import camt, ofx
from desktop.importers.archive import SEPARATOR, is_archive, unpack
from desktop.importers.base import MAX_FILE_BYTES, StatementFormat
from desktop.importers.mt940 import MT940, MT942
from desktop.importers.tabular import guess_mapping, matching_profile, parse_with_mapping
from desktop.importers.tabular_read import looks_tabular
from desktop.importers.zip_guard import human_size, is_office_document, is_xlsx

__all__ = ["EXPECTED", "FORMATS", "NeedsMapping", "detect", "read_statement_file"]

FORMATS: tuple[StatementFormat, ...] = (camt.FORMAT, MT940, MT942, ofx.FORMAT)
"""Formats with a fixed layout. CSV and XLSX are read through a column mapping instead."""

EXPECTED = "expected camt.052/053/054, MT940/MT942, OFX/QFX, CSV or XLSX"
SNIFF_BYTES = 64 * 1024
TABLE_EXTENSIONS = (".csv", ".tsv", ".xlsx", ".xlsm")
"""Extensions that are tables whatever they hold; ``.txt`` and others are tables only when they look like one."""
_FOREIGN = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
"""Starts of files that are surely no statement: PDF, old Office (.xls, .doc, encrypted .xlsx), images."""


class NeedsMapping(PaydeskError):
    """A CSV or XLSX statement whose columns Paydesk doesn't know yet: ask the user, with ``guess`` pre-filled."""

    def __init__(self, file_name: str, data: bytes, guess: ColumnMapping) -> None:
        self.file_name = file_name
        self.data = data
        self.guess = guess
        kind = "Excel" if is_xlsx(data) else "CSV"
        super().__init__(f"{file_name}: Paydesk doesn't know the columns of this {kind} statement yet; "
                         "say once which column holds what, and it will recognize the bank's next file")


def detect(file_name: str, data: bytes) -> StatementFormat | None:
    """The fixed-layout format of this file, or None (a table, a zip, or nothing Paydesk knows)."""
    head = data[:SNIFF_BYTES]
    extension = PurePosixPath(file_name).suffix.lower()
    usual = [f for f in FORMATS if extension in f.extensions]
    for candidate in (*usual, *(f for f in FORMATS if f not in usual)):
        if candidate.sniff(head):
            return candidate
    return None


def read_statement_file(
    file_name: str, data: bytes, profiles: Sequence[ColumnMapping] = (), mapping: ColumnMapping | None = None,
) -> list[tuple[str, ParsedFile]]:
    """``(display name, parsed file)`` per statement file; a zip gives one per member ("bundle.zip › camt053.xml").

    ``mapping`` reads CSV/XLSX files (in a zip: those no profile fits); without it a profile from
    ``profiles`` must fit, else ``NeedsMapping``. Anything unreadable raises ``UnreadableStatement``
    and nothing of the file is returned. In a zip, files that are no statement (a PDF, a readme)
    are left out with a warning on the first statement read.
    """
    _check_size(file_name, data)
    if is_archive(data):
        return _read_archive(file_name, data, profiles, mapping)
    if _kind(file_name, data) is None:
        raise UnreadableStatement(_unknown(data), file_name=file_name)
    return [(file_name, _read_one(file_name, data, profiles, mapping))]


def _check_size(file_name: str, data: bytes) -> None:
    if not data.strip():
        raise UnreadableStatement("the file is empty", file_name=file_name)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableStatement(f"the file is {human_size(len(data))}; Paydesk reads statements up to "
                                  f"{human_size(MAX_FILE_BYTES)}", file_name=file_name)


def _kind(file_name: str, data: bytes) -> StatementFormat | str | None:
    """The format, "table" for CSV/XLSX, or None for a file that is no statement Paydesk knows."""
    if data.startswith(_FOREIGN) or (is_office_document(data) and not is_xlsx(data)):
        return None
    extension = PurePosixPath(file_name).suffix.lower()
    if is_xlsx(data) or (extension in TABLE_EXTENSIONS and not is_archive(data) and b"\x00" not in data[:SNIFF_BYTES]):
        return "table"
    found = detect(file_name, data)
    if found is not None:
        return found
    return "table" if looks_tabular(data) else None


def _read_one(file_name: str, data: bytes, profiles: Sequence[ColumnMapping], mapping: ColumnMapping | None) -> ParsedFile:
    kind = _kind(file_name, data)
    if kind is None:
        raise UnreadableStatement(_unknown(data), file_name=file_name)
    if not isinstance(kind, str):
        return kind.parse(data, file_name)
    chosen = mapping or matching_profile(file_name, data, profiles)
    if chosen is None:
        raise NeedsMapping(file_name, data, guess_mapping(file_name, data))
    return parse_with_mapping(file_name, data, chosen)


def _read_archive(
    file_name: str, data: bytes, profiles: Sequence[ColumnMapping], mapping: ColumnMapping | None,
) -> list[tuple[str, ParsedFile]]:
    read: list[tuple[str, ParsedFile]] = []
    skipped: list[str] = []
    members = unpack(file_name, data)
    for member in members:
        if not member.data.strip():
            skipped.append(f"{member.name}: skipped — the file is empty")
        elif _kind(member.name, member.data) is None:
            skipped.append(f"{member.name}: skipped — not a bank statement")
        else:
            read.append((member.name, _read_one(member.name, member.data, profiles, mapping)))
    if not read:
        names = ", ".join(m.name.rsplit(SEPARATOR, 1)[-1] for m in members) or "nothing"
        raise UnreadableStatement(f"the zip holds no bank statement Paydesk knows (it holds: {names}); {EXPECTED}",
                                  file_name=file_name)
    read[0][1].warnings.extend(skipped)
    return read


def _unknown(data: bytes) -> str:
    head = data[:8]
    if head.startswith(b"%PDF"):
        return ("this is a PDF; Paydesk can't read statements from PDFs: download the statement from your bank as "
                "camt.053, MT940, OFX, CSV or XLSX")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("this is an old Excel (.xls) or a password-protected workbook: open it in Excel or LibreOffice and "
                "save it as .xlsx or CSV")
    return f"not a bank statement Paydesk knows: {EXPECTED}"
