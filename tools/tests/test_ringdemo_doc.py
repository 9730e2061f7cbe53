"""docs/memory.md's worked example is apps/ringdemo: the code it quotes is
in the program word for word, and the output it shows is what the
end-to-end test (tools/console_tests.py) expects."""
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


def worked_example():
    doc = read("docs/memory.md")
    start = doc.index("## A worked example")
    return doc[start:doc.index("\n## ", start + 1)]


class WorkedExample(unittest.TestCase):
    def test_quoted_code_is_the_program(self):
        program = read("apps/ringdemo/main.c")
        blocks = re.findall(r"```c\n(.*?)```", worked_example(), re.DOTALL)
        self.assertGreaterEqual(len(blocks), 4)
        for block in blocks:
            self.assertIn(block, program)

    def test_shown_output_is_what_the_test_expects(self):
        m = re.search(r"```\nshell1> run ringdemo\n(.*?)shell1>\n```",
                      worked_example(), re.DOTALL)
        self.assertIsNotNone(m, "no transcript of `run ringdemo`")
        self.assertEqual(m.group(1).splitlines(), console_tests.RINGDEMO)


if __name__ == "__main__":
    unittest.main()
