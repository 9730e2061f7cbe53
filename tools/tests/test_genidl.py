"""tools/genidl.py: the header from a small IDL, and every refusal."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
import genidl  # noqa: E402

SMALL = """\
// a comment
namespace demo {
    /// add to my sum
    rpc add(value: int, note: char[5], big: uint64) -> (result: error, sum: int64) = 40;
    /// a name and a handle
    oneway give(name: str, h: handle_copy) = 41;
    /// a line is ready
    notify ready = 20;
}
"""


def write(directory, name, text):
    path = Path(directory) / name
    path.write_text(text, encoding="utf-8")
    return path


class GenidlTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def parse(self, text):
        return genidl.parse([write(self.dir, "t.idl", text)])

    def refused(self, text, pattern):
        with self.assertRaises(genidl.IdlError) as cm:
            self.parse(text)
        self.assertRegex(str(cm.exception), pattern)

    def test_types_layout_and_names(self):
        msgs, notes, _ = self.parse(SMALL)
        by = {m.macro: m for m in msgs}
        self.assertEqual(sorted(by), ["DEMO_ADD_MSG", "DEMO_ADD_REPLY_MSG", "DEMO_GIVE_MSG"])
        add = by["DEMO_ADD_MSG"]
        self.assertEqual((add.id, add.len, add.attrs), (40, 24, "0"))
        self.assertEqual([f.offset for f in add.fields], [32, 36, 48])
        reply = by["DEMO_ADD_REPLY_MSG"]
        self.assertEqual((reply.id, reply.len, reply.doc), (0x8028, 16, "reply to demo.add"))
        give = by["DEMO_GIVE_MSG"]
        self.assertEqual((give.len, give.attrs), (0, "MSG_OOL | MSG_OOL_STR | MSG_HANDLE_COPY"))
        self.assertEqual([(n.macro, n.bit) for n in notes], [("NOTIFY_DEMO_READY", 20)])

    def test_header_text(self):
        msgs, notes, _ = self.parse(SMALL)
        text = genidl.generate(msgs, notes, ["t.idl"])
        self.assertIn("/* demo.add: add to my sum */", text)
        self.assertRegex(text, r"#define DEMO_ADD_MSG +MSG_TYPE\(0x0028, 24, 0\)")
        self.assertRegex(text, r"#define DEMO_ADD_REPLY_MSG +MSG_TYPE\(0x8028, 16, 0\)")
        self.assertRegex(text, r"#define NOTIFY_DEMO_READY +\(1ull << 20\)")
        self.assertIn('X(DEMO_GIVE_MSG, 0x0029, "demo.give", "a name and a handle")', text)
        view = re.search(r"struct \{[^}]*\} demo_give;", text).group()
        self.assertRegex(view, r"(?s)int32_t +h;.*uint32_t +name_len;.*char +\*name;")

    def test_ids_stay_when_a_message_is_added_in_the_middle(self):
        before, _, _ = self.parse(SMALL)
        grown = SMALL.replace("    /// a name", "    oneway other(x: int8) = 99;\n    /// a name")
        after, _, _ = self.parse(grown)
        ids = {m.macro: m.id for m in after}
        for m in before:
            self.assertEqual(ids[m.macro], m.id, m.macro)
        self.assertEqual(ids["DEMO_OTHER_MSG"], 99)

    def test_refusals(self):
        cases = [
            ("oneway a() = 16;\noneway b() = 16;", r"t\.idl:2: b: id 16 is a's"),
            ("oneway a() = 16;\noneway a() = 17;", r"t\.idl:2: A_MSG is declared twice"),
            ("oneway a() = 15;", r"t\.idl:1: a: id 15 outside 16\.\.0x7fff"),
            ("oneway a() = 0x8000;", r"t\.idl:1: a: id 32768 outside"),
            ("oneway a(x: bytes,\n y: str) = 16;", r"t\.idl:2: a: more than one out-of-line field"),
            ("oneway a(x: handle, y: handle_copy) = 16;", r"t\.idl:1: a: more than one handle field"),
            ("oneway a(x: uint8[257]) = 16;", r"t\.idl:1: a: 264 bytes of inline fields, more than"),
            ("\n\noneway a(x: float) = 16;", r"t\.idl:3: a: unknown type 'float'"),
            ("oneway a(x: int, x: int) = 16;", r"t\.idl:1: a: two fields named 'x'"),
            ("oneway a(head_: int) = 16;", r"two fields named .head_."),
            ("oneway a(x: bytes, x_len: int) = 16;", r"two fields named 'x_len'"),
            ("oneway a() = 16", r"t\.idl:1: expected ;, found the end"),
            ("rpc a() = 16;", r"t\.idl:1: expected ->"),
            ("notify a = 3;", r"t\.idl:1: NOTIFY_A: bit 3 outside 16\.\.63"),
            ("notify a = 16;\nnotify b = 16;", r"t\.idl:2: NOTIFY_B: bit 16"),
            ("namespace x { namespace y {} }", r"namespaces do not nest"),
            ("message a() = 16;", r"expected rpc, oneway, notify, const or namespace"),
            ("const a = 1;\nconst a = 2;", r"t\.idl:2: A is declared twice"),
            ("const notify_a = 1;\nnotify a = 16;", r"t\.idl:2: NOTIFY_A: bit 16 or name taken"),
            ("const a = 1;\noneway a() = 16;\nconst a_msg = 2;", r"A_MSG is declared twice"),
            ("const a = b + 1;", r"t\.idl:1: unknown constant 'b'"),
            ("const a = 4 / (2 - 2);", r"division by zero"),
            ("oneway a(x: char[n]) = 16;", r"unknown constant 'n'"),
        ]
        for text, pattern in cases:
            with self.subTest(text=text):
                self.refused(text, pattern)

    def test_constants(self):
        text = """\
/// the top bit of a badge
const badge_top = 1 << 62;
namespace demo {
    /// bytes of a nickname
    const nick_max = 16;
    const line_max = (nick_max + 8) * 2 | 1;
    const none = -1;
    const top = badge_top + 1;
    oneway hello(nick: char[nick_max], pad: uint8[DEMO_LINE_MAX - 40]) = 16;
}
namespace other { const copy = DEMO_NICK_MAX; const top = 3; }
"""
        msgs, notes, consts = self.parse(text)
        values = {c.macro: c.value for c in consts}
        self.assertEqual(values, {"BADGE_TOP": 1 << 62, "DEMO_NICK_MAX": 16, "DEMO_LINE_MAX": 49,
                                  "DEMO_NONE": -1, "DEMO_TOP": (1 << 62) + 1, "OTHER_COPY": 16,
                                  "OTHER_TOP": 3})
        self.assertEqual([f.count for f in msgs[0].fields], [16, 9])
        header = genidl.generate(msgs, notes, ["t.idl"], consts)
        self.assertIn("/* bytes of a nickname */\n#define DEMO_NICK_MAX 16\n", header)
        self.assertIn("#define BADGE_TOP (1ull << 62)\n", header)
        self.assertIn("#define DEMO_TOP 4611686018427387905ull\n", header)
        self.assertIn("#define DEMO_NONE (-1)\n", header)

    def test_largest_payload_is_accepted(self):
        msgs, _, _ = self.parse("oneway a(x: uint8[256]) = 16;")
        self.assertEqual(msgs[0].len, 256)

    def test_error_exits_without_writing(self):
        bad = write(self.dir, "bad.idl", "oneway a() = 1;")
        out = Path(self.dir) / "idl.h"
        run = subprocess.run([sys.executable, str(TOOLS / "genidl.py"), "-o", str(out), str(bad)],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 1)
        self.assertIn("bad.idl:1: a: id 1 outside", run.stderr)
        self.assertFalse(out.exists())


class TreeTest(unittest.TestCase):
    """The tree's IDL keeps the ids the protocols have, and the trace reads
    its names from it."""

    def test_ids_of_the_tree(self):
        msgs, notes, consts = genidl.parse(genidl.default_paths())
        ids = {m.macro: m.id for m in msgs}
        self.assertEqual((ids["ASYNC_PULL_MSG"], ids["NAME_LOOKUP_MSG"], ids["CONSOLE_STATUS_MSG"],
                          ids["CHAT_VERSION_MSG"], ids["SUPERVISOR_KILL_MSG"]), (16, 34, 58, 68, 81))
        self.assertEqual(ids["NAME_LOOKUP_REPLY_MSG"], 0x8000 | 34)
        self.assertEqual({n.macro: n.bit for n in notes}["NOTIFY_CHAT"], 17)

    def test_trace_names(self):
        import trace_abi
        abi = trace_abi.Abi()
        lookup = 34 | 40 << 16 | 1 << 25  # MSG_TYPE(34, 40, 0)
        self.assertEqual(abi.msg_type(lookup), "NAME_LOOKUP_MSG")
        self.assertEqual(abi.msg_type(0x8022 | 1 << 25), "NAME_LOOKUP_REPLY_MSG")
        self.assertEqual(abi.msg_type(-6 & 0xFFFFFFFF), "ERR_NOT_FOUND")
        self.assertEqual(abi.notify_names(1 << 16 | 1 << 3), ["NOTIFY_ASYNC", "NOTIFY_CONSOLE_INPUT"])


@unittest.skipUnless(shutil.which(os.environ.get("HOST_CC", "cc")), "no C compiler")
class CompileTest(unittest.TestCase):
    """The tree's IDL compiles with message.h, and the views lie where the
    static asserts say; a view the generator got wrong fails them."""

    def compile(self, header):
        with tempfile.TemporaryDirectory() as d:
            Path(d, "idl.h").write_text(header, encoding="utf-8")
            Path(d, "t.c").write_text("#include <message.h>\nint main(void) { return 0; }\n")
            return subprocess.run(
                [os.environ.get("HOST_CC", "cc"), "-std=c11", "-fsyntax-only", "-Werror",
                 f"-I{ROOT / 'libs/common/abi'}", f"-I{d}", str(Path(d, "t.c"))],
                capture_output=True, text=True)

    def test_tree_idl_compiles(self):
        msgs, notes, consts = genidl.parse(genidl.default_paths())
        run = self.compile(genidl.generate(msgs, notes, ["tree"], consts))
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_wrong_offset_fails_the_asserts(self):
        msgs, notes, consts = genidl.parse(genidl.default_paths())
        text = genidl.generate(msgs, notes, ["tree"], consts)
        broken = text.replace("name_lookup.timeout_ms) == 64", "name_lookup.timeout_ms) == 56")
        self.assertNotEqual(broken, text)
        run = self.compile(broken)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("name_lookup.timeout_ms: offset", run.stderr)


if __name__ == "__main__":
    unittest.main()
