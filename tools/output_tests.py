#!/usr/bin/env python3
"""End-to-end tests of console output and terminal leases, as users see them.

Usage: output_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system like tools/console_tests.py (a shell on each of
COM1..COM3, every port on a local socket) and checks that a terminal that
stops reading loses no line silently, that a program started in the
background writes on its shell's terminal, and that a terminal lent to a
program is taken back when it ends, whoever it passed it on to. Prints
`PASS output/<name>` or `FAIL output/<name>: <reason>`, then `N passed, M
failed`.
"""
import re

from console_tests import run_cases

FLOOD = 400  # posts while a terminal is paused: far more than it buffers
PAD = "x" * 40  # each post's tail, so that the flood outgrows every buffer
STARTS = 10  # background programs, one after the other: more than leases


ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # a prompt's redrawing


def check_whole_lines(text, who):
    """Every flood line is whole and in order: no line cut or spliced.
    Whatever a line editor draws before a line (a prompt) is allowed."""
    last = -1
    for line in ESCAPE.sub("", text).split("\n"):
        if "flood" not in line and "xxxx" not in line:
            continue
        m = re.search(rf"<alice> flood (\d+) {PAD}$", line)
        if not m or line.count("flood") != 1:
            raise AssertionError(f"{who} shows a cut line: {line!r}")
        if int(m.group(1)) <= last:
            raise AssertionError(f"{who}: flood {m.group(1)} after flood {last}")
        last = int(m.group(1))
    return last


def case_paused_terminal_during_a_flood(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    c3.pause()  # bob stops reading his terminal
    try:
        c2.type("".join(f"flood {i} {PAD}\r" for i in range(FLOOD)))
        c2.expect(rf"<alice> flood {FLOOD - 1} {PAD}\n", timeout=120)
        c1.line("echo not stalled")  # the other terminals carry on
        c1.expect(r"\nnot stalled\n")
    finally:
        c3.resume()
    m = c3.expect(r"\((\d+) (lines? missed|characters? lost)\)")
    print(f"  (bob was told: {m.group(0)})")
    c3.expect(rf"<alice> flood {FLOOD - 1} {PAD}\n", timeout=60)
    with c3.lock:
        shown = c3.seen
    check_whole_lines(shown, "the paused terminal")
    c3.line("back again")  # and bob is still in the chat
    c2.expect(r"<bob> back again")
    c3.line("/quit")
    c3.expect(r"shell3> ")
    c2.line("/quit")
    c2.expect(r"shell2> ")


def case_background_program_writes_on_its_terminal(c1, c2, c3):
    # more programs than a port has leases, one after the other: each
    # gets one, and gives it back when it ends
    for _ in range(STARTS):
        mark = c2.mark
        c2.line("start hello")
        c2.expect(r"hello: hello from user space!\n")
        c2.mark = mark
        c2.expect(r"started hello \(id \d+\)\n")
        c2.expect(r"shell2> ")
    c2.settle(0.5)
    if "without a terminal" in c2.seen:
        raise AssertionError("a background program got no terminal")
    if "hello from user space" in c1.seen + c3.seen:
        raise AssertionError("hello's line went to the kernel log or another terminal")


def case_foreground_program_loses_the_terminal_it_passed_on(c1, c2, c3):
    # an intruder in the background on terminal 1 keeps what it is given;
    # one run in the foreground on terminal 2 gives it a copy of its
    # terminal's lease and ends
    c1.line("start intruder")
    c1.expect(r"intruder: listening\n")
    mark = c2.mark
    c2.line("run intruder")
    c2.expect(r"intruder: writing on a kept terminal\n")  # the copy worked
    c2.mark = mark
    c2.expect(r"intruder: gave my terminal away: OK\n")
    c2.expect(r"shell2> ")
    c1.expect(r"intruder: kept a terminal: attach OK\n")
    c1.expect(r"intruder: kept terminal after its lender: "
              r"write ERR_NOT_PERMITTED, attach ERR_NOT_PERMITTED\n", timeout=30)
    c2.line("echo mine again")  # the shell reads its terminal again
    c2.expect(r"\nmine again\n")
    c1.expect(r"intruder: done\n", timeout=30)


if __name__ == "__main__":
    run_cases("output", globals())
