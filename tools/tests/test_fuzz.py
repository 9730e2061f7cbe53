#!/usr/bin/env python3
"""Self-test for tools/fuzz.py: its verdicts on a fake QEMU, and what it boots.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

FUZZ = Path(__file__).resolve().parent.parent / "fuzz.py"
ELFS = ["kernel.bin", "init.elf", "name.elf", "fuzz.elf", "hello.elf"]


class FuzzRunnerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.build = Path(self.tmp.name)
        for name in ELFS:
            (self.build / name).write_bytes(b"\x7fELF" + bytes(60))

    def tearDown(self):
        self.tmp.cleanup()

    def run_fuzz(self, output, status=1, sleep=0, args=("--caps", "on")):
        """fuzz.py with a QEMU that prints output, sleeps, exits with status and
        leaves its arguments and the boot image it was given in the build dir."""
        fake = self.build / "qemu"
        fake.write_text(textwrap.dedent(f"""\
            #!{sys.executable}
            import shutil, sys, time
            args = sys.argv[1:]
            open({str(self.build / 'argv')!r}, "w").write("\\n".join(args))
            shutil.copy(args[args.index("-initrd") + 1], {str(self.build / 'initrd')!r})
            sys.stdout.write({output!r}); sys.stdout.flush()
            time.sleep({sleep}); sys.exit({status})
            """))
        fake.chmod(0o755)
        proc = subprocess.run([sys.executable, str(FUZZ), "--build", str(self.build), *args],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              env=dict(os.environ, QEMU=str(fake)), timeout=30)
        lines = proc.stdout.splitlines()
        return proc.returncode, lines[-1], lines

    def test_all_passed(self):
        rc, last, _ = self.run_fuzz("fuzz: 10 calls\nPASS a\nPASS b\n2 passed, 0 failed\n")
        self.assertEqual((rc, last), (0, "2 passed, 0 failed"))

    def test_guest_failure(self):
        rc, last, _ = self.run_fuzz("PASS a\nFAIL b: leak\n1 passed, 1 failed\n", 3)
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_panic_names_the_run_and_the_message(self):
        out = "fuzz: 5000 calls, 10 ms\nPANIC: assertion failed: x (kernel/sched.c:1)\n"
        rc, last, lines = self.run_fuzz(out, 5, args=("--seed", "4", "--caps", "off"))
        self.assertEqual((rc, last), (1, "0 passed, 1 failed"))
        self.assertIn("FAIL fuzz/nocaps/seed4: kernel panic after more than 5000 calls: "
                      "PANIC: assertion failed: x (kernel/sched.c:1)", lines)

    def test_hang(self):
        rc, last, lines = self.run_fuzz("fuzz: 7 calls\n", sleep=30,
                                        args=("--caps", "on", "--timeout", "2"))
        self.assertEqual((rc, last), (1, "0 passed, 1 failed"))
        self.assertIn("FAIL fuzz/caps/seed1: no end within 2 s (after more than 7 calls)", lines)

    def test_status_not_from_the_fuzzer(self):
        rc, last, _ = self.run_fuzz("PASS a\n1 passed, 0 failed\n", 0)
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_missing_summary(self):
        rc, last, _ = self.run_fuzz("PASS a\n", 1)
        self.assertEqual((rc, last), (1, "1 passed, 1 failed"))

    def test_both_configurations_by_default(self):
        rc, last, lines = self.run_fuzz("PASS a\n1 passed, 0 failed\n", args=())
        self.assertEqual((rc, last), (0, "2 passed, 0 failed"))
        self.assertIn("== fuzz/nocaps/seed1: 100000 calls", lines)
        self.assertIn("== fuzz/caps/seed1: 100000 calls", lines)

    def test_deterministic_qemu_and_the_command_line(self):
        self.run_fuzz("PASS a\n1 passed, 0 failed\n",
                      args=("--seed", "7", "--calls", "123", "--caps", "on"))
        argv = (self.build / "argv").read_text().splitlines()
        self.assertEqual(argv[argv.index("-icount") + 1], "shift=0,align=off,sleep=off")
        self.assertIn(b"seed=7 calls=123 caps=1\0", (self.build / "initrd").read_bytes())


if __name__ == "__main__":
    unittest.main()
