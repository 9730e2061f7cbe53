#!/usr/bin/env python3
"""Self-test for tools/run_tests.py: runs it against fake QEMU and host programs.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

RUN_TESTS = os.path.join(os.path.dirname(__file__), "..", "run_tests.py")


def fake(output, status=1, sleep=0):
    """A command that prints output, sleeps, then exits with status."""
    code = f"import sys,time; sys.stdout.write({output!r}); sys.stdout.flush(); " \
           f"time.sleep({sleep}); sys.exit({status})"
    return [sys.executable, "-c", code]


class RunTestsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def host_binary(self, name, script):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + textwrap.dedent(script))
        os.chmod(path, 0o755)
        return path

    def run_tests(self, qemu, hosts=(), timeout=10):
        args = [sys.executable, RUN_TESTS, "--timeout", str(timeout)]
        for h in hosts:
            args += ["--host", h]
        proc = subprocess.run(args + ["--"] + qemu, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30)
        lines = proc.stdout.splitlines()
        return proc.returncode, lines[-1], lines

    def test_all_passed(self):
        rc, last, lines = self.run_tests(fake("PASS a\nPASS b\n2 passed, 0 failed\n", 1))
        self.assertEqual((rc, last), (0, "2 passed, 0 failed"))
        self.assertIn("PASS a", lines)  # guest output is passed through
        self.assertTrue(lines[-2].startswith("time: host "))

    def test_guest_failure(self):
        rc, last, _ = self.run_tests(fake("PASS a\nFAIL b: boom\n1 passed, 1 failed\n", 3))
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_carriage_returns_and_unterminated_line(self):
        rc, last, _ = self.run_tests(fake("PASS a\r\nPASS b\r\n2 passed, 0 failed", 1))
        self.assertEqual((rc, last), (0, "2 passed, 0 failed"))

    def test_only_lines_starting_with_pass_or_fail_count(self):
        out = "PASS a\n  PASS b\nxFAIL c: no\nFAILED d\n1 passed, 0 failed\n"
        rc, last, _ = self.run_tests(fake(out, 1))
        self.assertEqual((rc, last), (0, "1 passed, 0 failed"))

    def test_timeout_kills_the_whole_process_group(self):
        # sh's child sleep holds the pipe open: only killing the group ends it.
        start = time.monotonic()
        rc, last, lines = self.run_tests(["sh", "-c", "echo 'PASS a'; sleep 30; echo done"],
                                         timeout=2)
        self.assertLess(time.monotonic() - start, 8)
        self.assertEqual((rc, last), (1, "1 passed, 2 failed"))
        self.assertIn("FAIL qemu: timeout after 2 s", lines)
        self.assertNotIn("done", lines)

    def test_panic(self):
        rc, last, lines = self.run_tests(fake("PASS a\nPANIC: page fault in kernel\n", 5))
        # panic, no summary, and exit status 5
        self.assertEqual((rc, last), (1, "1 passed, 3 failed"))
        self.assertIn("FAIL qemu: kernel panic", lines)

    def test_missing_summary(self):
        rc, last, _ = self.run_tests(fake("PASS a\nPASS b\n", 1))
        self.assertEqual((rc, last), (1, "2 passed, 1 failed"))

    def test_summary_disagrees(self):
        rc, last, _ = self.run_tests(fake("PASS a\n3 passed, 0 failed\n", 1))
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_wrong_exit_status_without_fail_lines(self):
        rc, last, _ = self.run_tests(fake("PASS a\n1 passed, 0 failed\n", 0))
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_nothing_passed_is_a_failure(self):
        rc, last, _ = self.run_tests(fake("0 passed, 0 failed\n", 1))
        self.assertEqual((rc, last), (1, "0 passed, 0 failed"))

    def test_qemu_not_found(self):
        rc, last, _ = self.run_tests(["/nonexistent/qemu-system-x86_64"])
        self.assertEqual((rc, last), (1, "0 passed, 1 failed"))

    def test_host_binaries_add_up_with_guest(self):
        good = self.host_binary("good", "echo 'PASS h1'; echo 'PASS h2'\n")
        failing = self.host_binary("failing", "echo 'PASS h3'; echo 'FAIL h4: bad'; exit 1\n")
        crashing = self.host_binary("crashing", "echo 'PASS h5'; exit 2\n")
        rc, last, lines = self.run_tests(fake("PASS g\n1 passed, 0 failed\n", 1),
                                         hosts=[good, failing, crashing])
        # h1 h2 h3 h5 g pass; h4 fails; crashing's status counts once more.
        self.assertEqual((rc, last), (1, "5 passed, 2 failed"))
        self.assertIn(f"FAIL host:{crashing}: exit status 2", lines)

    def test_host_command_with_arguments(self):
        prog = self.host_binary("args", 'echo "PASS $1"; echo "PASS $2"\n')
        rc, last, lines = self.run_tests(fake("PASS g\n1 passed, 0 failed\n", 1),
                                         hosts=[f"{prog} first 'second one'"])
        self.assertEqual((rc, last), (0, "3 passed, 0 failed"))
        self.assertIn("PASS second one", lines)

    def test_host_binary_timeout_and_missing(self):
        hang = self.host_binary("hang", "echo 'PASS h1'; sleep 30\n")
        missing = os.path.join(self.tmp.name, "missing")
        rc, last, _ = self.run_tests(fake("PASS g\n1 passed, 0 failed\n", 1),
                                     hosts=[hang, missing], timeout=1)
        self.assertEqual((rc, last), (1, "2 passed, 2 failed"))

    def test_usage_without_qemu_command(self):
        proc = subprocess.run([sys.executable, RUN_TESTS, "--host", "x"], capture_output=True)
        self.assertNotEqual(proc.returncode, 0)


if __name__ == "__main__":
    unittest.main()
