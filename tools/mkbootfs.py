#!/usr/bin/env python3
"""Pack user programs into a boot image (the format of libs/common/util/bootfs.h).

Usage: mkbootfs.py -o OUT [--cmdline NAME=TEXT]... ENTRY...
  ENTRY is name=path[:autostart][:instances=N][:prio=N][:mem=N][:caps=A+B][:serves=X+Y],
  e.g. init=build/init.elf:prio=20 or test=build/test.elf:autostart. The default priority
  is 10. mem= is the memory budget init gives the task, in KiB or with a K or M suffix
  (default: the kernel's, TASK_MEMORY_DEFAULT).
  --cmdline stores TEXT as the command line init starts entry NAME with: an entry
  `NAME.cmdline` holding TEXT and a NUL (see bootfs_cmdline() in libs/resea).
  serves= lists the names the entry's tasks serve: an entry `NAME.serves` holding
  each name and a NUL (see bootfs_serves() in libs/common/util/bootfs.c).

The image is a header, the entry table, then each file at a 4 KiB-aligned
offset; all integers little-endian. OUT is written atomically.
"""
import argparse
import os
import re
import struct
import sys
import tempfile

MAGIC = 0x53464252  # "RBFS"
VERSION = 2
NAME_MAX = 32  # including the terminating NUL
MAX_ENTRIES = 64
AUTOSTART = 1 << 0
INSTANCES_SHIFT = 8  # BOOTFS_INSTANCES_SHIFT
INSTANCES_MAX = 0xff  # bootfs_instances() reads 8 bits of the flags


def read_caps():
    """Capabilities init hands the task, by build.mk name: the BOOTFS_CAP_*
    bits of libs/common/util/bootfs.h (BOOTFS_CAP_IOPORT is `ioport`)."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "libs", "common", "util", "bootfs.h")
    with open(header, encoding="utf-8") as f:
        found = re.findall(r"#define\s+BOOTFS_CAP_(\w+)\s+\(1u\s*<<\s*(\d+)\)", f.read())
    return {name.lower(): 1 << int(bit) for name, bit in found}


CAPS = read_caps()
ALIGN = 4096
DEFAULT_PRIO = 10
CMDLINE_MAX = 128  # TASK_CMDLINE_MAX, the NUL included
CMDLINE_SUFFIX = ".cmdline"
SERVES_SUFFIX = ".serves"  # BOOTFS_SERVES_SUFFIX
HEADER = struct.Struct("<4I")  # magic, version, count, total_size
ENTRY = struct.Struct(f"<{NAME_MAX}s5I")  # name, offset, size, flags, priority, memory_kib


def die(msg):
    sys.exit(f"mkbootfs: {msg}")


def parse_serves(spec, names):
    """The serves= option's names -> the list's bytes: each name and a NUL."""
    out = []
    for name in names.split("+"):
        raw = name.encode()
        if not raw or len(raw) >= NAME_MAX or b"\0" in raw:
            die(f"{spec!r}: a name to serve is 1 to {NAME_MAX - 1} bytes")
        out.append(raw + b"\0")
    return b"".join(out)


def parse_entry(spec):
    """name=path[:opt]... -> (name bytes, path, flags, priority, memory KiB, serve list bytes)."""
    name, sep, rest = spec.partition("=")
    if not sep:
        die(f"{spec!r}: expected name=path[:autostart][:prio=N][:mem=N][:caps=A+B][:serves=X+Y]")
    flags, prio, mem, serves = 0, DEFAULT_PRIO, 0, b""
    # Options come last; peel them off from the right so a path may hold ':'.
    path = rest
    while ":" in path:
        head, opt = path.rsplit(":", 1)
        if opt == "autostart":
            flags |= AUTOSTART
        elif opt.startswith("instances="):
            n = int(opt[10:]) if opt[10:].isdigit() else 0
            if not 1 <= n <= INSTANCES_MAX:
                die(f"{spec!r}: instances must be 1..{INSTANCES_MAX}")
            flags |= n << INSTANCES_SHIFT
        elif opt.startswith("caps="):
            for cap in filter(None, opt[5:].split("+")):
                if cap not in CAPS:
                    die(f"{spec!r}: unknown capability {cap!r} (known: {', '.join(CAPS)})")
                flags |= CAPS[cap]
        elif opt.startswith("serves="):
            serves = parse_serves(spec, opt[7:])
        elif opt.startswith("mem="):
            mem = parse_memory(spec, opt[4:])
        elif opt.startswith("prio="):
            try:
                prio = int(opt[5:], 0)
            except ValueError:
                die(f"{spec!r}: bad priority {opt[5:]!r}")
            if not 0 <= prio < 2**32:
                die(f"{spec!r}: priority out of range")
        else:
            break
        path = head
    raw = name.encode()
    if not raw:
        die(f"{spec!r}: empty name")
    if len(raw) >= NAME_MAX:
        die(f"{spec!r}: name longer than {NAME_MAX - 1} bytes")
    if not path:
        die(f"{spec!r}: empty path")
    return raw, path, flags, prio, mem, serves


def parse_memory(spec, text):
    """The mem= option: KiB, or a number with a K or M suffix -> KiB."""
    m = re.fullmatch(r"(\d+)([KM]?)", text)
    kib = int(m.group(1)) * (1024 if m.group(2) == "M" else 1) if m else 0
    if not 0 < kib < 2**32:
        die(f"{spec!r}: mem= takes KiB, or a number with K or M, above 0: {text!r}")
    return kib


def serves_entry(spec, name, serves):
    """The entry (name, data, flags, prio, mem) that holds the entry's serve list."""
    raw = name + SERVES_SUFFIX.encode()
    if len(raw) >= NAME_MAX:
        die(f"{spec!r}: {raw.decode()!r} is longer than {NAME_MAX - 1} bytes")
    return raw, serves, 0, DEFAULT_PRIO, 0


def cmdline_entry(spec, names):
    """NAME=TEXT -> the entry (name, data, flags, prio, mem) that holds TEXT for NAME."""
    name, sep, text = spec.partition("=")
    if not sep or name.encode() not in names:
        die(f"--cmdline {spec!r}: expected NAME=TEXT with NAME one of the entries")
    data = text.encode() + b"\0"
    if b"\0" in data[:-1] or len(data) > CMDLINE_MAX:
        die(f"--cmdline {spec!r}: at most {CMDLINE_MAX - 1} bytes, no NUL")
    raw = (name + CMDLINE_SUFFIX).encode()
    if len(raw) >= NAME_MAX:
        die(f"--cmdline {spec!r}: {raw.decode()!r} is longer than {NAME_MAX - 1} bytes")
    return raw, data, 0, DEFAULT_PRIO, 0


def align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def build_image(entries):
    """entries: [(name, data, flags, prio, mem)] -> the image bytes."""
    offsets, offset = [], align(HEADER.size + ENTRY.size * len(entries))
    for _, data, *_ in entries:
        offsets.append(offset)
        offset = align(offset + len(data))
    # The image ends with the last file: no padding after it.
    total = offsets[-1] + len(entries[-1][1])
    if total >= 2**32:
        die("image larger than 4 GiB")
    image = bytearray(total)
    HEADER.pack_into(image, 0, MAGIC, VERSION, len(entries), total)
    for i, ((name, data, flags, prio, mem), off) in enumerate(zip(entries, offsets)):
        ENTRY.pack_into(image, HEADER.size + i * ENTRY.size, name, off, len(data), flags, prio,
                        mem)
        image[off : off + len(data)] = data
    return bytes(image)


def write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".mkbootfs.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description="Pack user programs into a boot image.")
    ap.add_argument("-o", dest="out", required=True, help="output image")
    ap.add_argument("--cmdline", action="append", default=[], metavar="NAME=TEXT",
                    help="the command line init starts entry NAME with")
    ap.add_argument("entries", nargs="+", metavar="ENTRY", help="name=path[:autostart][:prio=N][:mem=N][:caps=A+B]")
    args = ap.parse_args()

    if len(args.entries) + len(args.cmdline) > MAX_ENTRIES:
        die(f"{len(args.entries) + len(args.cmdline)} entries, at most {MAX_ENTRIES} fit")
    entries, extra, seen = [], [], set()
    for spec in args.entries:
        name, path, flags, prio, mem, serves = parse_entry(spec)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            die(f"{spec!r}: {e.strerror}: {path}")
        entries.append((name, data, flags, prio, mem))
        if serves:
            extra.append(serves_entry(spec, name, serves))
    names = {e[0] for e in entries}
    extra += [cmdline_entry(spec, names) for spec in args.cmdline]
    # The programs first, so that their places do not depend on the rest.
    for entry in entries + extra:
        if entry[0] in seen:
            die(f"duplicate name {entry[0].decode()!r}")
        seen.add(entry[0])
    entries += extra
    if len(entries) > MAX_ENTRIES:
        die(f"{len(entries)} entries, at most {MAX_ENTRIES} fit")
    write_atomically(args.out, build_image(entries))


if __name__ == "__main__":
    main()
