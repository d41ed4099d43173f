"""What the bundle asks of the target's glibc, read from the ELF files' version needs.

A shared object lists in `.gnu.version_r` every symbol version it needs ("GLIBC_2.34" of
libc.so.6, …); the dynamic loader refuses to start it on a glibc without one of them. The
highest GLIBC_ version over the whole bundle is the oldest glibc the AppImage runs on.

`pin_versions` lowers a need where glibc keeps the older version of the same function
with the same ABI. The one case here: glibc 2.35 gave `hypot` a new version (only its
SVID error-handling wrapper went away), and the Python interpreter built on this machine
asks for that one; the old `hypot@GLIBC_2.2.5` is in every glibc.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from installers.verify_appimage import Section, read_sections

SHT_DYNAMIC = 6
SHT_DYNSYM = 11
DT_NEEDED = 1
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF

# (version, symbol) → the older version of that symbol with the same ABI.
COMPATIBLE_OLDER = {
    ("GLIBC_2.35", "hypot"): "GLIBC_2.2.5",
}


class ElfError(RuntimeError):
    pass


@dataclass
class VersionNeed:
    library: str
    version: str
    index: int  # vna_other: what .gnu.version stores for symbols bound to this version
    entry_offset: int  # file offset of the Vernaux entry
    symbols: list[str]


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(6)
    except OSError:
        return False
    return head[:4] == b"\x7fELF" and head[4] == 2


def _string(data: bytes, table: Section, offset: int) -> str:
    start = table.offset + offset
    return data[start:data.index(b"\0", start)].decode("ascii", "replace")


def _verneed(sections: list[Section]) -> tuple[Section, Section] | None:
    """The version-needs section and its string table."""
    verneed = next((s for s in sections if s.type == SHT_GNU_VERNEED), None)
    return (verneed, sections[verneed.link]) if verneed else None


def version_needs(data: bytes) -> list[VersionNeed]:
    sections = read_sections(data)
    if _verneed(sections) is None:
        return []
    verneed, strings = _verneed(sections)
    found: list[VersionNeed] = []
    offset = verneed.offset
    for _ in range(verneed.info):
        _version, count, file_name, aux, following = struct.unpack_from("<HHIII", data, offset)
        library = _string(data, strings, file_name)
        entry = offset + aux
        for _ in range(count):
            _hash, _flags, other, name, next_aux = struct.unpack_from("<IHHII", data, entry)
            found.append(VersionNeed(library, _string(data, strings, name), other, entry, []))
            entry += next_aux
        offset += following
    _bind_symbols(data, sections, found)
    return found


def _bind_symbols(data: bytes, sections: list[Section], needs: list[VersionNeed]) -> None:
    dynsym = next((s for s in sections if s.type == SHT_DYNSYM), None)
    versym = next((s for s in sections if s.type == SHT_GNU_VERSYM), None)
    if dynsym is None or versym is None:
        return
    by_index = {need.index: need for need in needs}
    strings = sections[dynsym.link]
    for number in range(dynsym.size // dynsym.entsize):
        index, = struct.unpack_from("<H", data, versym.offset + 2 * number)
        need = by_index.get(index & 0x7FFF)
        if need is not None:
            name, = struct.unpack_from("<I", data, dynsym.offset + number * dynsym.entsize)
            need.symbols.append(_string(data, strings, name))


def needed_libraries(path: Path) -> list[str]:
    """The file's DT_NEEDED entries: the sonames the loader opens with it."""
    data = path.read_bytes()
    sections = read_sections(data)
    dynamic = next((s for s in sections if s.type == SHT_DYNAMIC), None)
    if dynamic is None:
        return []
    strings = sections[dynamic.link]
    names = []
    for offset in range(dynamic.offset, dynamic.offset + dynamic.size, 16):
        tag, value = struct.unpack_from("<qQ", data, offset)
        if tag == 0:
            break
        if tag == DT_NEEDED:
            names.append(_string(data, strings, value))
    return names


def glibc_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("GLIBC_").split("."))


def glibc_needed(path: Path) -> str | None:
    """The highest GLIBC_x.y this file needs, or None."""
    versions = [n.version for n in version_needs(path.read_bytes())
                if n.version.startswith("GLIBC_2") and n.version[6:].replace(".", "").isdigit()]
    return max(versions, key=glibc_key) if versions else None


def glibc_report(folder: Path) -> tuple[str | None, list[tuple[str, Path]]]:
    """(highest GLIBC_ version, [(version, file)] sorted highest first) over every ELF file."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and is_elf(path):
            version = glibc_needed(path)
            if version:
                found.append((version, path))
    found.sort(key=lambda item: glibc_key(item[0]), reverse=True)
    return (found[0][0] if found else None), found


def elf_hash(name: str) -> int:
    value = 0
    for byte in name.encode():
        value = (value << 4) + byte
        high = value & 0xF0000000
        if high:
            value ^= high >> 24
        value &= ~high & 0xFFFFFFFF
    return value


def pin_versions(path: Path, ceiling: str) -> list[str]:
    """Rewrite, in place, every need above `ceiling` whose symbols all have a compatible
    older version (COMPATIBLE_OLDER); returns what was changed. A need that cannot be
    lowered raises ElfError."""
    data = bytearray(path.read_bytes())
    changed = []
    for need in version_needs(bytes(data)):
        if not need.version.startswith("GLIBC_2") or glibc_key(need.version) <= glibc_key(ceiling):
            continue
        targets = {COMPATIBLE_OLDER.get((need.version, symbol)) for symbol in need.symbols}
        if not need.symbols or len(targets) != 1 or None in targets:
            raise ElfError(f"{path.name} needs {need.version} for {', '.join(need.symbols) or '?'}, "
                           f"which has no compatible older version")
        target = targets.pop()
        name_offset = _find_string(data, _verneed(read_sections(data))[1], target)
        struct.pack_into("<I", data, need.entry_offset, elf_hash(target))
        struct.pack_into("<I", data, need.entry_offset + 8, name_offset)
        changed.append(f"{path.name}: {', '.join(need.symbols)} {need.version} → {target}")
    if changed:
        path.write_bytes(data)
    return changed


def _find_string(data: bytearray, table: Section, text: str) -> int:
    raw = bytes(data[table.offset:table.offset + table.size])
    wanted = text.encode() + b"\0"
    at = raw.find(b"\0" + wanted)
    if at < 0:
        raise ElfError(f"{text} is not in the file's string table; it cannot be pinned in place")
    return at + 1
