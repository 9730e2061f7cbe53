#!/usr/bin/env python3
"""Run the syscall fuzzer (apps/fuzz) in QEMU: `make fuzz`, and the short run in `make test`.

Usage: fuzz.py [--seed N] [--calls N] [--caps on|off|both] [--timeout S] [--build DIR]
       fuzz.py --suite [--build DIR]      the runs `make test` makes

Each run boots QEMU with -icount (the guest's clock follows the instructions it
executes, so a seed always makes the same calls) and a boot image of init, the
name server, hello and the fuzzer, whose command line carries the seed, the
number of calls and the configuration. The guest prints progress, a PASS or
FAIL line per check and `N passed, M failed`. This script copies that and adds
a FAIL line for a kernel panic (with its message and about how many calls were
made), a run that does not end within the timeout, a missing summary or an
exit status the fuzzer did not write. The last line is `N passed, M failed`
over all runs; the exit status is 0 only if nothing failed.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_tests import QEMU_ALL_PASSED, Parser, run_streaming, say  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
# (seed, caps) of `make test`'s run, and the calls each makes.
SUITE = [(1, False), (2, False), (1, True), (2, True)]
SUITE_CALLS = 50000
PROGRESS = re.compile(r"fuzz: (\d+) calls")
BUILD_MK_VAR = re.compile(r"^(priority|memory|caps|serves)\s*:=\s*(.*)$", re.M)


def boot_entry(build, name, *options):
    """A mkbootfs entry for the task in servers/NAME or apps/NAME, with the
    priority, memory, capabilities and names to serve its build.mk gives
    (as the Makefile does)."""
    mk = next(p for p in (ROOT / "servers" / name / "build.mk", ROOT / "apps" / name / "build.mk")
              if p.exists())
    found = dict(BUILD_MK_VAR.findall(mk.read_text()))
    entry = f"{name}={build}/{name}.elf:prio={found.get('priority', '10').strip()}"
    if found.get("memory", "").strip():
        entry += f":mem={found['memory'].strip()}"
    for var in ("caps", "serves"):
        if found.get(var, "").strip():
            entry += f":{var}=" + "+".join(found[var].split())
    return ":".join([entry, *options])


def image(build, tmp, seed, calls, caps, extra=""):
    """A boot image that starts the fuzzer with this command line."""
    path = Path(tmp) / f"fuzz-{seed}-{int(caps)}.img"
    entries = [boot_entry(build, "init"), boot_entry(build, "name"),
               boot_entry(build, "fuzz", "autostart"), boot_entry(build, "hello")]
    subprocess.run([sys.executable, str(ROOT / "tools/mkbootfs.py"), "-o", str(path),
                    "--cmdline", f"fuzz=seed={seed} calls={calls} caps={int(caps)} {extra}".strip(),
                    *entries],
                   check=True)
    return path


class FuzzParser(Parser):
    """Parser that also keeps the panic line and the last call count seen."""

    def __init__(self):
        super().__init__()
        self.panic_line = None
        self.calls = 0

    def __call__(self, line):
        super().__call__(line)
        if "PANIC:" in line and self.panic_line is None:
            self.panic_line = line[line.index("PANIC:"):].strip()
        if m := PROGRESS.match(line):
            self.calls = int(m[1])


def run_one(build, tmp, seed, calls, caps, timeout, counts):
    name = f"fuzz/{'caps' if caps else 'nocaps'}/seed{seed}"
    cmd = [QEMU, "-m", "128", "-kernel", str(build / "kernel.bin"), "-no-reboot",
           "-initrd", str(image(build, tmp, seed, calls, caps)), "-display", "none",
           "-serial", "stdio", "-icount", "shift=0,align=off,sleep=off",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    say(f"== {name}: {calls} calls")
    parser = FuzzParser()
    status, timed_out = run_streaming(cmd, timeout, parser)
    counts[0] += parser.passed
    counts[1] += parser.failed
    problem = None
    if parser.panic_line:
        problem = f"kernel panic after more than {parser.calls} calls: {parser.panic_line}"
    elif timed_out:
        problem = f"no end within {timeout:g} s (after more than {parser.calls} calls)"
    elif parser.summary is None:
        problem = f"no summary from the guest (QEMU status {status})"
    elif parser.summary != (parser.passed, parser.failed):
        problem = "the guest's summary disagrees with its PASS and FAIL lines"
    elif status != QEMU_ALL_PASSED and parser.failed == 0:
        problem = f"QEMU exit status {status}, expected {QEMU_ALL_PASSED}"
    if problem:
        say(f"FAIL {name}: {problem}")
        counts[1] += 1


def main():
    ap = argparse.ArgumentParser(prog="fuzz.py", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=100000)
    ap.add_argument("--caps", choices=["on", "off", "both"], default="both")
    ap.add_argument("--timeout", type=float, help="seconds per run (default: from --calls)")
    ap.add_argument("--suite", action="store_true", help="the runs of make test")
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    args = ap.parse_args()
    if args.suite:
        runs = [(seed, caps, SUITE_CALLS) for seed, caps in SUITE]
    else:
        configs = {"on": [True], "off": [False], "both": [False, True]}[args.caps]
        runs = [(args.seed, caps, args.calls) for caps in configs]
    counts = [0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for seed, caps, calls in runs:
            # About four times what a run takes on a busy machine.
            timeout = args.timeout or 15 + calls / 2500
            run_one(args.build, tmp, seed, calls, caps, timeout, counts)
    say(f"{counts[0]} passed, {counts[1]} failed")
    sys.exit(1 if counts[1] or not counts[0] else 0)


if __name__ == "__main__":
    main()
