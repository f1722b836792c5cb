"""Opening zip containers (zip archives of statements, XLSX workbooks) without falling for zip bombs.

Everything is checked against what the zip declares before anything is unpacked, and the
unpacking itself reads with a cap, because declared sizes can lie. Nothing is written to disk.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence

from desktop.domain.bank import UnreadableStatement
from desktop.importers.base import MAX_FILE_BYTES

MAX_MEMBERS = 500
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
"""The compression ratio is checked for members that unpack to more than this (tiny files compress oddly)."""

SEPARATOR = " › "
_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def is_zip(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _names(data: bytes) -> frozenset[str]:
    if not is_zip(data):
        return frozenset()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return frozenset(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return frozenset()


def is_xlsx(data: bytes) -> bool:
    """An Office Open XML workbook (.xlsx, .xlsm): a zip holding ``xl/workbook.xml``."""
    names = _names(data)
    return "xl/workbook.xml" in names or "xl/workbook.bin" in names


def is_office_document(data: bytes) -> bool:
    """A zip that is one document (Office Open XML, OpenDocument), not an archive of files."""
    names = _names(data)
    return "[Content_Types].xml" in names or "mimetype" in names


def human_size(size: int) -> str:
    """``4509715660`` -> ``"4.2 GB"`` (powers of 1024, as file managers on Windows show them)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def open_zip(file_name: str, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableStatement(f"the zip file is damaged ({error})", file_name=file_name) from None


def refuse(file_name: str, why: str) -> UnreadableStatement:
    return UnreadableStatement(f"refused — {why}", file_name=file_name)


def check_members(file_name: str, members: Sequence[zipfile.ZipInfo], already: int = 0,
                  max_member: int = MAX_FILE_BYTES) -> None:
    """Refuse, from what the zip declares, before unpacking: too many members, encrypted ones, too big, too packed.

    ``already``: bytes unpacked before this zip from the same file (a zip inside a zip); all of it
    together may not exceed ``MAX_FILE_BYTES``.
    """
    if len(members) > MAX_MEMBERS:
        raise refuse(file_name, f"it holds {len(members):,} files; Paydesk unpacks at most {MAX_MEMBERS} from one zip")
    for info in members:
        if info.flag_bits & 0x1:
            raise refuse(file_name, f"{info.filename!r} is password-protected; unpack the zip yourself and import its files")
    total = already + sum(info.file_size for info in members)
    if total > MAX_FILE_BYTES:
        raise refuse(file_name, f"it would unpack to {human_size(total)} (a zip bomb?)")
    for info in members:
        if info.file_size > max_member:
            raise refuse(file_name, f"{info.filename!r} would unpack to {human_size(info.file_size)}; "
                                    f"Paydesk reads at most {human_size(max_member)} there")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise refuse(file_name, f"it would unpack to {human_size(total)}, {info.filename!r} to {ratio:,} times "
                                    "its packed size (a zip bomb?)")


def read_member(file_name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The member's bytes, refusing once more than ``cap`` bytes come out (whatever the zip declared).

    Never asks for more than the declared size (+1): zipfile decompresses as much as asked before
    it trims to the declared size, so a member that lies low costs nothing and fails its CRC.
    """
    try:
        with archive.open(info) as stream:
            content = stream.read(min(cap, info.file_size) + 1)
    except NotImplementedError:
        raise UnreadableStatement(f"{info.filename!r} is packed with a method Paydesk can't unpack; "
                                  "unpack the zip yourself and import its files", file_name=file_name) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as error:
        raise UnreadableStatement(f"the zip file is damaged at {info.filename!r} ({error})", file_name=file_name) from None
    if len(content) > cap:
        raise refuse(file_name, f"it unpacks to more than {human_size(cap)} (a zip bomb?)")
    return content
