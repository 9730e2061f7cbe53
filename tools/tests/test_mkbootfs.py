#!/usr/bin/env python3
"""Self-test for tools/mkbootfs.py's --cmdline and serves=: the entries they add and their errors.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import os
import struct
import subprocess
import sys
import tempfile
import unittest

MKBOOTFS = os.path.join(os.path.dirname(__file__), "..", "mkbootfs.py")
HEADER = struct.Struct("<4I")
ENTRY = struct.Struct("<32s5I")


def entries(image):
    """name -> file bytes of each entry of a packed image."""
    _, _, count, _ = HEADER.unpack_from(image, 0)
    out = {}
    for i in range(count):
        name, off, size, *_ = ENTRY.unpack_from(image, HEADER.size + i * ENTRY.size)
        out[name.rstrip(b"\0").decode()] = image[off : off + size]
    return out


class Packing(unittest.TestCase):
    """A scratch directory with a fake ELF file, and the packer to run."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.elf = os.path.join(self.tmp.name, "prog.elf")
        with open(self.elf, "wb") as f:
            f.write(b"\x7fELF" + bytes(60))
        self.out = os.path.join(self.tmp.name, "out.img")

    def tearDown(self):
        self.tmp.cleanup()

    def pack(self, *args):
        return subprocess.run([sys.executable, MKBOOTFS, "-o", self.out, *args],
                              capture_output=True, text=True)


class CmdlineTest(Packing):
    def test_cmdline_becomes_a_nul_terminated_entry(self):
        proc = self.pack("--cmdline", "fuzz=seed=3 calls=10", f"fuzz={self.elf}:autostart")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(self.out, "rb") as f:
            got = entries(f.read())
        self.assertEqual(got["fuzz.cmdline"], b"seed=3 calls=10\0")
        self.assertEqual(got["fuzz"][:4], b"\x7fELF")

    def test_longest_cmdline_fits(self):
        self.assertEqual(self.pack("--cmdline", "p=" + "x" * 127, f"p={self.elf}").returncode, 0)

    def test_errors(self):
        for args, needle in [
            (["--cmdline", "q=x", f"p={self.elf}"], "NAME one of the entries"),
            (["--cmdline", "p", f"p={self.elf}"], "NAME one of the entries"),
            (["--cmdline", "p=" + "x" * 128, f"p={self.elf}"], "at most 127 bytes"),
            (["--cmdline", "p=a", "--cmdline", "p=b", f"p={self.elf}"], "duplicate name"),
            (["--cmdline", "a" * 24 + "=x", f"{'a' * 24}={self.elf}"], "longer than 31"),
        ]:
            proc = self.pack(*args)
            self.assertNotEqual(proc.returncode, 0, args)
            self.assertIn(needle, proc.stderr, args)
            self.assertFalse(os.path.exists(self.out), args)


class ServesTest(Packing):
    def test_serves_becomes_a_list_after_the_programs(self):
        proc = self.pack(f"console={self.elf}:caps=ioport+console:serves=console+log",
                         f"hello={self.elf}", "--cmdline", "hello=hi")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(self.out, "rb") as f:
            image = f.read()
        got = entries(image)
        self.assertEqual(got["console.serves"], b"console\0log\0")
        # the programs keep their places: init's badges name them by index
        _, _, count, _ = HEADER.unpack_from(image, 0)
        names = [ENTRY.unpack_from(image, HEADER.size + i * ENTRY.size)[0].rstrip(b"\0")
                 for i in range(count)]
        self.assertEqual(names, [b"console", b"hello", b"console.serves", b"hello.cmdline"])
        flags = ENTRY.unpack_from(image, HEADER.size)[3]
        self.assertEqual(flags, (1 << 2) | (1 << 4))  # BOOTFS_CAP_IOPORT | BOOTFS_CAP_CONSOLE

    def test_serves_errors(self):
        for args, needle in [
            ([f"p={self.elf}:serves="], "1 to 31 bytes"),
            ([f"p={self.elf}:serves=a++b"], "1 to 31 bytes"),
            ([f"p={self.elf}:serves=" + "x" * 32], "1 to 31 bytes"),
            ([f"{'a' * 25}={self.elf}:serves=x"], "longer than 31"),
            ([f"p={self.elf}:serves=x", f"p.serves={self.elf}"], "duplicate name"),
        ]:
            proc = self.pack(*args)
            self.assertNotEqual(proc.returncode, 0, args)
            self.assertIn(needle, proc.stderr, args)
            self.assertFalse(os.path.exists(self.out), args)


if __name__ == "__main__":
    unittest.main()
