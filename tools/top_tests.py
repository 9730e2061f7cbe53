#!/usr/bin/env python3
"""End-to-end tests of the shell's `top`, on real terminals.

Usage: top_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system like tools/console_tests.py and checks that `top`
redraws a table every second with the tasks' CPU share and IPC rate over
the last interval, that the figures follow what the system does (a chat
makes IPC, `spin` takes the CPU), and that Ctrl-C or Enter gives the
prompt back. Prints `PASS top/<name>` or `FAIL top/<name>: <reason>`, then
`N passed, M failed`.
"""
import re
import time

from console_tests import run_cases

ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\d+\.\d)\s+(\d+)\s+(\d+\.\d\d) (.*)$", re.M)
CLEAR = "\x1b[H\x1b[2J"


def tables(text):
    """Each table drawn: {name: (cpu %, ipc/s)} per refresh, in order."""
    out = []
    for part in text.split(CLEAR)[1:]:
        rows = {}
        for m in ROW.finditer(part):
            rows.setdefault(m[2], []).append((float(m[3]), int(m[4])))
        out.append(rows)
    return out


def run_top(term, count, timeout=15):
    """The tables of `top COUNT`, once it has ended."""
    start = len(term.seen)
    term.line(f"top {count}")
    term.expect(rf" {count} of {count},", timeout=timeout)
    term.expect(r"shell1> ")
    return tables(term.seen[start:])


def case_two_refreshes_of_every_task(c1, c2, c3):
    shown = run_top(c1, 2)
    if len(shown) != 2:
        raise AssertionError(f"{len(shown)} tables for `top 2`")
    for rows in shown:
        for task in ("init", "name", "console", "chat-server", "shell"):
            if task not in rows:
                raise AssertionError(f"no row for {task}: {sorted(rows)}")
        if len(rows["shell"]) != 3:
            raise AssertionError(f"{len(rows['shell'])} shells shown")
        total = sum(cpu for rs in rows.values() for cpu, _ in rs)
        if total > 101:
            raise AssertionError(f"CPU shares add up to {total} %")
    if "top: up " not in c1.seen or "1 of 2," not in c1.seen:
        raise AssertionError("no header line")


def case_a_chat_shows_as_ipc(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c1.line("top 3")
    for i in range(60):
        c2.line(f"ping {i}")
    c1.expect(r"3 of 3,")
    m = c1.expect(r"((?:.|\n)*?)shell1> ")
    busy = [rows for rows in tables(c1.seen) if
            sum(ipc for _, ipc in rows.get("chat-server", [])) > 0 and
            sum(ipc for _, ipc in rows.get("chat:alice", [])) > 0]
    if not busy:
        raise AssertionError("no table shows the chat's IPC: " + m.group(1)[-600:])
    for t in (c2, c3):
        t.type("\x04")
        t.expect(r"shell\d> ")


def no_table_after(term, seconds=1.6):
    """Nothing more is drawn for longer than an interval."""
    term.settle(seconds)
    time.sleep(0.2)
    with term.lock:
        if CLEAR in term.seen[term.mark:]:
            raise AssertionError("top draws on after it ended")


def stops_on(term, keys):
    """`top` with no count ends when keys are typed, draws no more, and
    the shell reads on."""
    term.line("top")
    term.expect(r"CPU%\s+IPC/s", timeout=5)
    term.type(keys)
    term.expect(r"shell1> ", timeout=5)
    no_table_after(term)
    term.line("echo still here")
    term.expect(r"still here\n")


def case_ctrl_c_stops_it(c1, c2, c3):
    stops_on(c1, "\x03")


def case_enter_stops_it(c1, c2, c3):
    stops_on(c1, "\r")


def case_other_terminals_go_on(c1, c2, c3):
    c1.line("top 3")
    c2.line("echo while top runs")
    c2.expect(r"while top runs\n", timeout=3)
    c1.expect(r"shell1> ", timeout=10)


def case_a_busy_task_shows_its_cpu(c1, c2, c3):
    c3.line("start spin")  # busy for 5 s, below the shells' priority
    c3.expect(r"shell3> ")
    shown = run_top(c1, 2)
    cpu = [c for rows in shown for c, _ in rows.get("spin", [])]
    if not cpu or min(cpu) < 50:
        raise AssertionError(f"spin's CPU share is {cpu} %")


def tables_until(term, want, timeout=15):
    """Refreshes drawn from now on, until want(rows) holds for one."""
    start = len(term.seen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with term.lock:
            drawn = term.seen[start:]
        shown = tables(drawn)[:-1]  # the last may be half drawn
        if any(want(rows) for rows in shown):
            return
        time.sleep(0.1)
    raise AssertionError(f"no such table within {timeout} s: {shown[-1:]}")


def case_a_task_comes_and_goes(c1, c2, c3):
    # between two samples: a task that starts counts from 0, one that
    # ends drops out
    c1.line("top")
    tables_until(c1, lambda rows: "spin" not in rows)
    c3.line("start spin")  # busy for 5 s, then ends
    c3.expect(r"started spin")
    tables_until(c1, lambda rows: rows.get("spin", [(0, 0)])[0][0] >= 50)
    tables_until(c1, lambda rows: "spin" not in rows)
    c1.line("")
    c1.expect(r"shell1> ")
    no_table_after(c1)


def case_bad_counts_refused(c1, c2, c3):
    for bad in ("top 0", "top x", "top 1 2", "top 100001"):
        c1.line(bad)
        c1.expect(r"usage: top \[refreshes\]")
        c1.expect(r"shell1> ")
    no_table_after(c1)


if __name__ == "__main__":
    run_cases("top", globals())
