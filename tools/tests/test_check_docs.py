#!/usr/bin/env python3
"""Tests for tools/check_docs.py: each kind of mistake is caught in a small
tree of its own, correct text passes, and this repository's docs hold.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import contextlib
import io
import os
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import check_docs  # noqa: E402

HEADER = r"""
#pragma once
#define HANDLE_MAX 64 /* entries per task */
#define IPC_OOL_MAX (64 * 1024)
#define IPC_TIMEOUT_MAX (24ll * 3600 * 1000)
#define TIMER_MS_MAX ((uint64_t) IPC_TIMEOUT_MAX)
#define NOTIFY_CHAT (1ull << 17)
#define BUF_MAX 16
#define ERROR_LIST(X)                                                          \
    X(OK, 0, "success")                                                        \
    X(ERR_FULL, -14, "queue or table full")
#define SYSCALL_LIST(X)                                                        \
    /* Does nothing, in a comment that runs                                    \
     * over two lines. */                                                      \
    X(0, nop, sys_nop, error_t, 0)                                             \
    X(1, sleep, sleep_ms, error_t, 1, (uint64_t, ms))
enum task_wait_code { WAIT_NONE = 0, WAIT_SLEEP = 4 };
"""

KCONFIG = """config QUEUE
\tint "Queue bound"
\trange 1 256
\tdefault 64

config TASKS
\tstring "Tasks"
\tdefault "a b*2"
"""


class CheckDocsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.write("libs/common/abi/defs.h", HEADER)
        self.write("servers/other/main.c", "#define BUF_MAX 32\n")
        self.write("tools/helper.py", "WAIT = 15  # seconds\n")
        self.write("Kconfig", KCONFIG)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def problems(self, doc):
        self.write("docs/a.md", textwrap.dedent(doc).lstrip("\n"))
        return check_docs.Checker(self.root).run()

    def assert_one(self, doc, *needles):
        found = self.problems(doc)
        self.assertEqual(len(found), 1, found)
        for needle in needles:
            self.assertIn(needle, found[0])

    def test_correct_text_passes(self):
        self.assertEqual(self.problems("""
            A table of `HANDLE_MAX` (64) entries, at most 64 KiB (`IPC_OOL_MAX`)
            out of line, a day: `IPC_TIMEOUT_MAX` (86,400,000 ms). Timers:
            `TIMER_MS_MAX` = 86400000. `NOTIFY_CHAT` (bit 17), `WAIT_SLEEP` is 4,
            `ERR_FULL` (-14), `CONFIG_QUEUE` (64), up to 15 s (`WAIT`).
            `BUF_MAX` (32) in `servers/other/main.c`. More than 0 bytes.

            ```
            at most 99 things, `HANDLE_MAX` (3)
            ```

            | Option | Default |
            |--------|---------|
            | `CONFIG_QUEUE` | `64` |
            | `CONFIG_TASKS` | `"a b*2"` |
            """), [])

    def test_a_wrong_value_in_prose(self):
        self.assert_one("Each task has\n`HANDLE_MAX` (32) entries.\n",
                        "docs/a.md:2:", "32", "64", "libs/common/abi/defs.h:3")

    def test_idl_messages_and_bits(self):
        self.write("libs/common/idl/demo.idl",
                   "namespace demo {\n    /// hello\n    oneway hi() = 40;\n"
                   "    notify ready = 20;\n}\n")
        self.assertEqual(self.problems("`DEMO_HI_MSG` (40), `NOTIFY_DEMO_READY` (bit 20).\n"), [])
        self.assertEqual(self.problems("`DEMO_HI_MSG` (41).\n"), [
            "docs/a.md:1: `DEMO_HI_MSG`: the docs say 41, libs/common/idl/demo.idl:3 says 40"])
        self.assertEqual(self.problems("""
            Each of `IDL_MESSAGE_LIST`:

            | Type | Message |
            |------|---------|
            | `OTHER` | "x" |
        """), ["docs/a.md:3: `DEMO_HI_MSG` of IDL_MESSAGE_LIST is missing from this table"])

    def test_a_wrong_value_before_the_constant(self):
        self.assert_one("a table of 32 entries (`HANDLE_MAX`)\n", "docs/a.md:1:", "32")

    def test_units_bits_and_kconfig(self):
        self.assert_one("`IPC_OOL_MAX` (32 KiB)\n", "32768", "65536")
        self.assert_one("`NOTIFY_CHAT` (16)\n", "says 131072")
        self.assert_one("`CONFIG_QUEUE` (32)\n", "Kconfig:4")

    def test_a_limits_table(self):
        found = self.problems("""
            ## Limits

            | Limit | Value | Where |
            |-------|-------|-------|
            | handles | 64 entries, 63 usable | `HANDLE_MAX` |
            | out of line | 32,768 bytes | `IPC_OOL_MAX` |
            | handles per message | 1 | `struct message` |
            | watchers | four | `WATCHERS` |
            """)
        self.assertEqual(len(found), 2, found)
        self.assertIn("docs/a.md:6: `IPC_OOL_MAX`: the docs say 32768", found[0])
        self.assertIn("docs/a.md:7: limit 1 names no constant", found[1])

    def test_a_bit_column_and_a_string_default(self):
        found = self.problems("""
            | Bit | Name |
            |-----|------|
            | 16 | `NOTIFY_CHAT` |

            | Option | Default |
            |--------|---------|
            | `CONFIG_TASKS` | `"a b*3"` |
            """)
        self.assertEqual(len(found), 2, found)
        self.assertIn("a b*3", found[1])

    def test_a_limit_must_name_its_constant(self):
        self.assert_one("A handle is ≤ 0 or ≥ 64, or at most\n`HANDLE_MAX`.\n",
                        "docs/a.md:1:", "limit 64")
        self.assert_one("It holds at most 17 (`HANDLE_MAX`) handles.\n", "17")

    def test_unknown_and_ambiguous_constants(self):
        self.assert_one("`NO_SUCH_MAX` (3)\n", "not defined")
        self.assert_one("`BUF_MAX` (16)\n", "defined more than once", "name the file")
        self.assert_one("`ERR_NOPE` is no error\n", "ERR_NOPE is not in ERROR_LIST")

    def test_an_error_table_after_error_list(self):
        found = self.problems("""
            The codes are `ERROR_LIST`:

            | Value | Name | Message |
            |-------|------|---------|
            | 0 | `OK` | success |
            | -13 | `ERR_FULL` | full |
            """)
        self.assertEqual(len(found), 2, found)
        self.assertIn("`ERR_FULL`: the docs say -13", found[0])
        self.assertIn('"queue or table full"', found[1])
        self.assert_one("""
            The codes are `ERROR_LIST`:

            | Value | Name |
            |-------|------|
            | 0 | `OK` |
            """, "`ERR_FULL` of ERROR_LIST is missing")

    def test_the_syscall_table(self):
        found = self.problems("""
            The list is `SYSCALL_LIST`:

            | # | Call | C wrapper |
            |---|------|-----------|
            | 0 | `nop` | `sys_nop(x)` |
            | 2 | `sleep` | `sleep_ms(ms)` |
            """)
        self.assertEqual(len(found), 3, found)
        self.assertIn("`sys_nop` with 0 arguments", found[0])
        self.assertIn("system call 2 is `sleep` here, `None`", found[1])
        self.assertIn("system call 1 `sleep` is missing", found[2])

    def test_bench_figures_need_a_commit(self):
        self.assert_one("Figures:\n\n```\nBENCH ipc 675 cycles\n```\n",
                        "docs/a.md:4:", "commit")
        self.assertEqual(self.problems(
            "At commit `e988839`:\n\n```\nBENCH ipc 675 cycles\n```\n"), [])

    def test_the_command_line(self):
        out = io.StringIO()
        self.write("docs/a.md", "`HANDLE_MAX` (63)\n")
        with contextlib.redirect_stdout(out):
            self.assertEqual(check_docs.main(["check_docs.py", self.root]), 1)
        self.assertTrue(out.getvalue().startswith("docs/a.md:1: `HANDLE_MAX`"))
        self.write("docs/a.md", "`HANDLE_MAX` (64)\n")
        self.assertEqual(check_docs.main(["check_docs.py", self.root]), 0)


class RepositoryDocsTest(unittest.TestCase):
    def test_the_docs_hold(self):
        problems = check_docs.Checker(ROOT).run()
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
