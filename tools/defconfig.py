#!/usr/bin/env python3
"""Write a .config holding the default of every option in a Kconfig tree.

Usage: defconfig.py KCONFIG_ROOT OUT        (usually: defconfig.py Kconfig .config)

Needs no kconfiglib. It reads the subset of Kconfig this project uses:
mainmenu, menu/endmenu, comment, config/menuconfig NAME with a bool, int,
hex or string type, default VALUE (the first unconditional one wins, else
the first; conditions are not evaluated), help blocks, and source/osource/
rsource/orsource (paths relative to KCONFIG_ROOT's directory, or to the
current file's for rsource; globs expand in sorted order). depends on,
select, range, if/endif and the like are accepted and ignored.
"""
import glob
import os
import re
import sys
import tempfile

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
TYPES = {"bool", "int", "hex", "string"}
IGNORED = {"prompt", "depends", "select", "imply", "range", "visible", "option",
           "modules", "if", "endif", "transitional"}


class KconfigError(Exception):
    pass


class Symbol:
    def __init__(self, name):
        self.name, self.type, self.defaults = name, None, []


def tokens(line):
    """[(text, quoted)] of a line, stopping at a comment."""
    out = []
    for m in TOKEN.finditer(line):
        if m[2] is not None and m[2].startswith("#"):
            break
        quoted = m[1] is not None
        text = re.sub(r"\\(.)", r"\1", m[1]) if quoted else m[2]
        out.append((text, quoted))
    return out


def indent(line):
    return len(line.expandtabs()) - len(line.expandtabs().lstrip())


class Parser:
    def __init__(self, root):
        self.srctree = os.path.dirname(os.path.abspath(root))
        self.title = None
        self.symbols = {}
        self.items = []  # ("menu", title) | ("endmenu", title) | ("config", name)
        self.menus = []
        self.parse_file(root)
        if self.menus:
            raise KconfigError(f"menu {self.menus[-1]!r} has no endmenu")

    def parse_file(self, path):
        with open(path) as f:
            text = re.sub(r"\\\n", "", f.read())  # join continued lines
        sym, help_line, help_indent = None, None, None
        for num, line in enumerate(text.splitlines(), 1):
            where = f"{path}:{num}"
            if help_line is not None:  # inside a help block
                if not line.strip():
                    continue
                if help_indent is None and indent(line) > 0:
                    help_indent = indent(line)
                if help_indent is not None and indent(line) >= help_indent:
                    continue
                help_line = None
            toks = tokens(line)
            if not toks:
                continue
            word, args = toks[0][0], toks[1:]
            try:
                sym = self.statement(word, args, sym, path)
            except KconfigError as e:
                raise KconfigError(f"{where}: {e}") from None
            if word in ("help", "---help---"):
                help_line, help_indent = line, None

    def statement(self, word, args, sym, path):
        """Handle one line; returns the symbol later attributes apply to."""
        if word == "mainmenu":
            self.title = args[0][0] if args else ""
        elif word == "menu":
            self.menus.append(args[0][0] if args else "")
            self.items.append(("menu", self.menus[-1]))
            return None
        elif word == "endmenu":
            if not self.menus:
                raise KconfigError("endmenu without menu")
            self.items.append(("endmenu", self.menus.pop()))
            return None
        elif word == "comment":
            return None
        elif word in ("config", "menuconfig"):
            if len(args) != 1:
                raise KconfigError(f"{word} needs one name")
            name = args[0][0]
            if name not in self.symbols:
                self.symbols[name] = Symbol(name)
                self.items.append(("config", name))
            return self.symbols[name]
        elif word in ("source", "osource", "rsource", "orsource"):
            self.source(word, args, path)
        elif word in TYPES or word.startswith("def_") and word[4:] in TYPES:
            sym = self.need(sym, word)
            sym.type = sym.type or word.removeprefix("def_")
            if word.startswith("def_"):
                self.add_default(sym, args)
        elif word == "default":
            self.add_default(self.need(sym, word), args)
        elif word in ("help", "---help---") or word in IGNORED:
            pass
        else:
            raise KconfigError(f"unsupported Kconfig keyword {word!r}")
        return sym

    @staticmethod
    def need(sym, word):
        if sym is None:
            raise KconfigError(f"{word} outside a config entry")
        return sym

    @staticmethod
    def add_default(sym, args):
        if not args:
            raise KconfigError("default needs a value")
        value, quoted = args[0]
        sym.defaults.append((value, quoted, len(args) > 1))  # more tokens: "if COND"

    def source(self, word, args, path):
        if len(args) != 1:
            raise KconfigError(f"{word} needs one path")
        base = os.path.dirname(path) if word in ("rsource", "orsource") else self.srctree
        paths = sorted(glob.glob(os.path.join(base, args[0][0])))
        if not paths and not word.startswith("o"):  # osource, orsource: optional
            raise KconfigError(f"{word}: no file {args[0][0]!r}")
        for p in paths:
            self.parse_file(p)

    def value(self, name, seen=()):
        """The default value of a symbol, as text."""
        sym = self.symbols[name]
        if sym.type is None:
            raise KconfigError(f"config {name} has no type")
        if not sym.defaults:
            if sym.type in ("int", "hex"):
                raise KconfigError(f"config {name} ({sym.type}) has no default")
            return "n" if sym.type == "bool" else ""
        unconditional = [d for d in sym.defaults if not d[2]]
        value, quoted, _ = (unconditional or sym.defaults)[0]
        if not quoted and value in self.symbols and value not in ("y", "n"):
            if value in seen:
                raise KconfigError(f"config {name}: default refers to itself")
            value = self.value(value, seen + (name,))  # default OTHER_SYMBOL
        try:
            if sym.type == "bool" and value not in ("y", "n"):
                raise ValueError
            if sym.type in ("int", "hex"):
                int(value, 10 if sym.type == "int" else 16)
        except ValueError:
            raise KconfigError(f"config {name}: bad {sym.type} default {value!r}") from None
        return value

    def config_text(self):
        lines = ["#", "# Automatically generated by tools/defconfig.py", "#"]
        if self.title:
            lines[2:2] = [f"# {self.title}"]
        for kind, what in self.items:
            if kind == "menu":
                lines += ["", "#", f"# {what}", "#"]
            elif kind == "endmenu":
                lines.append(f"# end of {what}")
            else:
                sym, value = self.symbols[what], self.value(what)
                if sym.type == "bool" and value == "n":
                    lines.append(f"# CONFIG_{what} is not set")
                elif sym.type == "string":
                    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                    lines.append(f'CONFIG_{what}="{escaped}"')
                else:
                    lines.append(f"CONFIG_{what}={value}")
        return "\n".join(lines) + "\n"


def write_atomically(path, text):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".defconfig.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: defconfig.py KCONFIG_ROOT OUT")
    try:
        text = Parser(sys.argv[1]).config_text()
    except (KconfigError, OSError) as e:
        sys.exit(f"defconfig: {e}")
    write_atomically(sys.argv[2], text)


if __name__ == "__main__":
    main()
