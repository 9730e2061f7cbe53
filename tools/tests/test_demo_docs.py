"""The worked examples of the docs are programs: docs/async.md's is
apps/asyncdemo, docs/memory.md's apps/ringdemo. The code each quotes is in
its program word for word, and the output it shows is what the end-to-end
test (tools/console_tests.py) expects."""
import os
import re
import sys
import unittest

TOOLS = os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, TOOLS)
import console_tests  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(TOOLS))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


class WorkedExample:
    """doc's "A worked example" section against apps/<program>."""
    doc = program = None
    min_blocks = 1
    expected = ()

    def section(self):
        text = read(self.doc)
        start = text.index("## A worked example")
        return text[start:text.index("\n## ", start + 1)]

    def test_quoted_code_is_the_program(self):
        source = read(f"apps/{self.program}/main.c")
        blocks = re.findall(r"```c\n(.*?)```", self.section(), re.DOTALL)
        self.assertGreaterEqual(len(blocks), self.min_blocks)
        for block in blocks:
            self.assertIn(block, source)

    def test_shown_output_is_what_the_test_expects(self):
        m = re.search(rf"```\nshell1> run {self.program}\n(.*?)shell1>\n```",
                      self.section(), re.DOTALL)
        self.assertIsNotNone(m, f"no transcript of `run {self.program}`")
        self.assertEqual(m.group(1).splitlines(), self.expected)


class AsyncExample(WorkedExample, unittest.TestCase):
    doc, program, min_blocks = "docs/async.md", "asyncdemo", 2
    expected = console_tests.ASYNCDEMO


class MemoryExample(WorkedExample, unittest.TestCase):
    doc, program, min_blocks = "docs/memory.md", "ringdemo", 4
    expected = console_tests.RINGDEMO


if __name__ == "__main__":
    unittest.main()
