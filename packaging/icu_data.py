"""Rewrites Qt's ICU data library (``libicudata.so.<N>``, 31 MB in PySide6's Linux wheels) with fewer items.

The library is one ELF shared object holding one symbol, ``icudt<N>_dat``: an ICU "common data"
package (a table of contents of named items such as ``icudt73l/coll/de.res``, then the items). ICU
finds an item by a binary search over the names, so a package holding a sorted subset of the items
is a valid package, and a lookup of a dropped item fails the way it does for a locale ICU never had
(ICU falls back to the parent locale, then to root). Which items stay is decided by the caller
(``bundle_contents.keep_icu_item``); this file only knows the two formats:

- the package: a data header, ``uint32 count``, ``count`` pairs of ``uint32`` (name offset, data
  offset, both from the end of the header), the NUL-terminated names, then the items, each at a
  multiple of 16 bytes;
- the library, as ICU's build (``pkgdata``) links it: the package is ``.rodata``, the last section
  of the first (read-only) PT_LOAD segment, followed only by ``.dynamic`` in a second segment and
  the non-loaded section names and headers. Everything after ``.rodata`` moves down by a whole
  number of pages, so every address keeps its alignment and nothing else needs relocating.

No compiler and no ICU tools are needed. Anything not laid out like that is refused with an error
(a new PySide6 whose library is linked differently), never rewritten blindly.
"""

from __future__ import annotations

import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PAGE = 0x1000
ALIGN = 16
PT_LOAD = 1
SHF_ALLOC = 0x2
DT_NULL = 0
# .dynamic entries holding addresses (d_ptr); all must point below the package, which stays in place.
DT_POINTERS = {3, 4, 5, 6, 7, 12, 13, 17, 23, 25, 26, 0x6FFFFEF5, 0x6FFFFFF0, 0x6FFFFFFC, 0x6FFFFFFE}
SYMBOL = re.compile(rb"icudt\d+_dat")


class LayoutError(ValueError):
    """The library is not laid out as expected; it is left alone."""


@dataclass(frozen=True)
class Trimmed:
    """What a rewrite did: sizes in bytes and item counts."""

    size_before: int
    size_after: int
    items_before: int
    items_kept: int


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(the data header, [(item name, item bytes)] in the package's order) of an ICU common data package."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or blob[8] != 0:  # magic, format, little-endian
        raise LayoutError("not a little-endian ICU common data package (CmnD)")
    count = struct.unpack_from("<I", blob, header_size)[0]
    offsets = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    ends = [data for _, data in offsets[1:]] + [len(blob) - header_size]
    items = []
    for (name_offset, data_offset), end in zip(offsets, ends, strict=True):
        start = header_size + name_offset
        name = blob[start:blob.index(b"\0", start)].decode("ascii")
        items.append((name, blob[header_size + data_offset:header_size + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of ``items`` (in the given order, which must be sorted by name)."""
    names = [name.encode("ascii") for name, _ in items]
    if names != sorted(names):
        raise ValueError("ICU looks items up by binary search: they must be sorted by name")
    name_offset = 4 + 8 * len(items)
    name_offsets = []
    for name in names:
        name_offsets.append(name_offset)
        name_offset += len(name) + 1
    data_offset = _aligned(len(header) + name_offset) - len(header)
    body = bytearray()
    data_offsets = []
    for _, data in items:
        data_offsets.append(data_offset + len(body))
        body += data + bytes(_aligned(len(data)) - len(data))
    table = struct.pack("<I", len(items)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True))
    strings = b"".join(name + b"\0" for name in names)
    padding = b"\xaa" * (data_offset - name_offset)  # what ICU's own packager pads the names with
    return header + table + strings + padding + bytes(body)


def _aligned(size: int, to: int = ALIGN) -> int:
    return (size + to - 1) // to * to


@dataclass
class _Section:
    index: int
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    link: int  # for a symbol table: the index of its string table


def trim_library(source: Path, target: Path, keep: Callable[[str, bytes], bool]) -> Trimmed:
    """Write ``target``: ``source`` with only the package items for which ``keep(name, item)`` is true.

    ``name`` is the item's path inside the package without the package's own folder
    (``coll/de.res``, ``zoneinfo64.res``), ``item`` its bytes.
    """
    elf = bytearray(source.read_bytes())
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise LayoutError(f"{source.name} is not a 64-bit little-endian ELF file")
    phoff, shoff = struct.unpack_from("<QQ", elf, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", elf, 0x36)
    sections = _sections(elf, shoff, shentsize, shnum, shstrndx)
    by_name = {section.name: section for section in sections}
    rodata, dynsym, dynamic = by_name.get(".rodata"), by_name.get(".dynsym"), by_name.get(".dynamic")
    if rodata is None or dynsym is None or dynamic is None:
        raise LayoutError(f"{source.name} lacks .rodata, .dynsym or .dynamic")
    old_end = rodata.offset + rodata.size
    segments = [(i, *struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize)) for i in range(phnum)]
    first = next(segment for segment in segments if segment[1] == PT_LOAD)
    if first[3] != 0 or first[6] != old_end or first[7] != old_end or rodata.offset != rodata.addr:
        raise LayoutError(f"{source.name}: .rodata is not the end of the first loaded segment")
    if shoff < old_end:
        raise LayoutError(f"{source.name}: the section headers come before the package")
    _check_dynamic(elf, dynamic, rodata.addr, source.name)
    symbol_tables = [section for section in sections if section.name in (".dynsym", ".symtab")]
    if not any(_is_data_symbol(elf, sections, dynsym, at, rodata) for at in _symbols(dynsym)):
        raise LayoutError(f"{source.name}: no icudt<N>_dat symbol spanning exactly .rodata")

    header, items = read_package(bytes(elf[rodata.offset:old_end]))
    prefix = items[0][0].split("/", 1)[0] + "/"
    kept = [(name, data) for name, data in items if keep(name.removeprefix(prefix), data)]
    package = write_package(header, kept)
    new_end = rodata.offset + len(package)
    shift = (old_end - new_end) // PAGE * PAGE
    # Where each section goes: those after the package move down by `shift`, except empty
    # sections that sit at the package's end inside its segment (.eh_frame), which stay at its end.
    moved: dict[int, tuple[int, int]] = {}
    for section in sections:
        if section.type == 0 or section.offset < old_end:
            continue
        in_first_segment = section.flags & SHF_ALLOC and section.addr < old_end + PAGE
        if in_first_segment and section.size:
            raise LayoutError(f"{source.name}: section {section.name} follows the package in the same segment")
        moved[section.index] = ((new_end, new_end) if in_first_segment
                                else (section.addr - shift if section.addr else 0, section.offset - shift))

    out = bytearray(elf[:rodata.offset]) + package + bytes(old_end - shift - new_end) + elf[old_end:]
    struct.pack_into("<Q", out, 0x28, shoff - shift)
    for index, p_type, flags, offset, vaddr, paddr, filesz, memsz, align in segments:
        at = phoff + index * phentsize
        if index == first[0]:
            struct.pack_into("<IIQQQQQQ", out, at, p_type, flags, offset, vaddr, paddr, new_end, new_end, align)
        elif offset >= old_end:
            struct.pack_into("<IIQQQQQQ", out, at, p_type, flags, offset - shift, vaddr - shift, paddr - shift,
                             filesz, memsz, align)
    for section in sections:
        at = shoff - shift + section.index * shentsize
        if section is rodata:
            struct.pack_into("<Q", out, at + 0x20, len(package))
        elif section.index in moved:
            struct.pack_into("<QQ", out, at + 0x10, *moved[section.index])
    for table in symbol_tables:  # the data symbol's size; symbols in moved sections (_DYNAMIC) move along
        table_at = moved.get(table.index, (0, table.offset))[1]
        for at in _symbols(table):
            shndx, value = struct.unpack_from("<HQ", elf, at + 6)
            new_at = at - table.offset + table_at
            if _is_data_symbol(elf, sections, table, at, rodata):
                struct.pack_into("<Q", out, new_at + 16, len(package))
            elif shndx in moved and value:
                struct.pack_into("<Q", out, new_at + 8, moved[shndx][0] + value - sections[shndx].addr)
    target.write_bytes(bytes(out))
    target.chmod(source.stat().st_mode & 0o777)
    return Trimmed(len(elf), len(out), len(items), len(kept))


def _symbols(table: _Section) -> range:
    """File offsets of the entries (Elf64_Sym, 24 bytes) of a symbol table section."""
    return range(table.offset, table.offset + table.size, 24)


def _is_data_symbol(elf: bytearray, sections: list[_Section], table: _Section, at: int, rodata: _Section) -> bool:
    """Whether the symbol at ``at`` is ``icudt<N>_dat`` covering exactly the package (.rodata)."""
    name, _, _, shndx, value, size = struct.unpack_from("<IBBHQQ", elf, at)
    names = sections[table.link].offset + name
    symbol = bytes(elf[names:elf.index(b"\0", names)])
    return bool(SYMBOL.fullmatch(symbol)) and shndx == rodata.index and value == rodata.addr and size == rodata.size


def library_package(source: Path) -> bytes:
    """The ICU data package inside the library ``source`` (its .rodata section)."""
    elf = bytearray(source.read_bytes())
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    _, _, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", elf, 0x36)
    rodata = next(s for s in _sections(elf, shoff, shentsize, shnum, shstrndx) if s.name == ".rodata")
    return bytes(elf[rodata.offset:rodata.offset + rodata.size])


def _sections(elf: bytearray, shoff: int, shentsize: int, shnum: int, shstrndx: int) -> list[_Section]:
    raw = [struct.unpack_from("<IIQQQQI", elf, shoff + i * shentsize) for i in range(shnum)]
    names_at = raw[shstrndx][4]
    sections = []
    for index, (name, kind, flags, addr, offset, size, link) in enumerate(raw):
        text = elf[names_at + name:elf.index(b"\0", names_at + name)].decode("ascii")
        sections.append(_Section(index, text, kind, flags, addr, offset, size, link))
    return sections


def _check_dynamic(elf: bytearray, dynamic: _Section, limit: int, name: str) -> None:
    for at in range(dynamic.offset, dynamic.offset + dynamic.size, 16):
        tag, value = struct.unpack_from("<qQ", elf, at)
        if tag == DT_NULL:
            return
        if tag in DT_POINTERS and value >= limit:
            raise LayoutError(f"{name}: a dynamic entry ({tag:#x}) points at or past the package")


def main(argv: list[str]) -> int:
    """``python packaging/icu_data.py LIBRARY [OUT]``: list the items by folder, or trim LIBRARY to OUT."""
    sys.path.insert(0, str(Path(__file__).parent))
    import bundle_contents  # only the command line needs the keep rules

    source = Path(argv[0])
    if len(argv) > 1:
        done = trim_library(source, Path(argv[1]), bundle_contents.keep_icu_item)
        print(f"{source.name}: {done.size_before / 2**20:.1f} MB, {done.items_before} items -> "
              f"{done.size_after / 2**20:.1f} MB, {done.items_kept} items")
        return 0
    _, items = read_package(library_package(source))
    folders: dict[str, list[int]] = {}
    for name, data in items:
        folder = name.split("/")[1] if name.count("/") > 1 else "(top)"
        folders.setdefault(folder, [0, 0, 0, 0])
        kept = bundle_contents.keep_icu_item(name.split("/", 1)[1], data)
        folders[folder][0] += len(data)
        folders[folder][1] += len(data) if kept else 0
        folders[folder][2] += 1
        folders[folder][3] += kept
    for folder, (size, kept_size, count, kept_count) in sorted(folders.items(), key=lambda item: -item[1][0]):
        print(f"{folder:10} {size / 2**20:6.2f} MB, {count:4} items -> kept {kept_size / 2**20:6.2f} MB, {kept_count:4} items")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
