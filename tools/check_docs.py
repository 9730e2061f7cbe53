#!/usr/bin/env python3
"""Check that the numbers the docs give for limits are the tree's.

    python3 tools/check_docs.py [ROOT]

Reads README.md and docs/*.md (outside code blocks) and checks:

- a constant given a value, as "`HANDLE_MAX` (64)", "`NOTIFY_CHAT` (bit 17)",
  "`X` = 3", "64 KiB (`USER_STACK_SIZE`)", or in a table row that names the
  constant in one cell and gives its value in a "Value", "Limit", "Default"
  or "Bit" column: the value must be the one the tree defines (#define and
  enum values and the X-macro lists in kernel/, libs/, servers/, apps/,
  Kconfig defaults as CONFIG_*, upper-case constants of tools/*.py);
- a number given as a limit ("at most N", "up to N", "more than N", "over N",
  "<", ">", "≤", "≥", and every row of a table under a "Limits" heading)
  must be such a constant statement, so that it can be checked; a message
  type of libs/common/idl stands for its id, a notification for its bit;
- every `ERR_*` name is in ERROR_LIST;
- a table right after a paragraph that names ERROR_LIST, EXIT_REASON_LIST,
  MSG_TYPE_LIST, IDL_MESSAGE_LIST, TRACE_EVENT_LIST or SYSCALL_LIST lists every entry, with its value (and its
  message, in a "Message" column); the syscall table also gives each call's
  user stub with its number of arguments;
- `BENCH name N` figures say at which commit (or date) they were measured.

Prints file:line: problem for each, and exits 1 if there is any.
"""
import ast
import glob
import os
import re
import sys

import genidl

NAME = r"[A-Z][A-Z0-9_]*[A-Z0-9]"  # without "_", only if the tree defines it (`WAIT`)
NUMBER = r"-?(?:0x[0-9a-fA-F]+|\d{1,3}(?:,\d{3})+|\d+)"
UNITS = {"KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "kHz": 1000}
UNIT = r"(?:\s*(" + "|".join(UNITS) + r")\b)?"
# "`NAME` (N", "`NAME` (bit N", "`NAME` = N", "`NAME` is N"
FORWARD = re.compile(r"`(" + NAME + r")`\s*(?:\(\s*|=\s*|is\s+)(bit\s+)?(" + NUMBER + r")" + UNIT)
# "N [unit] [up to four words] (`NAME`"
REVERSE = re.compile(r"(?<![\w.–-])(" + NUMBER + r")" + UNIT + r"((?:\s+[A-Za-z'-]+){0,4})\s*\(`(" + NAME + r")`")
LIMIT = re.compile(r"(?:\bat most|\bup to|\bmore than|\bfewer than|\blonger than|\bless than|\bover|\blimited to|[<>≤≥]=?)\s*(" + NUMBER + r")\b")
ERROR_NAME = re.compile(r"\bERR_[A-Z_]+\b")
BENCH = re.compile(r"\bBENCH \w+ \d+")
MEASURED = re.compile(r"commit `?[0-9a-f]{7,40}`?|\b\d{4}-\d{2}-\d{2}\b")
LISTS = ("ERROR_LIST", "EXIT_REASON_LIST", "MSG_TYPE_LIST", "IDL_MESSAGE_LIST",
         "SYSCALL_LIST", "TRACE_EVENT_LIST")
VALUE_COLUMNS = ("value", "limit", "default", "bit")


def number(text):
    return int(text.replace(",", ""), 0)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- what the tree defines ----

def evaluate(expr, known):
    """The value of a C constant expression, or None."""
    expr = re.sub(r"\(\s*(?:u?int\d+_t|unsigned|int|long)\s*\)", "", expr)
    expr = re.sub(r"\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", expr)
    expr = expr.replace("/", "//")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return None

    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name) and isinstance(known.get(node.id), int):
            return known[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Invert)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else ~v
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
                   ast.FloorDiv: int.__floordiv__, ast.LShift: int.__lshift__,
                   ast.RShift: int.__rshift__, ast.BitOr: int.__or__, ast.BitAnd: int.__and__}
            if type(node.op) in ops:
                return ops[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError

    try:
        return ev(tree.body)
    except (ValueError, ZeroDivisionError):
        return None


def c_sources(root):
    for top in ("kernel", "libs", "servers", "apps"):
        for path in sorted(glob.glob(os.path.join(root, top, "**", "*.[ch]"), recursive=True)):
            yield os.path.relpath(path, root), read(path)


def strip_c(text):
    """Joined continuation lines, comments blanked; line numbers kept."""
    text = text.replace("\\\n", "  ")  # same length: offsets still give lines
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    return re.sub(r"//[^\n]*", lambda m: " " * len(m.group()), text)


def collect(root):
    """(constants, lists): constants maps a name to [(value, where)]."""
    raw = []  # (name, expression, where)
    lists = {}
    for rel, text in c_sources(root):
        clean = strip_c(text)
        for m in re.finditer(r"^[ \t]*#define[ \t]+(\w+)[ \t]+([^\n]+)", clean, re.M):
            raw.append((m.group(1), m.group(2), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"))
        for body in re.findall(r"enum\s*\w*\s*\{([^}]*)\}", clean):
            for m in re.finditer(r"\b([A-Z]\w*)\s*=\s*([^,]+)", body):
                raw.append((m.group(1), m.group(2), rel))
        for m in re.finditer(r"#define[ \t]+(\w+_LIST)\(X\)([^\n]*)", clean):
            if m.group(1) == "SYSCALL_LIST":
                lists[m.group(1)] = [
                    (int(e[0]), e[1], e[2], int(e[4]))
                    for e in re.findall(r"X\((\d+),\s*(\w+),\s*(\w+),\s*([^,]+),\s*(\d+)", m.group(2))]
                continue
            entries = re.findall(r"X\(([A-Z]\w*),\s*([^,)]+)(?:,\s*\"([^\"]*)\")?", m.group(2))
            lists[m.group(1)] = [(n, v, msg) for n, v, msg in entries]
            raw += [(n, v, rel) for n, v, _ in entries]
    idl = genidl.default_paths(root)
    if idl:
        msgs, notes, consts = genidl.parse(idl, root)
        lists["IDL_MESSAGE_LIST"] = [(m.macro, str(m.id), m.doc) for m in msgs]
        raw += [(m.macro, str(m.id), m.where) for m in msgs]
        raw += [(n.macro, f"1 << {n.bit}", n.where) for n in notes]
        raw += [(c.macro, str(c.value), c.where) for c in consts]
    for path in sorted(glob.glob(os.path.join(root, "Kconfig")) + glob.glob(os.path.join(root, "*", "*", "Kconfig"))):
        rel = os.path.relpath(path, root)
        symbol = None
        for lineno, line in enumerate(read(path).splitlines(), 1):
            m = re.match(r"\s*(?:menu)?config\s+(\w+)", line)
            if m:
                symbol = "CONFIG_" + m.group(1)
            m = re.match(r"\s*default\s+(\"[^\"]*\"|\S+)", line)
            if m and symbol:
                value = m.group(1)
                raw.append((symbol, value if value.startswith('"') else value, f"{rel}:{lineno}"))
                symbol = None
    for path in sorted(glob.glob(os.path.join(root, "tools", "*.py"))):
        rel = os.path.relpath(path, root)
        for lineno, line in enumerate(read(path).splitlines(), 1):
            m = re.match(r"([A-Z][A-Z0-9_]*)\s*=\s*(0x[0-9a-fA-F]+|\d+)\s*(#.*)?$", line)
            if m:
                raw.append((m.group(1), m.group(2), f"{rel}:{lineno}"))

    known, constants = {}, {}
    for _ in range(4):  # constants defined from other constants
        for name, expr, where in raw:
            if name in known:
                continue
            value = expr.strip('"') if expr.startswith('"') else evaluate(expr, known)
            if value is not None:
                known[name] = value
    for name, expr, where in raw:
        value = expr.strip('"') if expr.startswith('"') else evaluate(expr, known)
        if value is not None and (value, where) not in constants.setdefault(name, []):
            constants[name].append((value, where))
    return constants, lists


# ---- reading the docs ----

def blocks(path):
    """Yield ("text", [(lineno, line)]) paragraphs and ("table", rows) tables,
    outside fenced code blocks; ("code", lines) for code blocks."""
    lines = read(path).split("\n")
    kind, current = None, []
    in_code = False
    for lineno, line in enumerate(lines, 1):
        if line.startswith("```"):
            if current:
                yield kind, current
            kind, current = ("code", []) if not in_code else (None, [])
            in_code = not in_code
            continue
        if in_code:
            current.append((lineno, line))
            continue
        this = "table" if line.startswith("|") else "text" if line.strip() else None
        if this != kind or line.startswith("#"):
            if current:
                yield kind, current
            kind, current = this, []
        if this:
            current.append((lineno, line))
    if current:
        yield kind, current


def cells(line):
    parts = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip().replace("\\|", "|") for c in parts[1:-1]]


def mask_code(text):
    """Inline code replaced by spaces of the same length (names kept)."""
    return re.sub(r"`[^`]*`", lambda m: m.group() if re.fullmatch("`" + NAME + "`", m.group())
                  else " " * len(m.group()), text)


class Checker:
    def __init__(self, root):
        self.root = root
        self.constants, self.lists = collect(root)
        self.errors = {n for n, _, _ in self.lists.get("ERROR_LIST", [])}
        self.problems = []

    def report(self, where, message):
        self.problems.append(f"{where}: {message}")

    def defined(self, name, where, context):
        """The tree's value of name, or None after reporting why not."""
        defs = self.constants.get(name)
        if not defs and "_" not in name:
            return None  # a word in capitals, not a constant
        if not defs:
            self.report(where, f"`{name}` is not defined in the tree")
            return None
        values = {v for v, _ in defs}
        if len(values) > 1:
            paths = re.findall(r"`<?([\w.-]+/[\w/.-]*)>?`", context)
            named = [d for d in defs if any(d[1].split(":")[0].startswith(p)
                                            or d[1].split(":")[0].endswith("/" + p) for p in paths)]
            if len(named) != 1:
                found = ", ".join(f"{v} in {w}" for v, w in defs)
                self.report(where, f"`{name}` is defined more than once ({found}): name the file")
                return None
            defs = named
        return defs[0]

    def compare(self, name, doc_value, where, context):
        d = self.defined(name, where, context)
        if d and d[0] != doc_value:
            self.report(where, f"`{name}`: the docs say {doc_value}, {d[1]} says {d[0]}")

    def statements(self, text, where_of):
        """Check constant statements in text; return the spans of their numbers."""
        def near(m):  # its line and the next: where a file would be named
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            end = text.find("\n", end + 1) if end >= 0 else -1
            return text[start:end if end >= 0 else len(text)]

        spans = []
        for m in FORWARD.finditer(text):
            value = number(m.group(3)) * UNITS.get(m.group(4), 1)
            self.compare(m.group(1), 1 << value if m.group(2) else value, where_of(m.start()), near(m))
            spans.append(m.span(3))
        for m in REVERSE.finditer(text):
            value = number(m.group(1)) * UNITS.get(m.group(2), 1)
            self.compare(m.group(4), value, where_of(m.start()), near(m))
            spans.append(m.span(1))
        return spans

    def limits_need_constants(self, text, spans, where_of):
        for m in LIMIT.finditer(mask_code(text)):
            if number(m.group(1)) != 0 and not any(s[0] <= m.start(1) < s[1] for s in spans):
                self.report(where_of(m.start(1)), f"limit {m.group(1)} without its constant: "
                            f"write it as `NAME` ({m.group(1)})")

    def check_text(self, rel, lines):
        text = "\n".join(line for _, line in lines)
        first = lines[0][0]

        def where_of(pos):
            return f"{rel}:{first + text.count(chr(10), 0, pos)}"

        spans = self.statements(text, where_of)
        self.limits_need_constants(text, spans, where_of)
        for m in ERROR_NAME.finditer(text):
            if m.group() not in self.errors:
                self.report(where_of(m.start()), f"{m.group()} is not in ERROR_LIST")

    def check_table(self, rel, rows, heading, before):
        header = [c.lower() for c in cells(rows[0][1])]
        value_col = next((header.index(v) for v in VALUE_COLUMNS if v in header), None)
        limits = "limits" in heading.lower() or "limit" in header
        for lineno, line in rows[2:]:
            where = f"{rel}:{lineno}"
            row = cells(line)
            self.check_text(rel, [(lineno, line)])
            if value_col is None or value_col >= len(row):
                continue
            value_cell = row[value_col].replace("`", "")
            if FORWARD.search(row[value_col]):
                continue  # checked as a statement
            m = re.match(r"(?:bit\s+)?(" + NUMBER + r")" + UNIT, value_cell)
            names = [n for i, c in enumerate(row) if i != value_col
                     for n in re.findall("`(" + NAME + ")`", c)[:1]]
            if m and names:
                value = number(m.group(1)) * UNITS.get(m.group(2), 1)
                if header[value_col] == "bit":
                    value = 1 << value
                self.compare(names[0], value, where, line)
            elif m and limits:
                self.report(where, f"limit {m.group(1)} names no constant")
            elif names and re.fullmatch('"[^"]*"', value_cell):
                self.compare(names[0], value_cell.strip('"'), where, line)
        for name in LISTS:  # "... `ERROR_LIST` ...:" introduces a table of it
            if f"`{name}`" in before and before.rstrip().endswith(":"):
                self.check_list_table(rel, rows, header, name)

    def check_list_table(self, rel, rows, header, list_name):
        entries = self.lists.get(list_name, [])
        seen = set()
        if list_name == "SYSCALL_LIST":
            stub_col = next((i for i, h in enumerate(header) if "wrapper" in h or "stub" in h), None)
            by_number = {e[0]: e for e in entries}
            for lineno, line in rows[2:]:
                row = cells(line)
                where = f"{rel}:{lineno}"
                num, name = int(row[0]), row[1].strip("`")
                seen.add(num)
                if num not in by_number or by_number[num][1] != name:
                    self.report(where, f"system call {num} is `{name}` here, "
                                f"`{by_number[num][1] if num in by_number else None}` in SYSCALL_LIST")
                    continue
                _, _, stub, argc = by_number[num]
                m = re.search(r"`" + stub + r"\(([^)]*)\)`", row[stub_col]) if stub_col is not None else None
                given = len([a for a in m.group(1).split(",") if a.strip()]) if m else None
                if given != argc:
                    self.report(where, f"system call `{name}`: its stub is `{stub}` with {argc} "
                                f"arguments in SYSCALL_LIST; write `{stub}(...)` with {argc}")
            for num, name, _, _ in entries:
                if num not in seen:
                    self.report(f"{rel}:{rows[0][0]}", f"system call {num} `{name}` is missing")
            return
        known = {n: (v, msg) for n, v, msg in entries}
        msg_col = next((i for i, h in enumerate(header) if "message" in h), None)
        for lineno, line in rows[2:]:
            row = cells(line)
            names = [n for c in row for n in re.findall(r"`(\w+)`", c) if n in known]
            if not names:
                continue
            seen.add(names[0])
            if msg_col is not None and row[msg_col].strip("`\"") != known[names[0]][1]:
                self.report(f"{rel}:{lineno}", f"`{names[0]}`: the message is "
                            f"\"{known[names[0]][1]}\" in {list_name}")
        for name in known:
            if name not in seen:
                self.report(f"{rel}:{rows[0][0]}", f"`{name}` of {list_name} is missing from this table")

    def check_bench(self, rel, lines, recent):
        for lineno, line in lines:
            if BENCH.search(line) and not MEASURED.search(recent + line):
                self.report(f"{rel}:{lineno}", "a bench figure without the commit or date "
                            "it was measured at")

    def check_file(self, rel):
        heading, before, recent = "", "", ""
        for kind, lines in blocks(os.path.join(self.root, rel)):
            text = "\n".join(line for _, line in lines)
            if kind == "text":
                if text.startswith("#"):
                    heading = text
                    recent = ""
                else:
                    self.check_text(rel, lines)
                    self.check_bench(rel, lines, recent)
            elif kind == "table":
                self.check_table(rel, lines, heading, before)
            elif kind == "code":
                self.check_bench(rel, lines, recent)
            before = text if kind == "text" else ""
            recent = (recent + "\n" + text)[-2000:]

    def run(self):
        docs = ["README.md"] + sorted(os.path.relpath(p, self.root) for p in
                                      glob.glob(os.path.join(self.root, "docs", "*.md")))
        for rel in docs:
            if os.path.exists(os.path.join(self.root, rel)):
                self.check_file(rel)
        return self.problems


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = Checker(root).run()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
