#!/usr/bin/env python3
"""End-to-end tests of the chat as its users see it: what another member's
text can do to your terminal, nicknames, over-long posts, leaving.

Usage: chat_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system with every serial port on a local socket (see
console_tests.py), puts alice in the chat on COM2 and bob on COM3, and
checks the bytes their terminals receive. Prints `PASS chat/<name>` or
`FAIL chat/<name>: <reason>`, then `N passed, M failed`.
"""
import re

import genidl
from console_tests import ROOT, run_cases


def constant(name):
    """A constant of the protocols (the IDL's): the tests follow the limits
    the code has, whatever they are."""
    return {c.macro: c.value for c in genidl.parse(genidl.default_paths(ROOT))[2]}[name]


CHAT_TEXT_MAX = constant("CHAT_TEXT_MAX")
CONSOLE_LINE_MAX = constant("CONSOLE_LINE_MAX")


def check_shows_as_text(line):
    """A line of chat as a terminal receives it: valid UTF-8, and nothing a
    terminal acts on (C0 but tab, DEL, C1)."""
    try:
        text = line.decode()
    except UnicodeDecodeError as e:
        raise AssertionError(f"not UTF-8 ({e}): {line!r}")
    bad = [c for c in text if (ord(c) < 0x20 and c != "\t") or 0x7f <= ord(c) < 0xa0]
    if bad:
        raise AssertionError(f"raw control characters {bad!r} reached the terminal: {line!r}")
    return text


def received_line(term, prefix):
    """The next line that starts with prefix, raw, without its CR LF."""
    return term.expect_raw(re.escape(prefix) + rb"(.*?)\r\n")[1]


def case_two_users_join(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")


def case_escape_and_c1_in_a_post_arrive_escaped(c1, c2, c3):
    # ESC sequences, a raw 8-bit CSI (0x9b) and U+009B encoded: a console
    # that lets them into the line gets them escaped at the other end, one
    # that keeps them out leaves them out; none arrives raw.
    c2.type_bytes(b"esc \x1b[31mred c1 \x9b2J u+009b \xc2\x9b2J end\r")
    text = check_shows_as_text(received_line(c3, b"<alice> esc "))
    if not re.fullmatch(r"(\^\[)?(\[31m)?red c1 (\\x9b)?2J u\+009b (<U\+009B>)?2J end", text):
        raise AssertionError(f"bob's terminal shows {text!r}")
    # the author's own copy of the line is the same text
    mine = check_shows_as_text(received_line(c2, b"<alice> esc "))
    if mine != text:
        raise AssertionError(f"alice sees {mine!r}, bob {text!r}")


def case_utf8_passes_unchanged(c1, c2, c3):
    c2.line("café ☕ 😀 ok")
    got = received_line(c3, b"<alice> ")
    if got != "café ☕ 😀 ok".encode():
        raise AssertionError(f"bob's terminal got {got!r}")


def case_nickname_with_control_character_refused(c1, c2, c3):
    # U+009B, a C1 control: refused with the reason, never joined as "abcd"
    c1.type_bytes(b"chat ab\xc2\x9bcd\r")
    c1.expect(r"nickname may not contain control characters")
    c1.expect(r"shell1> ")
    c2.line("still alone")
    c2.expect(r"<alice> still alone")
    c3.expect(r"<alice> still alone")
    if re.search(r"\* ab.*cd joined", c2.seen + c3.seen):
        raise AssertionError("a nickname with a control character joined")


def case_nickname_with_space_or_too_long_refused(c1, c2, c3):
    c1.line("chat " + "n" * 16)
    c1.expect(r"a nickname is at most 15 bytes")
    c1.expect(r"shell1> ")
    c1.line("chat wide\u00a0space")  # a no-break space: a blank in a name
    c1.expect(r"nickname may not contain spaces")
    c1.expect(r"shell1> ")


def case_over_long_post_refused_whole(c1, c2, c3):
    if CONSOLE_LINE_MAX - 1 <= CHAT_TEXT_MAX:
        raise AssertionError(f"the console delivers lines of at most {CONSOLE_LINE_MAX - 1} "
                             f"bytes, no more than a post ({CHAT_TEXT_MAX})")
    length = min(CHAT_TEXT_MAX + 40, CONSOLE_LINE_MAX - 1)
    c2.line("y" * length)
    c2.expect(rf"\(not sent: the line is {length} bytes; a post is at most {CHAT_TEXT_MAX}\)")
    c2.line("z" * CHAT_TEXT_MAX)  # at the limit: one post, whole
    got = received_line(c3, b"<alice> ")
    if got != b"z" * CHAT_TEXT_MAX:
        raise AssertionError(f"bob got {got[:40]!r}... ({len(got)} bytes) first")
    if "yyyyyyyy" in c3.seen:
        raise AssertionError("part of the over-long line was posted")


def case_quit_leaves_with_a_goodbye(c1, c2, c3):
    c3.line("/quit")
    c3.expect(r"chat: you left the chat\n")
    c3.expect(r"shell3> ")
    c2.expect(r"\* bob left\n")


def case_ctrl_d_at_an_empty_prompt_leaves(c1, c2, c3):
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    c3.type("\x04")
    c3.expect(r"chat: you left the chat\n")
    c3.expect(r"shell3> ")
    c2.expect(r"\* bob left\n")
    c3.line("echo back")
    c3.expect(r"\nback\n")  # the shell reads its terminal again


def case_members_rejoin_a_restarted_chat_server(c1, c2, c3):
    # last: it ends the chat server, from the operator's shell (COM1),
    # and init starts it again.
    c3.line("chat bob")  # alice is still in the chat on COM2
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    c1.line("kill chat-server")
    m = c1.expect(r"(killed \d+|kill: chat-server: [^\n]*)\n")
    if m[1].startswith("kill:"):
        raise AssertionError(f"the operator's shell may not end the chat server ({m[1]!r})")
    for term, nick in ((c2, "alice"), (c3, "bob")):
        term.expect(r"\(the chat server stopped; rejoining\.\.\.\)")
        term.expect(rf"\(rejoined as {nick}\)")
    c2.line("after the restart")
    c3.expect(r"<alice> after the restart")
    c2.expect(r"<alice> after the restart")
    c3.line("/quit")
    c2.expect(r"\* bob left\n")
    c2.line("/quit")
    c2.expect(r"shell2> ")


if __name__ == "__main__":
    run_cases("chat", globals())
