#!/usr/bin/env python3
"""Fill the kernel's .ksymtab section with its function symbols (kernel/ksym.h).

Usage: embed_symbols.py KERNEL_ELF     (env NM names nm, default `nm`)

Reads the function symbols with `$NM -n --defined-only`, sorts them by
address (one name per address), and writes struct ksymtab, the struct ksym
array and the NUL-terminated names over the section's bytes in the file.
Linking reserved the section, so no address changes; running it twice gives
the same file.
"""
import os
import shlex
import struct
import subprocess
import sys

KSYMTAB_MAGIC = 0x4D59534B  # "KSYM"
SECTION = ".ksymtab"
SHT_NOBITS = 8
TABLE = struct.Struct("<IIQ")  # magic, count, reserved
KSYM = struct.Struct("<QII")  # addr, name_off, reserved
FUNC_TYPES = set("tTwW")


def die(msg):
    sys.exit(f"embed_symbols: {msg}")


def find_section(elf, name):
    """(file offset, size) of the named section, parsed from the ELF64 header."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        die("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab_off, strtab_size = sections[shstrndx][4:6]
    strtab = elf[strtab_off : strtab_off + strtab_size]
    for sh_name, sh_type, _flags, _addr, offset, size in sections:
        if strtab[sh_name : strtab.index(b"\0", sh_name)].decode() == name:
            if sh_type == SHT_NOBITS:
                die(f"section {name} has no bytes in the file (NOBITS)")
            return offset, size
    die(f"no section {name} (does the linker script reserve it?)")


def function_symbols(path):
    """Sorted [(addr, name)], one name per address."""
    nm = shlex.split(os.environ.get("NM", "nm"))
    try:
        out = subprocess.run(nm + ["-n", "--defined-only", path], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die(f"running {' '.join(nm)}: {getattr(e, 'stderr', None) or e}")
    by_addr = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 3 or fields[1] not in FUNC_TYPES:
            continue
        addr, kind, name = int(fields[0], 16), fields[1], fields[2]
        if "." in name or "$" in name:
            continue
        # Where several names share an address, prefer a global one.
        if addr not in by_addr or (kind.isupper() and not by_addr[addr][0].isupper()):
            by_addr[addr] = (kind, name)
    return sorted((addr, name) for addr, (_, name) in by_addr.items())


def build_table(symbols):
    names = bytearray()
    name_base = TABLE.size + KSYM.size * len(symbols)
    entries = []
    for addr, name in symbols:
        entries.append(KSYM.pack(addr, name_base + len(names), 0))
        names += name.encode() + b"\0"
    return TABLE.pack(KSYMTAB_MAGIC, len(symbols), 0) + b"".join(entries) + names


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    path = sys.argv[1]
    with open(path, "rb") as f:
        elf = f.read()
    offset, size = find_section(elf, SECTION)
    symbols = function_symbols(path)
    table = build_table(symbols)
    if len(table) > size:
        die(f"{len(symbols)} symbols need {len(table)} bytes but {SECTION} holds {size}; "
            "raise KSYMTAB_SIZE in kernel/ksym.h")
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(table.ljust(size, b"\0"))


if __name__ == "__main__":
    main()
