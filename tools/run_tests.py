#!/usr/bin/env python3
"""The test harness behind `make test`: host unit tests, then the tests in QEMU.

Usage: run_tests.py [--host COMMAND]... [--timeout SECONDS] -- QEMU_COMMAND...

Runs each host test command (a program and its arguments, split as a shell
would), then QEMU (serial console on its stdout), and
streams their output while counting lines that start with `PASS <name>` or
`FAIL <name>: <reason>`. Problems that print no FAIL line of their own (a
crash, a timeout, a kernel panic, a missing or wrong in-guest summary, an
unexpected QEMU exit status) each count as one failure, shown as a FAIL line.
The timeout (default 60 s) applies to each program. The last line is always
`N passed, M failed`; the exit status is 0 only if M == 0 and N > 0.

QEMU's exit status under isa-debug-exit is (value << 1) | 1: 1 when the guest
reports all passed, 3 when some failed, 5 on a kernel panic.
"""
import argparse
import os
import re
import shlex
import selectors
import signal
import subprocess
import sys
import time

SUMMARY = re.compile(r"(\d+) passed, (\d+) failed")
QEMU_ALL_PASSED = 1
QEMU_STATUS = {1: "all passed", 3: "some failed", 5: "kernel panic"}


def say(text):
    sys.stdout.buffer.write(text.encode() + b"\n")
    sys.stdout.buffer.flush()


class Counts:
    def __init__(self):
        self.passed = self.failed = 0

    def fail(self, what):
        say(f"FAIL {what}")
        self.failed += 1


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_streaming(cmd, timeout, on_line):
    """Run cmd, copy its stdout to ours as it arrives, call on_line for each line.

    Returns (exit status, timed out). The command runs in its own session so
    that a timeout kills it and everything it started.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    pending = b""
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not sel.select(left):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    on_line(line.decode(errors="replace").replace("\r", ""))
        if pending:
            say("")  # finish the unterminated last line
            on_line(pending.decode(errors="replace").replace("\r", ""))
        try:
            return proc.wait(max(0, deadline - time.monotonic())), False
        except subprocess.TimeoutExpired:
            return None, True
    finally:
        if proc.poll() is None:
            kill_group(proc)
        proc.wait()
        proc.stdout.close()


class Parser:
    """Counts PASS/FAIL lines and notes the summary line and any panic."""

    def __init__(self):
        self.passed = self.failed = 0
        self.summary = None
        self.panicked = False

    def __call__(self, line):
        if line.startswith("PASS "):
            self.passed += 1
        elif line.startswith("FAIL "):
            self.failed += 1
        elif m := SUMMARY.fullmatch(line.strip()):
            self.summary = (int(m[1]), int(m[2]))
        if "PANIC:" in line:
            self.panicked = True


def run_host(binary, timeout, counts):
    say(f"== host: {binary}")
    parser = Parser()
    try:
        status, timed_out = run_streaming(shlex.split(binary), timeout, parser)
    except OSError as e:
        counts.fail(f"host:{binary}: cannot run: {e.strerror}")
        return
    counts.passed += parser.passed
    counts.failed += parser.failed
    if timed_out:
        counts.fail(f"host:{binary}: timeout after {timeout:g} s")
    elif status < 0:
        counts.fail(f"host:{binary}: killed by signal {-status}")
    elif status != 0 and parser.failed == 0:
        counts.fail(f"host:{binary}: exit status {status}")


def run_qemu(cmd, timeout, counts):
    say(f"== qemu: {shlex.join(cmd)}")
    parser = Parser()
    try:
        status, timed_out = run_streaming(cmd, timeout, parser)
    except OSError as e:
        counts.fail(f"qemu: cannot run {cmd[0]}: {e.strerror}")
        return
    counts.passed += parser.passed
    counts.failed += parser.failed
    if timed_out:
        counts.fail(f"qemu: timeout after {timeout:g} s")
    if parser.panicked:
        counts.fail("qemu: kernel panic")
    if parser.summary is None:
        counts.fail("qemu: no 'N passed, M failed' summary from the guest")
    elif parser.summary != (parser.passed, parser.failed):
        counts.fail("qemu: guest summary says %d passed, %d failed but %d PASS and %d FAIL "
                    "lines were seen" % (*parser.summary, parser.passed, parser.failed))
    # After a timeout the status is our kill, not the guest's verdict.
    if not timed_out and parser.failed == 0 and status != QEMU_ALL_PASSED:
        meaning = QEMU_STATUS.get(status, "not from isa-debug-exit")
        counts.fail(f"qemu: exit status {status} ({meaning}), expected {QEMU_ALL_PASSED}")


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        sys.exit("usage: run_tests.py [--host COMMAND]... [--timeout SECONDS] -- QEMU_COMMAND...")
    split = argv.index("--")
    ap = argparse.ArgumentParser(prog="run_tests.py")
    ap.add_argument("--host", action="append", default=[], metavar="COMMAND")
    ap.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")
    args = ap.parse_args(argv[:split])
    qemu_cmd = argv[split + 1 :]

    counts = Counts()
    started = time.monotonic()
    for binary in args.host:
        run_host(binary, args.timeout, counts)
    host_done = time.monotonic()
    run_qemu(qemu_cmd, args.timeout, counts)
    qemu_done = time.monotonic()

    say(f"time: host {host_done - started:.1f} s, qemu {qemu_done - host_done:.1f} s")
    say(f"{counts.passed} passed, {counts.failed} failed")
    sys.exit(0 if counts.failed == 0 and counts.passed > 0 else 1)


if __name__ == "__main__":
    main()
