#!/usr/bin/env python3
"""Tests for tools/defconfig.py and tools/config_h.py on a temporary Kconfig tree.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

ROOT = """\
mainmenu "Test kernel configuration"

menu "Kernel"
config DEBUG
\tbool "Debug checks"
\tdefault y
\thelp
\t  Turns on assertions. This help text mentions
\t  config FAKE and default n, which must be skipped.

\t  Even after a blank line.

config NO_DEFAULT
\tbool

config CONDITIONAL
\tbool "Conditional default"
\tdepends on DEBUG
\tdefault n if DEBUG
\tdefault y

config ONLY_CONDITIONAL
\tint
\tdefault 7 if DEBUG
\tdefault 8 if !DEBUG

config NUM_TASKS
\tint "Maximum number of tasks"
\trange 1 1024
\tdefault 64
\tdefault 32

config KERNEL_BASE
\thex
\tdefault 0xffffffff80000000

config NAME
\tstring "Name"
\tdefault "say \\"hi\\" \\\\o/"   # a comment
endmenu

comment "Tasks"
source "apps/Kconfig"
osource "servers/*/Kconfig"
osource "nothing/*/Kconfig"
"""


class DefconfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.write("Kconfig", ROOT)
        self.write("apps/Kconfig", 'config APPS_TEST\n\tbool "Test task"\n\tdefault y\n')
        self.write("servers/b/Kconfig", "config SERVER_B\n\tdef_bool n\n")
        self.write("servers/a/Kconfig", "menuconfig SERVER_A\n\tbool\n\tdefault DEBUG\n")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read()

    def tool(self, name, *args):
        return subprocess.run([sys.executable, os.path.join(TOOLS, name), *args],
                              cwd=self.dir, capture_output=True, text=True)

    def defconfig(self):
        proc = self.tool("defconfig.py", "Kconfig", ".config")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return self.read(".config")

    def test_defaults(self):
        config = self.defconfig()
        self.assertTrue(config.startswith("#\n"))
        self.assertIn("# Test kernel configuration\n", config)
        expected = [
            "CONFIG_DEBUG=y",
            "# CONFIG_NO_DEFAULT is not set",
            "CONFIG_CONDITIONAL=y",
            "CONFIG_ONLY_CONDITIONAL=7",
            "CONFIG_NUM_TASKS=64",
            "CONFIG_KERNEL_BASE=0xffffffff80000000",
            'CONFIG_NAME="say \\"hi\\" \\\\o/"',
            "CONFIG_APPS_TEST=y",
            "CONFIG_SERVER_A=y",  # sorted glob: a before b
            "# CONFIG_SERVER_B is not set",
        ]
        settings = [l for l in config.splitlines() if l.startswith("CONFIG_") or
                    l.endswith(" is not set")]
        self.assertEqual(settings, expected)
        self.assertNotIn("FAKE", config)

    def test_errors(self):
        self.write("Kconfig", "config A\n\tbool\nchoice\n")
        proc = self.tool("defconfig.py", "Kconfig", ".config")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("Kconfig:3", proc.stderr)
        self.write("Kconfig", 'source "missing/Kconfig"\n')
        self.assertEqual(self.tool("defconfig.py", "Kconfig", ".config").returncode, 1)
        self.write("Kconfig", "config A\n\tint\n\tdefault zz\n")
        self.assertEqual(self.tool("defconfig.py", "Kconfig", ".config").returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(self.dir, ".config")))

    def test_config_h(self):
        self.defconfig()
        proc = self.tool("config_h.py", ".config", "config.h")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        header = self.read("config.h")
        self.assertIn("#pragma once\n", header)
        for line in ["#define CONFIG_DEBUG 1", "#define CONFIG_NUM_TASKS 64",
                     "#define CONFIG_KERNEL_BASE 0xffffffff80000000",
                     '#define CONFIG_NAME "say \\"hi\\" \\\\o/"']:
            self.assertIn(line + "\n", header)
        self.assertNotIn("NO_DEFAULT", header)
        self.assertNotIn("SERVER_B", header)

    def test_config_h_keeps_unchanged_header(self):
        self.write(".config", "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=n\n")
        self.tool("config_h.py", ".config", "config.h")
        path = os.path.join(self.dir, "config.h")
        old = time.time() - 100
        os.utime(path, (old, old))
        self.tool("config_h.py", ".config", "config.h")
        self.assertEqual(os.path.getmtime(path), old)
        self.write(".config", "CONFIG_A=y\nCONFIG_D=3\n")
        self.tool("config_h.py", ".config", "config.h")
        self.assertNotEqual(os.path.getmtime(path), old)
        self.assertIn("#define CONFIG_D 3\n", self.read("config.h"))

    def test_config_h_rejects_garbage(self):
        self.write(".config", textwrap.dedent("""\
            CONFIG_A=y
            this is not a config line
            """))
        proc = self.tool("config_h.py", ".config", "config.h")
        self.assertEqual(proc.returncode, 1)
        self.assertIn(".config:2", proc.stderr)


if __name__ == "__main__":
    unittest.main()
