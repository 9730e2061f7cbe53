#!/usr/bin/env python3
"""End-to-end tests of the console, the shells and the chat, as users see them.

Usage: console_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system (build/bootfs.img: console, chat server, a shell on
each of COM1..COM3) with every serial port on a local socket, types on them
like three users and reads what their terminals show. Prints `PASS
console/<name>` or `FAIL console/<name>: <reason>`, then `N passed, M
failed`.
"""
import codecs
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
WAIT = 15  # seconds for any one expected output


class Terminal:
    """One serial port: what we type and what it shows. Like a real
    terminal it reads all the time (a background thread), so the guest's
    output never waits for the test, unless its user stops reading
    (pause(), as when socat is stopped) until resume()."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(200):
            try:
                self.sock.connect(str(path))
                break
            except OSError:
                time.sleep(0.05)
        self.seen = ""  # everything shown so far
        self.raw = b""  # the same, as the bytes came (no U+FFFD, no CR removed)
        # a character may come in two chunks
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.mark = 0   # expect() looks after this point
        self.raw_mark = 0  # expect_raw() looks after this point
        self.lock = threading.Lock()
        self.reading = threading.Event()
        self.reading.set()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            self.reading.wait()
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.raw += chunk
                self.seen += self.decoder.decode(chunk).replace("\r", "")

    def pause(self):
        self.reading.clear()

    def resume(self):
        self.reading.set()

    def type(self, text):
        self.sock.sendall(text.encode())

    def type_bytes(self, data):
        self.sock.sendall(data)

    def line(self, text):
        self.type(text + "\r")


    def expect(self, pattern, timeout=WAIT):
        """Wait until pattern (a regex) shows after the mark; move past it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = re.search(pattern, self.seen[self.mark:])
            if m:
                self.mark += m.end()
                return m
            time.sleep(0.02)
        with self.lock:
            tail = self.seen[self.mark:][-300:]
        raise AssertionError(f"no {pattern!r} within {timeout} s; terminal shows {tail!r}")

    def expect_raw(self, pattern, timeout=WAIT):
        """expect() for a bytes regex on the raw bytes, after raw_mark."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = re.search(pattern, self.raw[self.raw_mark:], re.DOTALL)
            if m:
                self.raw_mark += m.end()
                return m
            time.sleep(0.02)
        with self.lock:
            tail = self.raw[self.raw_mark:][-300:]
        raise AssertionError(f"no {pattern!r} within {timeout} s; raw bytes {tail!r}")

    def settle(self, seconds=0.3):
        time.sleep(seconds)
        with self.lock:
            self.mark = len(self.seen)
            self.raw_mark = len(self.raw)


def boot(tmp):
    socks = [tmp / f"com{i}.sock" for i in (1, 2, 3)]
    cmd = [QEMU, "-m", "128", "-kernel", str(BUILD / "kernel.bin"),
           "-initrd", str(BUILD / "bootfs.img"), "-no-reboot", "-display", "none"]
    for s in socks:
        cmd += ["-serial", f"unix:{s},server=on,wait=off"]
    cmd += os.environ.get("QEMU_EXTRA", "").split()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    terms = [Terminal(s) for s in socks]
    for i, t in enumerate(terms):  # prompts printed before we connected are lost
        deadline = time.monotonic() + WAIT
        while True:
            t.line("")
            try:
                t.expect(rf"shell{i + 1}> ", timeout=0.5)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
    return proc, terms


def case_shell_commands(c1, c2, c3):
    c1.line("echo hello,   world")
    c1.expect(r"\nhello,   world\n")
    c1.line("frobnicate")
    c1.expect(r"frobnicate: unknown command \(try 'help'\)")
    c1.line("kill")
    c1.expect(r"usage: kill <id\|name>")
    c1.line("kill no-such-task")
    c1.expect(r"kill: no-such-task: not found")
    c1.line("names")
    c1.expect(r"console\n")
    c1.line("help")
    c1.expect(r"chat <nickname>")


def case_line_discipline(c1, c2, c3):
    # typo, two backspaces (BS and DEL), corrected: the shell gets "echo ok"
    c1.type("echo oxx\x08\x7fk\r")
    c1.expect(r"\nok\n")
    # CR LF ends one line, not two: one command, one prompt after it
    c2.type("echo crlf\r\n")
    c2.expect(r"\ncrlf\nshell2> ")
    c2.settle(0.5)
    c2.line("echo next")
    m = c2.expect(r"\nnext\n")
    if "shell2> shell2> " in c2.seen:
        raise AssertionError("the LF after CR ran an empty command")


def case_ps_shows_who_waits_on_whom(c1, c2, c3):
    c1.line("ps")
    c1.expect(r"ID\s+NAME\s+BY\s+PRIO\s+HANDLES\s+MEM\s+STATE")
    c1.expect(r"\d+\s+name\s+system\s+\d+\s+\d+\s+[1-9]\d*K\s+receive-blocked")
    c1.expect(r"\d+\s+shell\s+system\s+\d+\s+\d+\s+[1-9]\d*K\s+running")


def alice_and_bob_talk(c2, c3):
    """alice on c2 and bob on c3 join the chat and greet each other."""
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    c2.line("hello bob")
    c3.expect(r"<alice> hello bob")
    c3.line("hi alice")
    c2.expect(r"<bob> hi alice")


def case_chat_two_users(c1, c2, c3):
    alice_and_bob_talk(c2, c3)
    # ps from the third terminal shows the chat clients waiting
    c1.line("ps")
    c1.expect(r"chat:alice\s+\d+\s+\d+\s+\d+\s+\d+K\s+receive-blocked")


def case_chat_flood_keeps_order(c1, c2, c3):
    posts = 1000
    c2.type("".join(f"flood {i}\r" for i in range(posts)))
    last = -1
    missed = 0
    while last < posts - 1:
        m = c3.expect(r"(<alice> flood (\d+)\n|\((\d+) lines? missed\))")
        if m.group(2) is not None:
            n = int(m.group(2))
            if n <= last:
                raise AssertionError(f"flood {n} after flood {last}: out of order")
            last = n
        else:
            missed += int(m.group(3))
    # the other user is not stalled: bob still gets through at once
    c3.line("still here")
    c2.expect(r"<bob> still here")
    if missed:
        print(f"  (bob was told of {missed} lines missed while alice flooded)")


def case_kill_from_another_terminal_refused(c1, c2, c3):
    # bob's chat was started by shell 3: shell 1 may not end it
    c1.line("kill chat:bob")
    c1.expect(r"kill: chat:bob: not started from this shell")
    c2.line("are you there")
    c3.expect(r"<alice> are you there")


def case_chat_quit(c1, c2, c3):
    c3.line("/quit")
    c2.expect(r"\* bob left\n")
    c3.expect(r"shell3> ")
    c3.line("chat bob")  # the nickname is free again
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    c3.line("/quit")
    c2.expect(r"\* bob left\n")
    c3.expect(r"shell3> ")
    c2.line("/quit")
    c2.expect(r"shell2> ")


def case_program_from_a_shell_gets_no_terminal(c1, c2, c3):
    # a plain app started on terminal 2 (apps/intruder) tries every port and
    # the system's names; it says what it got on terminal 2, through the
    # write-only lease its shell gave it, through which it can neither
    # read nor lend
    c2.line("start intruder")
    c2.expect(r"started intruder")
    for port in (1, 2, 3):
        c2.expect(rf"intruder: attach port {port}: (\w+)\n")
    c2.expect(r"intruder: listening")
    log = c2.mark
    c3.line("echo hunter2 is my password")
    c3.expect(r"\nhunter2 is my password\n")  # the shell still reads its terminal
    c2.expect(r"intruder: done\n", timeout=10)
    got = c2.seen[:c2.mark]
    for needle in ("serve console: ERR_NOT_PERMITTED", "serve chat: ERR_NOT_PERMITTED",
                   "attach port 3: ERR_NOT_PERMITTED", "write port 2: ERR_NOT_PERMITTED",
                   "attach with its lease: ERR_NOT_PERMITTED",
                   "lend with its lease: ERR_NOT_PERMITTED"):
        if needle not in got:
            raise AssertionError(f"terminal 2 lacks 'intruder: {needle}'")
    if "hunter2" in c2.seen[log:] or "[kernel] fake" in c1.seen + c2.seen + c3.seen:
        raise AssertionError("the intruder read or wrote a terminal")


# What apps/asyncdemo prints, in order (docs/async.md, "A worked example").
ASYNCDEMO = [
    "producer: put 0..2, requests in 50 ms: 0",
    "consumer: one pull: 4 messages, 0..3",
    *[f"producer: completion of {i}: OK" for i in range(4)],
    "producer: put 12: ERR_FULL",
    "consumer: one pull: 8 messages, 4..11",
    *[f"producer: completion of {i}: OK" for i in range(4, 12)],
    "consumer: one pull: 8 messages, 100..107",
    "consumer: one pull: 8 messages, 108..115",
    "producer: put 100..119, all OK",
    "consumer: one pull: 4 messages, 116..119",
    "consumer: ASYNCDEMO_STOP_MSG, exiting",
    *[f"producer: completion of {i}: ERR_ABORTED" for i in range(200, 203)],
    "producer: put 203: ERR_ABORTED",
    "producer: done",
]


def case_asyncdemo_runs_and_ends(c1, c2, c3):
    # the producer and the consumer write on the terminal lent to it, in
    # this order (the consumer runs above the producer), then all of its
    # tasks end and the shell reads again
    c2.line("run asyncdemo")
    lines = "".join(re.escape(line) + r"\n" for line in ASYNCDEMO)
    c2.expect(r"\n" + lines + r"shell2> ", timeout=10)
    c2.line("ps")
    m = c2.expect(r"ID\s+NAME[^\n]*\n((?:.*\n)*?)shell2> ")
    if "asyncdemo" in m.group(1):
        raise AssertionError(f"asyncdemo did not end: {m.group(1)!r}")


# What apps/ringdemo prints, in order (docs/memory.md, "A worked example").
RINGDEMO = [
    "consumer: mapping the ring writable: ERR_NOT_PERMITTED",
    "consumer: ring mapped read-only, read index read-write",
    "producer: ring of 8 slots shared, 20 messages to write",
    "consumer: 8 messages: 'message 0' .. 'message 7'",
    "consumer: 8 messages: 'message 8' .. 'message 15'",
    "consumer: 4 messages: 'message 16' .. 'message 19'",
    "consumer: the ring is closed and empty; exiting",
    "producer: the consumer has ended; mappings of the ring: 1",
    "producer: all our budget is back",
]


def case_ringdemo_runs_and_ends(c1, c2, c3):
    # the consumer runs below the producer, so the ring fills before each
    # batch it takes; both end, with every page back where it came from,
    # and the shell reads again
    c2.line("run ringdemo")
    lines = "".join(re.escape(line) + r"\n" for line in RINGDEMO)
    c2.expect(r"\n" + lines + r"shell2> ", timeout=10)
    c2.line("ps")
    m = c2.expect(r"ID\s+NAME[^\n]*\n((?:.*\n)*?)shell2> ")
    if "ringdemo" in m.group(1):
        raise AssertionError(f"ringdemo did not end: {m.group(1)!r}")


def case_test_task_from_another_terminal(c1, c2, c3):
    # started from shell 2, whose port is not the test task's concern: the
    # suite runs; each case runs in a child of its own, which has no
    # terminal, so its PASS line goes to the kernel log on COM1 (the
    # runner's own lines, such as the final count, go to terminal 2);
    # last, as it keeps running while the system is torn down
    c2.line("test")
    c1.expect(r"PASS \w+\n", timeout=30)


def run_cases(prefix, names):
    """Boot once and run the case_* functions of names (a module's
    globals) in order on its terminals; print PASS/FAIL
    <prefix>/<name> and the counts, and exit."""
    cases = [(n[5:], f) for n, f in names.items() if n.startswith("case_")]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        proc, terms = boot(Path(tmp))
        try:
            for name, fn in cases:
                try:
                    for t in terms:
                        t.settle(0.1)
                    fn(*terms)
                    print(f"PASS {prefix}/{name}", flush=True)
                    passed += 1
                except AssertionError as e:
                    print(f"FAIL {prefix}/{name}: {e}", flush=True)
                    failed += 1
        finally:
            proc.kill()
            proc.wait()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def main():
    run_cases("console", globals())


if __name__ == "__main__":
    run_cases("console", globals())
