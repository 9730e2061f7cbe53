#!/usr/bin/env python3
"""End-to-end tests of supervision: system servers killed and restarted.

Usage: supervision_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system (console_tests.boot: three terminals on COM1..COM3)
and, from the operator's shell on COM1, kills the console, the name server
and the chat server in turn; after each, every terminal must answer again
and two users must be able to chat. Also checks who may kill a system task,
that `ps` shows what chat clients wait for, that a chat client is never
named like a system task, and that a server which keeps ending is left
down (docs/supervision.md). Prints `PASS supervise/<name>` or `FAIL
supervise/<name>: <reason>`, then `N passed, M failed`.
"""
import re

import console_tests
from console_tests import run_cases

BUILD = console_tests.BUILD


def config(name, default):
    """A value from the build's configuration (build/config.mk)."""
    try:
        text = (BUILD / "config.mk").read_text()
    except OSError:
        return default
    m = re.search(rf"^CONFIG_{name}=(\d+)$", text, re.M)
    return int(m.group(1)) if m else default


RESTART_MAX = config("INIT_RESTART_MAX", 3)


def answers(terms):
    """Every terminal runs a command again."""
    for i, t in enumerate(terms):
        t.line("echo hi")
        t.expect(r"\nhi\n")
        t.expect(rf"shell{i + 1}> ")


def chat_works(c2, c3, a="alice", b="bob"):
    c2.line(f"chat {a}")
    c2.expect(rf"\* {a} joined")
    c3.line(f"chat {b}")
    c3.expect(rf"\* {b} joined")
    c2.expect(rf"\* {b} joined")
    c2.line(f"hello {b}")
    c3.expect(rf"<{a}> hello {b}")
    c3.line("/quit")
    c3.expect(r"shell3> ")
    c2.line("/quit")
    c2.expect(r"shell2> ")


def ps(term):
    """What one `ps` on term shows, header to prompt."""
    term.line("ps")
    term.expect(r"ID\s+NAME\s+BY\s+PRIO")
    start = term.mark
    term.expect(r"shell\d> ")
    return "\n" + term.seen[start:term.mark]


def ps_until(term, pattern, tries=10):
    """The first match of pattern in a `ps`, asked again while a task is
    caught running rather than waiting."""
    for _ in range(tries):
        m = re.search(pattern, ps(term))
        if m:
            return m
        term.settle(0.3)
    raise AssertionError(f"no {pattern!r} in ps: {ps(term)!r}")


def system_task_id(term, name):
    """The id `ps` gives the system task `name` (None if there is none)."""
    ids = re.findall(rf"\n(\d+)\s+{re.escape(name)}\s+system\s", ps(term))
    return ids[-1] if ids else None


def case_ps_shows_what_chat_clients_wait_for(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    for nick in ("alice", "bob"):
        m = ps_until(c1, rf"chat:{nick}\s+\d+\s+\d+\s+\d+\s+\d+K\s+receive-blocked "
                     r"\(woken by ([^)\n]*)\)")
        wakers = m.group(1).split(", ")
        if "console" not in wakers or "chat-server" not in wakers:
            raise AssertionError(f"chat:{nick} is woken by {wakers}")
    ps_until(c1, r"\d+\s+console\s+system\s+\d+\s+\d+\s+\d+K\s+receive-blocked")
    c3.line("/quit")
    c3.expect(r"shell3> ")
    c2.line("/quit")
    c2.expect(r"shell2> ")


def case_chat_server_nickname_names_no_system_task(c1, c2, c3):
    before = system_task_id(c1, "chat-server")
    c2.line("chat server")
    c2.expect(r"\* server joined")
    ps_until(c1, r"\d+\s+chat:server\s+\d+\s")
    c3.line("kill chat-server")  # not the operator's shell: refused
    c3.expect(r"kill: chat-server: not started from this shell")
    c2.line("/quit")
    c2.expect(r"shell2> ")
    if system_task_id(c1, "chat-server") != before:
        raise AssertionError("the system's chat server was ended")


def case_kill_console_from_shell_2_refused(c1, c2, c3):
    c2.line("kill console")
    c2.expect(r"kill: console: not started from this shell")
    c2.line("kill name")
    c2.expect(r"kill: name: not started from this shell")
    answers([c1, c2, c3])


def case_kill_console(c1, c2, c3):
    c1.line("kill console")
    c1.expect(r"\[init\] console ended \(killed[^)]*\); restarting it "
              rf"\(\d+ of {RESTART_MAX}")
    for i, t in enumerate((c1, c2, c3)):
        t.expect(r"the console was restarted")
        t.expect(rf"shell{i + 1}> ")
    answers([c1, c2, c3])
    chat_works(c2, c3)


def case_kill_name_server(c1, c2, c3):
    c1.line("kill name")
    c1.expect(r"\[init\] name ended \(killed[^)]*\); restarting it")
    for _ in range(20):  # the servers register again as they learn of it
        start = c1.mark
        c1.line("names")
        c1.expect(r"\(\d+ names\)")
        listed = c1.seen[start:c1.mark]
        if "console\n" in listed and "chat\n" in listed:
            break
        c1.settle(0.3)
    else:
        raise AssertionError(f"names shows {listed!r}")
    answers([c1, c2, c3])
    chat_works(c2, c3)


def case_kill_chat_server(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c1.line("kill chat-server")
    c1.expect(r"\[init\] chat-server ended \(killed[^)]*\); restarting it")
    c2.expect(r"\(the chat server stopped; rejoining\.\.\.\)")
    c2.expect(r"\(rejoined as alice\)")
    c2.line("/quit")
    c2.expect(r"shell2> ")
    answers([c1, c2, c3])
    chat_works(c2, c3)


def case_kill_shell(c1, c2, c3):
    # the shells are system tasks too: the operator ends shell 2 by id
    c1.line("kill shell")
    c1.expect(r"kill: shell: several tasks have that name; give an id")
    shells = re.findall(r"\n(\d+)\s+shell\s+system\s", ps(c1))
    if len(shells) != 3:
        raise AssertionError(f"ps shows the shells {shells}")
    c1.line(f"kill {shells[1]}")  # copies in slot order: port 2's
    c1.expect(r"\[init\] shell 2 ended \(killed\); restarting it")
    c2.expect(r"shell on port 2")
    c2.expect(r"shell2> ")
    answers([c1, c2, c3])


def case_server_ending_too_often_stays_down(c1, c2, c3):
    # last: the chat server stays down from here on
    for kills in range(1, RESTART_MAX + 2):
        c1.line("kill chat-server")
        m = c1.expect(r"\[init\] chat-server ended (?:\(killed[^)]*\); "
                      r"restarting it \((\d+) of \d+|(\d+) times within "
                      r"\d+ s; not restarting it)")
        if m.group(2):
            break
    else:
        raise AssertionError(f"restarted after {RESTART_MAX + 1} kills")
    if int(m.group(2)) <= RESTART_MAX:
        raise AssertionError(f"left down after {m.group(2)} ends")
    if system_task_id(c1, "chat-server") is not None:
        raise AssertionError("a chat server runs")
    c1.line("kill chat-server")
    c1.expect(r"kill: chat-server: not found")
    answers([c1, c2, c3])


def main():
    run_cases("supervise", globals())


if __name__ == "__main__":
    main()
