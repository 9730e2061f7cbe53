#!/usr/bin/env python3
"""The message types of every protocol, from libs/common/idl/*.idl.

    python3 tools/genidl.py -o build/include/idl.h [IDL ...]

Reads the IDL files (all of libs/common/idl/*.idl, servers/*/*.idl and
apps/*/*.idl when none is named) and
writes the C header <idl.h> that libs/common/abi/message.h includes: each
message's type (NS_NAME_MSG, and NS_NAME_REPLY_MSG for an rpc), its view
in struct message (m.ns_name.field), compile-time checks of the layout,
and the name table IDL_MESSAGE_LIST. docs/idl.md describes the language.
Errors are printed as file:line: message, and nothing is written.
"""
import argparse
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The shared protocols, and those private to one task (apps/test/*.idl).
IDL_GLOBS = ("libs/common/idl/*.idl", "servers/*/*.idl", "apps/*/*.idl")

HEADER_SIZE = 32  # MSG_HEADER_SIZE
DATA_SIZE = 256  # MSG_DATA_SIZE
REPLY_BIT = 0x8000
ID_MIN, ID_MAX = 16, 0x7FFF
NOTIFY_MIN, NOTIFY_MAX = 16, 63  # bits 0..15 are the kernel's

# Inline types: (C type, size = alignment).
SCALARS = {f"{s}int{n}": (f"{s}int{n}_t", n // 8) for s in ("", "u") for n in (8, 16, 32, 64)}
SCALARS.update({
    "int": ("int32_t", 4), "bool": ("bool", 1), "char": ("char", 1),
    "task": ("task_t", 4), "error": ("error_t", 4), "notifications": ("uint64_t", 8),
})
# Types that stand for a slot of the header: (slot, C type, attributes).
SLOTS = {
    "handle": ("handle", "int32_t", "MSG_HANDLE_MOVE"),
    "handle_copy": ("handle", "int32_t", "MSG_HANDLE_COPY"),
    "bytes": ("ool", "void *", "MSG_OOL"),
    "str": ("ool", "char *", "MSG_OOL | MSG_OOL_STR"),
}

TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+) | (?P<newline>\n) | (?P<doc>///[^\n]*) | (?P<comment>//[^\n]*)
  | (?P<block>/\*.*?\*/) | (?P<arrow>->) | (?P<number>0[xX][0-9a-fA-F]+|\d+)
  | (?P<name>[A-Za-z_]\w*) | (?P<punct>[{}()\[\]:,;=]) | (?P<op><<|[-+*/|])
""", re.S | re.X)
KEYWORDS = ("namespace", "rpc", "oneway", "notify", "const")
# Operators of a constant's expression, loosest first (C's precedence).
OPERATORS = (("|",), ("<<",), ("+", "-"), ("*", "/"))
APPLY = {"|": int.__or__, "<<": int.__lshift__, "+": int.__add__, "-": int.__sub__,
         "*": int.__mul__, "/": int.__floordiv__}


class IdlError(Exception):
    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")


class Field:
    def __init__(self, name, type_, count, where):
        self.name, self.type, self.count, self.where = name, type_, count, where
        self.offset = None


class Message:
    """One message as it travels: a request, a reply or a oneway."""

    def __init__(self, ns, name, id_, fields, doc, where):
        self.ns, self.name, self.id, self.fields = ns, name, id_, fields
        self.doc, self.where = doc, where
        self.is_reply = False
        self.c_name = "_".join(p for p in (ns, name) if p)  # the view's name
        self.macro = self.c_name.upper() + "_MSG"
        self.qualified = ".".join(p for p in (ns, name) if p)


class Notify:
    def __init__(self, ns, name, bit, doc, where):
        self.macro = "NOTIFY_" + "_".join(p for p in (ns, name) if p).upper()
        self.bit, self.doc, self.where = bit, doc, where


class Const:
    def __init__(self, ns, name, value, doc, where):
        self.macro = "_".join(p for p in (ns, name) if p).upper()
        self.value, self.doc, self.where = value, doc, where

    def c_value(self):
        v = self.value
        if v < 0:
            return f"({v})"
        if v > 0xFFFF and v & (v - 1) == 0:  # a bit: say which
            return f"(1ull << {v.bit_length() - 1})"
        return f"{v}ull" if v > 0x7FFFFFFF else str(v)


class Parser:
    def __init__(self, text, path):
        self.path, self.tokens, self.pos = path, [], 0
        line, i = 1, 0
        while i < len(text):
            m = TOKEN.match(text, i)
            if not m:
                raise IdlError(f"{path}:{line}", f"unexpected character {text[i]!r}")
            kind = m.lastgroup
            if kind not in ("space", "newline", "comment", "block"):
                self.tokens.append((kind, m.group(), line))
            line += m.group().count("\n")
            i = m.end()
        self.end_line = line
        self.consts = {}  # macro name -> Const, as declared so far
        self.ns = None

    def where(self):
        line = self.tokens[self.pos][2] if self.pos < len(self.tokens) else self.end_line
        return f"{self.path}:{line}"

    def peek(self):
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, want=None, kind=None):
        if self.pos >= len(self.tokens):
            raise IdlError(self.where(), f"expected {want or kind}, found the end of the file")
        k, text, _ = self.tokens[self.pos]
        if (want and text != want) or (kind and k != kind):
            raise IdlError(self.where(), f"expected {want or kind}, found {text!r}")
        self.pos += 1
        return text

    def number(self):
        return int(self.take(kind="number"), 0)

    def const_ref(self, name, where):
        """A constant: `name` in this namespace or outside any, or its macro
        (`CONSOLE_LINE_MAX`) from anywhere."""
        tries = [name] if name.isupper() else [f"{self.ns}_{name}".upper(), name.upper()]
        for macro in tries:
            if macro in self.consts:
                return self.consts[macro].value
        raise IdlError(where, f"unknown constant {name!r}")

    def operand(self):
        where = self.where()
        if self.peek() == "(":
            self.take("(")
            value = self.expr()
            self.take(")")
            return value
        if self.peek() == "-":
            self.take("-")
            return -self.operand()
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "name":
            return self.const_ref(self.take(kind="name"), where)
        return self.number()

    def expr(self, level=0):
        """An integer expression of numbers and constants."""
        if level == len(OPERATORS):
            return self.operand()
        value = self.expr(level + 1)
        while self.peek() in OPERATORS[level]:
            where, op = self.where(), self.take()
            rhs = self.expr(level + 1)
            if op == "/" and rhs == 0:
                raise IdlError(where, "division by zero")
            value = APPLY[op](value, rhs)
        return value

    def docs(self):
        lines = []
        while self.pos < len(self.tokens) and self.tokens[self.pos][0] == "doc":
            lines.append(self.take(kind="doc")[3:].strip())
        return " ".join(lines)

    def fields(self):
        self.take("(")
        out = []
        while self.peek() != ")":
            where = self.where()
            name = self.take(kind="name")
            self.take(":")
            type_ = self.take(kind="name")
            count = None
            if self.peek() == "[":
                self.take("[")
                count = self.expr()
                self.take("]")
            out.append(Field(name, type_, count, where))
            if self.peek() != ")":
                self.take(",")
        self.take(")")
        return out

    def items(self, ns, out):
        """Declarations up to a closing brace (in a namespace) or the end."""
        while self.pos < len(self.tokens) and not (ns and self.peek() == "}"):
            doc = self.docs()
            where = self.where()
            if self.pos >= len(self.tokens):
                break
            word = self.take(kind="name")
            if word == "namespace":
                if ns:
                    raise IdlError(where, "namespaces do not nest")
                name = self.take(kind="name")
                self.take("{")
                self.ns = name
                self.items(name, out)
                self.ns = None
                self.take("}")
                continue
            if word not in KEYWORDS:
                raise IdlError(where, "expected rpc, oneway, notify, const or namespace, "
                               f"found {word!r}")
            name = self.take(kind="name")
            if word == "const":
                self.take("=")
                const = Const(ns, name, self.expr(), doc, where)
                if const.macro in self.consts:
                    raise IdlError(where, f"{const.macro} is declared twice "
                                   f"(first at {self.consts[const.macro].where})")
                self.consts[const.macro] = const
                out.append(const)
                self.take(";")
                continue
            if word == "notify":
                self.take("=")
                out.append(Notify(ns, name, self.number(), doc, where))
                self.take(";")
                continue
            request = self.fields()
            reply = None
            if word == "rpc":
                self.take("->")
                reply = self.fields()
            self.take("=")
            id_ = self.number()
            self.take(";")
            out.append(Message(ns, name, id_, request, doc, where))
            if reply is not None:
                out.append(Message(ns, name + "_reply", id_ | REPLY_BIT, reply,
                                   f"reply to {out[-1].qualified}", where))
                out[-1].is_reply = True
        return out


def align(offset, n):
    return (offset + n - 1) // n * n


def lay_out(msg):
    """Checks msg's fields and sets their offsets, msg.len and msg.attrs."""
    slots, attrs, offset, names = {}, [], HEADER_SIZE, {"head_"}  # MSG_VIEW_HEAD
    for f in msg.fields:
        if f.type in SLOTS:
            slot, _, attr = SLOTS[f.type]
            if f.count is not None:
                raise IdlError(f.where, f"{f.type} cannot be an array")
            if slot in slots:
                what = "handle" if slot == "handle" else "out-of-line"
                raise IdlError(f.where, f"{msg.qualified}: more than one {what} field "
                               f"({slots[slot].name}, {f.name})")
            slots[slot] = f
            attrs.append(attr)
            f.offset = 16 if slot == "handle" else 24
            continue
        if f.type not in SCALARS:
            raise IdlError(f.where, f"{msg.qualified}: unknown type {f.type!r}")
        if f.count is not None and f.count < 1:
            raise IdlError(f.where, f"{msg.qualified}: {f.name}: an array of {f.count}")
        size = SCALARS[f.type][1]
        f.offset = offset = align(offset, size)
        offset += size * (f.count or 1)
    msg.slots = slots
    for name in member_names(msg):
        if name in names:
            raise IdlError(msg.where, f"{msg.qualified}: two fields named {name!r}")
        names.add(name)
    msg.len = align(offset, 8) - HEADER_SIZE  # the view is 8-aligned (ool_ptr)
    if msg.len > DATA_SIZE:
        raise IdlError(msg.where, f"{msg.qualified}: {msg.len} bytes of inline fields, "
                       f"more than MSG_DATA_SIZE ({DATA_SIZE})")
    msg.attrs = " | ".join(attrs) or "0"


def slot_members(msg):
    """The view's members over the header's handle, ool_len and ool_ptr."""
    h, ool = msg.slots.get("handle"), msg.slots.get("ool")
    return [("int32_t", h.name if h else "handle_"),
            ("uint32_t", ool.name + "_len" if ool else "ool_len_"),
            (SLOTS[ool.type][1] if ool else "uint64_t", ool.name if ool else "ool_ptr_")]


def member_names(msg):
    inline = [f.name for f in msg.fields if f.type not in SLOTS]
    return [n for _, n in slot_members(msg)] + inline


def check(items):
    """Refuses duplicate ids, names and bits; returns (messages, notifies,
    constants)."""
    msgs = [i for i in items if isinstance(i, Message)]
    notes = [i for i in items if isinstance(i, Notify)]
    consts = [i for i in items if isinstance(i, Const)]
    ids, bits = {}, {}
    macros = {c.macro: c for c in consts}
    for m in msgs:
        given = m.id & ~REPLY_BIT if m.is_reply else m.id
        if not ID_MIN <= given <= ID_MAX:
            raise IdlError(m.where, f"{m.qualified}: id {given} outside {ID_MIN}..{ID_MAX:#x}")
        if m.id in ids:
            raise IdlError(m.where, f"{m.qualified}: id {m.id} is {ids[m.id].qualified}'s "
                           f"({ids[m.id].where})")
        if m.macro in macros:
            raise IdlError(m.where, f"{m.macro} is declared twice (first at {macros[m.macro].where})")
        ids[m.id], macros[m.macro] = m, m
        lay_out(m)
    for n in notes:
        if not NOTIFY_MIN <= n.bit <= NOTIFY_MAX:
            raise IdlError(n.where, f"{n.macro}: bit {n.bit} outside {NOTIFY_MIN}..{NOTIFY_MAX}")
        if n.bit in bits or n.macro in macros:
            first = bits.get(n.bit) or macros[n.macro]
            raise IdlError(n.where, f"{n.macro}: bit {n.bit} or name taken (at {first.where})")
        bits[n.bit], macros[n.macro] = n, n
    return msgs, notes, consts


def parse(paths, root=ROOT):
    """The messages, notification bits and constants of the IDL files,
    checked; the errors name the files relative to root. A file may use
    the constants of the files before it."""
    items, root, consts = [], Path(root).resolve(), {}
    for path in in_order(paths):
        rel = Path(path).resolve()
        rel = rel.relative_to(root) if rel.is_relative_to(root) else path
        parser = Parser(Path(path).read_text(encoding="utf-8"), rel)
        parser.consts = consts
        items += parser.items(None, [])
    return check(items)


def in_order(paths):
    """The order the files are read in: by file name, so that a file may
    use the constants of badges.idl wherever it lies."""
    return sorted(paths, key=lambda p: (Path(p).name, str(p)))


def default_paths(root=ROOT):
    return in_order(p for g in IDL_GLOBS for p in Path(root).glob(g))


# ---- the header ----

def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def macro_lines(name, lines, width=79):
    """#define name with one line per entry, the backslashes aligned."""
    out = [f"#define {name}"] + ["    " + line for line in lines]
    pad = min(max(len(line) for line in out) + 1, width - 1)
    return "\n".join(line.ljust(pad - 1) + " \\" if i < len(out) - 1 else line
                     for i, line in enumerate(out)) + "\n"


def view(msg):
    members = slot_members(msg)
    for f in msg.fields:
        if f.type not in SLOTS:
            ctype = SCALARS[f.type][0]
            members.append((ctype, f.name + (f"[{f.count}]" if f.count else "")))
    # "void *data": the star goes with the name, the names stay aligned
    members = [(t[:-2], "*" + n) if t.endswith(" *") else (t, n) for t, n in members]
    width = max(len(t) for t, _ in members)
    lines = ["struct {", "    MSG_VIEW_HEAD;"]
    lines += [f"    {t.ljust(width)} {n};" for t, n in members]
    lines.append(f"}} {msg.c_name};")
    return lines


def asserts(msg):
    out = [f"_Static_assert(sizeof(((struct message *) 0)->{msg.c_name}) == "
           f"MSG_HEADER_SIZE + {msg.len}, \"{msg.c_name}: size\");",
           f"_Static_assert(MSG_LEN({msg.macro}) == {msg.len} && {msg.len} <= MSG_DATA_SIZE, "
           f"\"{msg.c_name}: len\");"]
    ool = msg.slots.get("ool")
    if ool:
        out.append(f"_Static_assert(offsetof(struct message, {msg.c_name}.{ool.name}_len) == 20, "
                   f"\"{msg.c_name}.{ool.name}_len: offset\");")
    for f in msg.fields:
        out.append(f"_Static_assert(offsetof(struct message, {msg.c_name}.{f.name}) == "
                   f"{f.offset}, \"{msg.c_name}.{f.name}: offset\");")
    return out


def comment(text):
    out = textwrap.wrap(text, 73, initial_indent="/* ", subsequent_indent=" * ")
    out[-1] += " */"
    return out


def generate(msgs, notes, sources, consts=()):
    out = textwrap.wrap("Generated by tools/genidl.py from " + ", ".join(map(str, sources))
                        + ": do not edit.", 73, initial_indent="/* ", subsequent_indent=" * ")
    out[-1] += " */"
    out += ["#pragma once", "#include <error.h>", "#include <stdbool.h>",
            "#include <stddef.h>", "#include <stdint.h>", ""]
    msgs = sorted(msgs, key=lambda m: (m.id & ~REPLY_BIT, m.is_reply))
    notes = sorted(notes, key=lambda n: n.bit)
    width = max([len(m.macro) for m in msgs] + [len(n.macro) for n in notes] + [8])
    for c in consts:
        out += comment(c.doc) if c.doc else []
        out.append(f"#define {c.macro} {c.c_value()}")
    out += [""] if consts else []
    for m in msgs:
        out += textwrap.wrap(f"{m.qualified}: {m.doc}" if m.doc else m.qualified, 73,
                             initial_indent="/* ", subsequent_indent=" * ")
        out[-1] += " */"
        out.append(f"#define {m.macro.ljust(width)} MSG_TYPE({m.id:#06x}, {m.len}, {m.attrs})")
    out.append("")
    for n in notes:
        if n.doc:
            out += textwrap.wrap(n.doc, 73, initial_indent="/* ", subsequent_indent=" * ")
            out[-1] += " */"
        out.append(f"#define {n.macro.ljust(width)} (1ull << {n.bit})")
    out.append("")
    out.append("/* Every message: X(macro, id, \"ns.name\", description). */")
    out.append(macro_lines("IDL_MESSAGE_LIST(X)", [
        f"X({m.macro}, {m.id:#06x}, {c_string(m.qualified)}, {c_string(m.doc)})" for m in msgs]))
    by_id = {m.id: m for m in msgs}
    out.append("/* Every rpc: X(request macro, reply macro). */")
    out.append(macro_lines("IDL_RPC_LIST(X)", [
        f"X({by_id[m.id & ~REPLY_BIT].macro}, {m.macro})" for m in msgs if m.is_reply]))
    views = []
    for m in msgs:
        views += view(m)
    out.append("/* The views of struct message (message.h). */")
    out.append(macro_lines("IDL_MESSAGE_VIEWS", views))
    checks = []
    for m in msgs:
        checks += asserts(m)
    out.append("/* The layout as tools/genidl.py computed it (after struct message). */")
    out.append(macro_lines("IDL_STATIC_ASSERTS", checks))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("idl", nargs="*")
    args = ap.parse_args(argv)
    paths = args.idl or default_paths()
    try:
        msgs, notes, consts = parse(paths)
    except IdlError as e:
        print(f"genidl: {e}", file=sys.stderr)
        return 1
    sources = [Path(p).name for p in paths]
    text = generate(msgs, notes, sources, consts)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
