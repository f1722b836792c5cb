"""Zip files of statements, unpacked in memory, refusing anything that looks like a zip bomb.

Before anything is unpacked: at most ``MAX_MEMBERS`` files, none encrypted, none and all together
no bigger than ``MAX_FILE_BYTES`` unpacked, none packed more than ``MAX_RATIO`` to 1; a zip inside
the zip is unpacked too, but not a zip inside that. While unpacking, every byte counts against
one budget of ``MAX_FILE_BYTES`` for the whole file, whatever the zip declared. Nothing is
written to disk, so member paths (``../../etc``) can do no harm. Folders and the litter of
archivers (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``) are left out.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from desktop.importers.base import MAX_FILE_BYTES
from desktop.importers.zip_guard import (
    MAX_MEMBERS,
    MAX_RATIO,
    SEPARATOR,
    check_members,
    is_office_document,
    is_zip,
    open_zip,
    read_member,
    refuse,
)

__all__ = ["MAX_MEMBERS", "MAX_NESTING", "MAX_RATIO", "SEPARATOR", "Member", "is_archive", "unpack"]

MAX_NESTING = 1
"""A zip may hold zips; those may not hold zips again."""

_LITTER_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # for the user: "bundle.zip › camt053.xml", "bundle.zip › 2026.zip › mt940.sta"
    data: bytes


def is_archive(data: bytes) -> bool:
    """A zip archive of files (an XLSX workbook or a .docx is a zip too, but one document)."""
    return is_zip(data) and not is_office_document(data)


def unpack(file_name: str, data: bytes) -> list[Member]:
    """Every file in the zip (and in zips inside it), or ``UnreadableStatement`` saying why it was refused."""
    unpacked = [0]
    return _unpack(file_name, data, 0, unpacked)


def _unpack(display: str, data: bytes, depth: int, unpacked: list[int]) -> list[Member]:
    """``unpacked[0]`` counts the bytes unpacked so far from the whole file, nested zips included."""
    with open_zip(display, data) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir() and not _litter(info)]
        check_members(display, infos, already=unpacked[0])
        members: list[Member] = []
        for info in infos:
            content = read_member(display, archive, info, MAX_FILE_BYTES - unpacked[0])
            unpacked[0] += len(content)
            name = f"{display}{SEPARATOR}{info.filename}"
            if is_archive(content):
                if depth >= MAX_NESTING:
                    raise refuse(display, f"{info.filename!r} is a zip inside a zip inside a zip (a zip bomb?)")
                members.extend(_unpack(name, content, depth + 1, unpacked))
            else:
                members.append(Member(name, content))
        return members


def _litter(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    return "__MACOSX" in path.parts or path.name.lower() in _LITTER_NAMES
