"""What the kernel trace's numbers mean, read from the C headers.

The event kinds and their fields (TRACE_EVENT_LIST in
libs/common/abi/trace.h), message types, error codes, block and exit
reasons and kobject kinds are each defined once, in C, and the protocols'
messages and notification bits in libs/common/idl; this module parses
them at run time so that the converter never holds a copy that could drift.
"""
import re
from pathlib import Path

import genidl

ROOT = Path(__file__).resolve().parent.parent
ABI = ROOT / "libs" / "common" / "abi"

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_NOTIFY_BIT = re.compile(r"#\s*define\s+(NOTIFY_\w+)\s+\(1ull\s*<<\s*(\d+)\)")
_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^,()"\s][^,()"]*|\(|\)|,)')


def _source(path):
    """The file without comments, its continued lines joined."""
    text = _COMMENT.sub(" ", Path(path).read_text(encoding="utf-8"))
    return text.replace("\\\n", " ")


def _value(token):
    token = token.strip()
    if token.startswith('"'):
        return bytes(token[1:-1], "utf-8").decode("unicode_escape")
    try:
        return int(token, 0)
    except ValueError:
        return token


def _entries(body, what):
    """The argument lists of the X(...) entries in a macro's body."""
    entries, i = [], 0
    for m in re.finditer(r"\bX\s*\(", body):
        if m.start() < i:
            continue
        args, depth, cur, pos = [], 1, "", m.end()
        while depth:
            t = _TOKEN.match(body, pos)
            if not t:
                raise ValueError(f"{what}: cannot parse near {body[pos:pos + 40]!r}")
            tok, pos = t.group(1), t.end()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            if depth == 1 and tok == ",":
                args.append(_value(cur))
                cur = ""
            elif depth:
                cur += tok if tok in "()" else " " + tok
        args.append(_value(cur))
        entries.append(args)
        i = pos
    return entries


def xlist(path, name):
    """The entries of `#define NAME(X) X(...) X(...)` as lists of values."""
    src = _source(path)
    m = re.search(r"#\s*define\s+" + name + r"\s*\(\s*X\s*\)(.*)", src)
    if not m:
        raise ValueError(f"{path}: no {name}")
    return _entries(m.group(1), f"{path}: {name}")


def enum(path, name, known=None):
    """{value: name} of `enum NAME { A = 0, B, ... }`; a value may be a
    name of `known` ({name: value})."""
    src = _source(path)
    m = re.search(r"\benum\s+" + name + r"\s*\{([^}]*)\}", src)
    if not m:
        raise ValueError(f"{path}: no enum {name}")
    out, nxt = {}, 0
    for item in m.group(1).split(","):
        item = item.strip()
        if not item:
            continue
        ident, _, val = item.partition("=")
        val = val.strip()
        nxt = (known[val] if known and val in known else int(val, 0)) if val else nxt
        out[nxt] = ident.strip()
        nxt += 1
    return out


def define(path, name):
    """The integer value of `#define NAME value`."""
    m = re.search(r"#\s*define\s+" + name + r"\s+(\S+)", _source(path))
    if not m:
        raise ValueError(f"{path}: no #define {name}")
    return int(m.group(1).rstrip("uUlL"), 0)


MSG_ID_MASK = 0xffff


def msg_id(path, name):
    """The id of `#define NAME MSG_TYPE(id, len, attrs)` (or NAME id)."""
    m = re.search(r"#\s*define\s+" + name + r"\s+MSG_TYPE\((\w+),", _source(path))
    return int(m.group(1), 0) if m else define(path, name)


class Kind:
    """One TRACE_EVENT_LIST entry: X(name, value, what, peer, a, b, c)."""

    def __init__(self, name, value, what, peer, a, b, c):
        self.name, self.value, self.what = name, value, what
        self.short = name.removeprefix("TRACE_").lower()
        self.fields = {"peer": peer, "a": a, "b": b, "c": c}


class Abi:
    """Every table the converter needs, parsed from the tree at `root`."""

    def __init__(self, root=ROOT):
        abi = Path(root) / "libs" / "common" / "abi"
        self.kinds = {}
        for entry in xlist(abi / "trace.h", "TRACE_EVENT_LIST"):
            kind = Kind(*entry)
            self.kinds[kind.value] = kind
        self.by_name = {k.name: k.value for k in self.kinds.values()}
        self.magic = _string_define(abi / "trace.h", "TRACE_STREAM_MAGIC")
        self.stream_end = define(abi / "trace.h", "TRACE_STREAM_END")
        msgs, notes, _ = genidl.parse(genidl.default_paths(root))
        self.msg_types = {m.id: m.macro for m in msgs}
        self.msg_types[msg_id(abi / "message.h", "MSG_NOTIFICATIONS")] = "MSG_NOTIFICATIONS"
        self.errors = {e[1]: e[0] for e in xlist(abi / "error.h", "ERROR_LIST")}
        self.exit_reasons = {e[1]: e[2] for e in xlist(abi / "kobject.h", "EXIT_REASON_LIST")}
        self.kobject_kinds = enum(abi / "kobject.h", "kobject_kind")
        waits = {n: v for v, n in enum(abi / "kobject.h", "task_wait_code").items()}
        self.block_reasons = enum(Path(root) / "kernel" / "task.h", "block_reason", waits)
        self.task_states = enum(Path(root) / "kernel" / "task.h", "task_state")
        self.notify_bits = {}
        for m in _NOTIFY_BIT.finditer(_source(abi / "message.h")):
            self.notify_bits[int(m.group(2))] = m.group(1)
        self.notify_bits.update({n.bit: n.macro for n in notes})

    def kind(self, name):
        """The value of a kind by its C name, e.g. kind("TRACE_CALL")."""
        return self.by_name[name]

    def msg_type(self, value):
        """The name of a type's id (MSG_ID); a negative type is an error."""
        if value & 0x80000000:
            return self.error(value)
        return self.msg_types.get(value & MSG_ID_MASK, f"type {value}")

    def error(self, value):
        value = _int32(value)
        return self.errors.get(value, f"error {value}")

    def exit_reason(self, value):
        return self.exit_reasons.get(value, f"exit reason {value}")

    def kobject_kind(self, value):
        return self.kobject_kinds.get(value, f"kind {value}")

    def notify_names(self, bits):
        """The names of the notification bits set in `bits`."""
        return [self.notify_bits.get(n, f"bit {n}") for n in range(64) if bits >> n & 1]

    def block_reason(self, value):
        return self.block_reasons.get(value, f"BLOCK_{value}")


def _int32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def _string_define(path, name):
    m = re.search(r'#\s*define\s+' + name + r'\s+"([^"]*)"', _source(path))
    if not m:
        raise ValueError(f"{path}: no #define {name}")
    return m.group(1).encode()
