#!/usr/bin/env python3
"""Turn a .config into a C header of CONFIG_ macros.

Usage: config_h.py .config OUT_H

CONFIG_X=y becomes `#define CONFIG_X 1`, numbers are copied as they are,
strings stay quoted; options set to n or `# ... is not set` are left out.
OUT_H is only rewritten when its content changes, so make rebuilds nothing
when the configuration did not really change.
"""
import os
import re
import sys
import tempfile

ASSIGNMENT = re.compile(r"(CONFIG_[A-Za-z0-9_]+)=(.*)")
NUMBER = re.compile(r"-?[0-9]+|0[xX][0-9a-fA-F]+")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def header(config_path):
    lines = ["/* Generated from .config by tools/config_h.py: do not edit. */",
             "#pragma once", ""]
    with open(config_path) as f:
        for num, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = ASSIGNMENT.fullmatch(line)
            if not m:
                sys.exit(f"config_h: {config_path}:{num}: cannot parse {line!r}")
            name, value = m[1], m[2]
            if value == "y":
                value = "1"
            elif value in ("n", ""):
                continue
            elif not (NUMBER.fullmatch(value) or STRING.fullmatch(value)):
                sys.exit(f"config_h: {config_path}:{num}: {name} has a bad value {value!r}")
            lines.append(f"#define {name} {value}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: config_h.py .config OUT_H")
    out = sys.argv[2]
    text = header(sys.argv[1])
    try:
        with open(out) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), prefix=".config_h.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
