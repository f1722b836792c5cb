"""What the statement mapping dialog needs from the importers, passed through (the window may not import importers).

``guess_mapping`` pre-fills the dialog, ``table_info`` lists the file's sheets and columns as a
mapping splits it (and how many rows it has), and ``preview_mapping`` reads the file (or its
first rows) with a mapping: the parsed file, or ``UnreadableStatement`` naming the row and column
that don't fit (``ValidationError`` by field when the mapping itself is incomplete). All of them
are safe to call from a worker thread.
"""

from __future__ import annotations

from desktop.domain.bank import ParsedFile
from desktop.domain.column_mapping import ColumnMapping
from desktop.importers.tabular import TableInfo, describe, guess_mapping, parse_with_mapping

__all__ = ["TableInfo", "guess_mapping", "preview_mapping", "table_info"]


def preview_mapping(file_name: str, data: bytes, mapping: ColumnMapping, limit: int | None = None) -> ParsedFile:
    """The file read with ``mapping``: all of it, or its first ``limit`` rows."""
    return parse_with_mapping(file_name, data, mapping, limit)


def table_info(file_name: str, data: bytes, mapping: ColumnMapping) -> TableInfo:
    return describe(file_name, data, mapping)
