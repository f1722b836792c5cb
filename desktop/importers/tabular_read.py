"""CSV and XLSX files as a table of rows, before any mapping says what the columns mean.

CSV text is decoded with ``decode_text`` (UTF-8, Windows-1252 or Latin-1) and split with the
``csv`` module (``;`` ``,`` tab ``|``, quoted fields); the delimiter is sniffed when not given.
XLSX goes through ``xlsx.read_sheet``. Row numbers in messages are 1-based, as a spreadsheet
shows them. The last few tables read are cached, so the mapping dialog can re-read a file on
every change without splitting it again.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Protocol

from desktop.domain.bank import UnreadableStatement
from desktop.domain.column_mapping import header_signature
from desktop.importers.encoding import decode_text
from desktop.importers.tabular_values import Cell, cell_text, is_blank
from desktop.importers.xlsx import is_xlsx, read_sheet
from desktop.importers.xml_safety import gc_paused

SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 60
_DELIMITER_NAMES = {";": "semicolon", ",": "comma", "\t": "tab", "|": "vertical bar"}
_CANDIDATES = tuple(_DELIMITER_NAMES)


@dataclass(frozen=True, slots=True)
class Table:
    """Every row of a CSV file or of one XLSX sheet; ``rows[i]`` is spreadsheet row ``i + 1``."""

    kind: str  # "csv" or "xlsx"
    rows: tuple[tuple[Cell, ...], ...]
    encoding: str = ""  # CSV: as decode_text named it
    delimiter: str = ""  # CSV: the delimiter used; "" for XLSX
    sheet: str = ""  # XLSX: the sheet read
    sheets: tuple[str, ...] = ()  # XLSX: every sheet of the workbook

    def header(self, header_row: int | None) -> tuple[str, ...] | None:
        """The header row's cells as text, or None when the mapping says there is no header."""
        if header_row is None:
            return None
        if header_row >= len(self.rows):
            return ()
        return tuple(cell_text(cell) for cell in self.rows[header_row])

    def column_count(self) -> int:
        """The most common width of the non-empty rows."""
        widths = Counter(len(_trimmed(row)) for row in self.rows[:2000] if not _blank_row(row))
        return widths.most_common(1)[0][0] if widths else 0

    def data_rows(self, header_row: int | None, skip_footer_rows: int = 0) -> list[tuple[int, tuple[Cell, ...]]]:
        """``(row number, cells)`` of the rows below the header, without blank rows and the footer."""
        start = 0 if header_row is None else header_row + 1
        numbered = [(n + 1, row) for n, row in enumerate(self.rows[start:], start) if not _blank_row(row)]
        if skip_footer_rows:
            numbered = numbered[:-skip_footer_rows]
        return numbered

    def signature(self, header_row: int | None) -> str:
        return header_signature(self.header(header_row), self.delimiter, self.column_count())


def _blank_row(row: tuple[Cell, ...]) -> bool:
    return all(is_blank(cell) for cell in row)


def _trimmed(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    end = len(row)
    while end and is_blank(row[end - 1]):
        end -= 1
    return row[:end]


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def read_table(file_name: str, data: bytes, delimiter: str = "", quote_char: str = '"', sheet: str = "") -> Table:
    """The file as a table: an XLSX workbook's sheet (``sheet``, else the first), or CSV split at ``delimiter``.

    An empty ``delimiter`` is sniffed. Raises ``UnreadableStatement`` for a file that is not a table.
    """
    return _read_table(file_name, data, delimiter, quote_char, sheet)


class SavedLayout(Protocol):
    """What recognizing a saved profile needs: a bank statement's ``ColumnMapping`` or a ledger layout."""

    signature: str
    sheet: str
    delimiter: str
    quote_char: str
    header_row: int | None


def read_for(file_name: str, data: bytes, mapping: SavedLayout) -> Table:
    return _read_table(file_name, data, mapping.delimiter, mapping.quote_char, mapping.sheet)


_CACHE: OrderedDict[tuple[str, bytes, str, str, str], Table] = OrderedDict()
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def _read_table(file_name: str, data: bytes, delimiter: str, quote_char: str, sheet: str) -> Table:
    """``read_table`` behind a small cache; a table is also kept under the sheet or delimiter it resolved to."""
    key = (file_name, data, delimiter, quote_char, sheet)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    table = _split(file_name, data, delimiter, quote_char, sheet)
    resolved = (file_name, data, table.delimiter or delimiter, quote_char, table.sheet or sheet)
    with _CACHE_LOCK:
        for k in {key, resolved}:
            _CACHE[k] = table
            _CACHE.move_to_end(k)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return table


def _split(file_name: str, data: bytes, delimiter: str, quote_char: str, sheet: str) -> Table:
    if is_xlsx(data):
        rows, title, sheets = read_sheet(file_name, data, sheet)
        return Table("xlsx", rows, sheet=title, sheets=sheets)
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableStatement("this is not a text file, so it can't be a CSV statement", file_name=file_name)
    text, encoding = decode_text(data)
    if not delimiter:
        delimiter = sniff_delimiter(text) or ";"
    return Table("csv", _split_csv(file_name, text, delimiter, quote_char), encoding=encoding, delimiter=delimiter)


def _split_csv(file_name: str, text: str, delimiter: str, quote_char: str) -> tuple[tuple[Cell, ...], ...]:
    if quote_char:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote_char)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    rows: list[tuple[Cell, ...]] = []
    try:
        with gc_paused():
            rows.extend(tuple(row) for row in reader)
    except csv.Error as error:
        where = f"row {len(rows) + 1}"
        if "field larger than field limit" in str(error):
            raise UnreadableStatement("a cell is longer than 128 KB; this is not a bank statement", where, file_name) from None
        raise UnreadableStatement(f"the CSV can't be split into cells ({error})", where, file_name) from None
    return tuple(rows)


def sniff_delimiter(text: str) -> str | None:
    """The delimiter that splits most of the first lines into the same number (> 1) of cells."""
    lines = [line for line in text[:SNIFF_BYTES].splitlines() if line.strip()][:SNIFF_LINES]
    if len(text) > SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the cut may have split the last line
    best: tuple[int, int, int] | None = None
    chosen = None
    for rank, delimiter in enumerate(_CANDIDATES):
        try:
            widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        width, count = widths.most_common(1)[0] if widths else (0, 0)
        if width < 2:
            continue
        score = (count, width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def looks_tabular(data: bytes) -> bool:
    """Whether the start of a file looks like a delimited table (for .txt files and files with no extension)."""
    head = data[:SNIFF_BYTES]
    if not head.strip() or b"\x00" in head or is_xlsx(data):
        return is_xlsx(data)
    text, _ = decode_text(head)
    delimiter = sniff_delimiter(text)
    if delimiter is None:
        return False
    lines = [line for line in text.splitlines() if line.strip()][:SNIFF_LINES]
    if len(text) < len(data) and len(lines) > 1:
        lines = lines[:-1]
    widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
    _width, count = widths.most_common(1)[0]
    return count >= 2 and count * 2 >= len(lines)
