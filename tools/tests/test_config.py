#!/usr/bin/env python3
"""Tests for tools/config.py and the Makefile's use of it, on a temporary Kconfig tree.

Run from the repository root: python3 -m unittest discover -s tools/tests -v
"""
import contextlib
import glob
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import config  # noqa: E402
import mkbootfs  # noqa: E402

TASKS = ["init", "name", "console", "shell"]

KCONFIG = r"""mainmenu "Test configuration"

config BOOT_TASKS
	string "Tasks init starts"
	default "console shell*2"

config DEBUG
	bool "Debug checks"
	default y

config OFF
	bool "Off by default"

config QUEUE
	int "Queue bound"
	range 1 256
	default 64

config DEPTH
	int "Depth"
	default 7 if DEBUG
	default 8

config BASE
	hex "Base"
	default 0xffff8000

config GREETING
	string "Greeting"
	default "say \"hi\""

osource "tasks/*/Kconfig"
"""

HEADER = """\
/* Generated from .config by tools/config.py: do not edit. */
#pragma once
#define CONFIG_BOOT_TASKS "console shell*2"
#define CONFIG_DEBUG 1
#define CONFIG_QUEUE 64
#define CONFIG_DEPTH 7
#define CONFIG_BASE 0xffff8000
#define CONFIG_GREETING "say \\"hi\\""
#define CONFIG_TASK_OPTION 3
"""


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.write("Kconfig", KCONFIG)
        self.write("tasks/a/Kconfig", 'config TASK_OPTION\n\tint "A task\'s option"\n\tdefault 3\n')

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), "w") as f:
            f.write(text)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def tool(self, *args):
        """Run config.py with ARGS in the test's folder: (exit status, stderr)."""
        err, cwd = io.StringIO(), os.getcwd()
        os.chdir(self.dir)
        try:
            with contextlib.redirect_stderr(err):
                config.main(list(args))
            status = 0
        except SystemExit as e:
            status = e.code
        finally:
            os.chdir(cwd)
        return status, err.getvalue()

    def defconfig(self):
        self.assertEqual(self.tool("defconfig", "Kconfig", ".config"), (0, ""))
        return self.read(".config")

    def build(self, config=None, tasks=TASKS):
        if config is not None:
            self.write(".config", config)
        return self.tool("build", "Kconfig", ".config", "out/config.mk", "out/config.h", *tasks)

    def assert_errors(self, cases):
        """cases: {.config text: the one error line it must give}"""
        for config, message in cases.items():
            with self.subTest(config):
                self.assertEqual(self.build(config), (1, f"config: {message}\n"))
                self.assertFalse(os.path.exists(self.path("out/config.h")))

    def test_defconfig_takes_every_default_from_kconfig(self):
        self.write(".config", "CONFIG_QUEUE=5\nCONFIG_OFF=y\n")
        config = self.defconfig()
        settings = [l for l in config.splitlines() if l.startswith("CONFIG_") or "is not set" in l]
        self.assertEqual(settings, [
            'CONFIG_BOOT_TASKS="console shell*2"',
            "CONFIG_DEBUG=y",
            "# CONFIG_OFF is not set",
            "CONFIG_QUEUE=64",
            "CONFIG_DEPTH=7",
            "CONFIG_BASE=0xffff8000",
            'CONFIG_GREETING="say \\"hi\\""',
            "CONFIG_TASK_OPTION=3",
        ])

    def test_defconfig_leaves_no_old_config(self):
        self.write(".config", "CONFIG_QUEUE=5\n")
        self.defconfig()
        self.assertEqual(sorted(os.listdir(self.dir)), [".config", "Kconfig", "tasks"])

    def test_header(self):
        self.defconfig()
        self.assertEqual(self.build(), (0, ""))
        self.assertEqual(self.read("out/config.h"), HEADER)
        self.assertIn("CONFIG_QUEUE=64\n", self.read("out/config.mk"))

    def test_missing_options_take_their_kconfig_default(self):
        self.assertEqual(self.build("CONFIG_DEBUG=n\n"), (0, ""))
        header = self.read("out/config.h")
        self.assertNotIn("CONFIG_DEBUG", header)
        self.assertIn("#define CONFIG_DEPTH 8\n", header)  # the default when !DEBUG
        self.assertIn("#define CONFIG_QUEUE 64\n", header)
        self.assertIn("CONFIG_DEPTH=8\n", self.read("out/config.mk"))

    def test_header_is_rewritten_only_when_it_changes(self):
        self.build("CONFIG_QUEUE=5\n")
        old = time.time() - 100
        for name in ("out/config.h", "out/config.mk"):
            os.utime(self.path(name), (old, old))
        self.build("# a comment\nCONFIG_QUEUE=5\n")
        self.assertEqual(os.path.getmtime(self.path("out/config.h")), old)
        self.assertGreater(os.path.getmtime(self.path("out/config.mk")), old)
        self.build("CONFIG_QUEUE=6\n")
        self.assertIn("#define CONFIG_QUEUE 6\n", self.read("out/config.h"))

    def test_values_out_of_range_or_malformed_are_errors(self):
        self.assert_errors({f"{line}\n": f".config: {line}: {problem}" for line, problem in {
            "CONFIG_QUEUE=0": "out of range (allowed: 1 to 256)",
            "CONFIG_QUEUE=257": "out of range (allowed: 1 to 256)",
            "CONFIG_QUEUE=abc": "not a number (allowed: 1 to 256)",
            "CONFIG_QUEUE=1_0": "not a number (allowed: 1 to 256)",
            "CONFIG_DEPTH=": "not a number",
            "CONFIG_BASE=0xzz": "not a hexadecimal number",
        }.items()})

    def test_other_problems_are_errors(self):
        self.assert_errors({
            "CONFIG_NOPE=y\n": ".config: CONFIG_NOPE=y: no such option in Kconfig",
            "CONFIG_DEBUG=y\nnot a setting\n": ".config:2: malformed line 'not a setting'",
        })
        status, err = self.build("CONFIG_GREETING=hi\n")
        self.assertEqual(status, 1)
        self.assertRegex(err, r"^config: \.config:1: malformed string literal in "
                              r"assignment to GREETING [^\n]*\n$")
        status, err = self.build("CONFIG_QUEUE=5\nCONFIG_QUEUE=6\n")
        self.assertEqual(status, 1)
        self.assertRegex(err, r"^config: \.config:2: QUEUE [^\n]* set more than once[^\n]*\n$")

    def test_boot_tasks_errors(self):
        count = "the count after * must be a number from 1 to 255"
        always = "init and the name server always start; leave it out"
        self.assert_errors({f'CONFIG_BOOT_TASKS="{value}"\n': f"CONFIG_BOOT_TASKS: {problem}"
                            for value, problem in {
            "shell*x": f"'shell*x': {count}",
            "shell*0": f"'shell*0': {count}",
            "shell*256": f"'shell*256': {count}",
            "shell*": f"'shell*': {count}",
            "nosuch": "'nosuch': there is no task 'nosuch' (tasks: console shell)",
            "shell console shell*2": "'shell*2': shell is listed twice (shell*N starts N copies)",
            "init": f"'init': {always}",
            "name*2": f"'name*2': {always}",
        }.items()})

    def test_boot_tasks_accepted(self):
        self.assertEqual(self.build('CONFIG_BOOT_TASKS="console shell*255"\n'), (0, ""))

    def test_empty_boot_tasks_builds_with_a_warning(self):
        self.assertEqual(self.build('CONFIG_BOOT_TASKS=""\n'), (
            0, "config: warning: CONFIG_BOOT_TASKS is empty: init starts only the name server, "
               "and the system boots to silence\n"))
        self.assertIn('#define CONFIG_BOOT_TASKS ""\n', self.read("out/config.h"))

    def test_instance_limit_is_the_boot_image_format(self):
        """mkbootfs.INSTANCES_MAX is the mask bootfs_instances() applies."""
        [header] = glob.glob(os.path.join(ROOT, "libs", "**", "bootfs.h"), recursive=True)
        with open(header) as f:
            body = re.search(r"bootfs_instances\(.*?\}", f.read(), re.S)[0]
        mask = re.search(r"BOOTFS_INSTANCES_SHIFT\)\s*&\s*(0x[0-9a-fA-F]+)", body)[1]
        self.assertEqual(mkbootfs.INSTANCES_MAX, int(mask, 16))


class MakefileConfigTest(unittest.TestCase):
    """The Makefile checks the configuration before it builds anything."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.config = os.path.join(self.tmp.name, "config")

    def tearDown(self):
        self.tmp.cleanup()

    def make(self, *args):
        return subprocess.run(["make", "--no-print-directory", "-C", ROOT, f"PYTHON={sys.executable}",
                               f"BUILD={self.tmp.name}/build", f"KCONFIG_CONFIG={self.config}", *args],
                              capture_output=True, text=True)

    def test_bad_boot_tasks_stop_the_build_first(self):
        with open(self.config, "w") as f:
            f.write('CONFIG_BOOT_TASKS="console shell*x"\n')
        proc = self.make("-n", "all")  # -n still remakes the included config.mk
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("config: CONFIG_BOOT_TASKS: 'shell*x': the count after * must be a number "
                      "from 1 to 255\n", proc.stderr)
        self.assertNotIn(" -c ", proc.stdout)

    def test_defconfig_writes_only_the_config(self):
        with open(self.config, "w") as f:
            f.write("CONFIG_ASYNC_QUEUE_DEFAULT=0\n")
        proc = self.make("defconfig")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(set(os.listdir(self.tmp.name)) - {"build"}), ["config"])
        with open(self.config) as f:
            self.assertIn("CONFIG_ASYNC_QUEUE_DEFAULT=64\n", f.read())


if __name__ == "__main__":
    unittest.main()
