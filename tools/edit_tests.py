#!/usr/bin/env python3
"""End-to-end tests of line editing on the terminals, as users see it.

Usage: edit_tests.py [BUILD_DIR]   (default: build, next to this folder)

Boots the default system as console_tests.py does, types keys on the
serial ports (arrows as the escape sequences a terminal sends) and checks
what runs and what the screen shows, through a model of an 80-column
terminal fed with the bytes the port sent. Prints `PASS edit/<name>` or
`FAIL edit/<name>: <reason>`, then `N passed, M failed`.
"""
import codecs
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from console_tests import WAIT, run_cases  # noqa: E402

LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
BACKSPACE, CTRL_C, CTRL_D, CTRL_U, CTRL_W = "\x7f", "\x03", "\x04", "\x15", "\x17"
COLUMNS = 80
CSI = re.compile(r"\x1b\[([0-9;?]*)([@-~])")


class Screen:
    """What a terminal of COLUMNS columns shows: the rows and the cursor.
    It knows what the console sends: CR, LF, BS, BEL, TAB, printable
    characters, ESC [ n C/D/A/B, ESC [ K, ESC [ H, ESC [ 2 J, ESC [ m."""

    def __init__(self, term):
        self.term = term
        self.done = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending = ""
        self.rows = [[]]
        self.row = self.col = 0

    def update(self):
        with self.term.lock:
            new = self.term.raw[self.done:]
            self.done = len(self.term.raw)
        text = self.pending + self.decoder.decode(new)
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\x1b":
                m = CSI.match(text, i)
                if not m:
                    if len(text) - i < 16:
                        break  # the rest of it is still coming
                    i += 1
                    continue
                self._sequence(m.group(1), m.group(2))
                i = m.end()
                continue
            self._char(c)
            i += 1
        self.pending = text[i:]

    def _line(self):
        while len(self.rows) <= self.row:
            self.rows.append([])
        return self.rows[self.row]

    def _char(self, c):
        if c == "\r":
            self.col = 0
        elif c == "\n":
            self.row += 1
        elif c == "\b":
            self.col = max(0, self.col - 1)
        elif c == "\t":
            self.col = min(COLUMNS - 1, (self.col // 8 + 1) * 8)
        elif c >= " " and c != "\x7f":
            if self.col >= COLUMNS:
                self.row, self.col = self.row + 1, 0
            line = self._line()
            line.extend(" " * (self.col + 1 - len(line)))
            line[self.col] = c
            self.col += 1

    def _sequence(self, params, final):
        n = int(params) if params.isdigit() else 1
        if final == "C":
            self.col = min(COLUMNS - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row += n
        elif final == "K":
            del self._line()[self.col:]
        elif final == "H":
            self.row, self.col = len(self.rows), 0  # a fresh screen below
        elif final == "J":
            pass

    def current(self):
        """The cursor's row (trailing blanks dropped) and column."""
        self.update()
        return "".join(self._line()).rstrip(), self.col

    def wait_row(self, text, col=None, timeout=WAIT):
        """Wait until the cursor's row shows text (and the cursor is at col)."""
        deadline = time.monotonic() + timeout
        while True:
            row, at = self.current()
            if row == text and (col is None or at == col):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the row shows {row!r} (cursor at {at}), "
                                     f"not {text!r}" + (f" at {col}" if col is not None else ""))
            time.sleep(0.02)


def since(term, start):
    with term.lock:
        return term.seen[start:]


def run_and_collect(term, prompt, command):
    """Type command; what it printed, up to the next prompt."""
    term.line(command)
    start = term.mark
    term.expect(re.escape(prompt))
    return term.seen[start:term.mark]


def case_long_line_runs_whole(c1, c2, c3):
    # 127 characters: the old limit cut it after the a's and ran "ps"
    text = "a" * 122 + "ps"
    start = c1.mark
    c1.line("echo " + text)
    c1.expect("\n" + text + "\n")
    c1.expect(r"shell1> ")
    time.sleep(0.5)
    if "PRIO" in since(c1, start):
        raise AssertionError("the end of the line ran as a command (ps)")


def case_too_long_line_is_refused(c1, c2, c3):
    start = c1.mark
    c1.type("echo " + "b" * 2000 + "\r")
    c1.expect(r"\(line too long: at most 1023 bytes; not sent\)\nshell1> ")
    got = since(c1, start)
    if "b" * 100 in got.replace("\x1b[K", "\n"):
        raise AssertionError("part of the line ran")
    if got.count("\a") != 1:
        raise AssertionError(f"{got.count(chr(7))} bells, not 1")
    c1.line("echo next")
    c1.expect(r"\nnext\n")


def case_fix_a_typo_with_cursor_keys(c1, c2, c3):
    c1.type("ecoh" + LEFT + BACKSPACE + RIGHT + "o fixed\r")
    c1.expect(r"\nfixed\n")
    c1.type("ech o" + "\x1bOD" * 2 + DELETE + "\x1bOC" + "\x02\x06" + " x\r")
    c1.expect(r"\nx\n")  # "echo x", through SS3 keys, Delete, Ctrl-B/F


def case_home_and_end(c1, c2, c3):
    c1.type("cho hi" + HOME + "e" + END + "!\r")
    c1.expect(r"\nhi!\n")
    c1.type("ho there\x01ec\x05.\r")  # Ctrl-A, Ctrl-E
    c1.expect(r"\nthere\.\n")
    c1.type("cho 1 4" + "\x1b[1~" + "e" + "\x1b[4~" + "\r")
    c1.expect(r"\n1 4\n")


def case_erase_line_and_word(c1, c2, c3):
    c1.type("rubbish" + CTRL_U + "echo one two" + CTRL_W + "three\r")
    c1.expect(r"\none three\n")
    c1.type("echo keep this" + LEFT * 5 + "\x0b" + "\r")  # Ctrl-K
    c1.expect(r"\nkeep\n")
    c1.type("echo two one" + "\x1b[1;5D" * 2 + "\x1b[1;5C" + " three" + "\r")
    c1.expect(r"\ntwo three one\n")  # Ctrl-Left twice, Ctrl-Right


def case_backspace_takes_a_whole_character(c1, c2, c3):
    with c1.lock:
        start = len(c1.raw)
    c1.type("echo café" + BACKSPACE + "e\r")
    c1.expect(r"\ncafe\n")
    c1.type("echo 😀€x" + LEFT + BACKSPACE + BACKSPACE + "\r")
    c1.expect(r"\nx\n")
    with c1.lock:
        sent = c1.raw[start:]
    try:
        sent.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError(f"the terminal got invalid UTF-8: {e}")


def case_history_up_and_down(c1, c2, c3):
    c1.line("echo first")
    c1.expect(r"\nfirst\nshell1> ")
    c1.type("echo sec" + UP + "\r")  # the previous command again
    c1.expect(r"\nfirst\n")
    c1.type("echo partial" + UP + UP + DOWN + DOWN + "\r")
    c1.expect(r"\npartial\n")
    c1.type("\x10\x10\r")  # Ctrl-P twice: "echo first"
    c1.expect(r"\nfirst\n")


def case_typo_gets_a_suggestion(c1, c2, c3):
    c1.line("HELP")
    c1.expect(r"HELP: unknown command; did you mean 'help'\?")
    c1.line("sp")
    c1.expect(r"sp: unknown command; did you mean 'ps'\?")
    c1.line("rst")  # two edits from ps: too far for a short word
    c1.expect(r"rst: unknown command \(try 'help'\)")


def case_unknown_keys_are_swallowed(c1, c2, c3):
    c1.type("echo a\x1b[1;5Ab\x1bOPc\x1b[200~d\x1b[15~e\r")
    c1.expect(r"\nabcde\n")


def case_c1_and_tab_are_inserted_one_column_each(c1, c2, c3):
    # a C1 control shows as U+FFFD and a tab as a space; neither is sent raw
    screen = Screen(c1)
    with c1.lock:
        start = len(c1.raw)
    c1.type_bytes(b"echo a\tb\xc2\x9bc")
    screen.wait_row("shell1> echo a b\ufffdc", col=18)
    c1.type(LEFT * 2 + "x")  # a redraw
    screen.wait_row("shell1> echo a bx\ufffdc", col=17)
    with c1.lock:
        sent = c1.raw[start:]
    if re.search(rb"\xc2[\x80-\x9f]|\t", sent):
        raise AssertionError(f"the terminal got a C1 control or a tab: {sent!r}")
    c1.type(END + CTRL_U + "echo ok\r")
    c1.expect(r"\nok\n")


def case_what_cannot_be_typed_rings(c1, c2, c3):
    # invalid UTF-8, a control character that is no key, Alt-x: a bell for
    # each burst, nothing inserted
    start = c1.mark
    c1.type_bytes(b"echo a\xff\x0fb\x1bxc\r")
    c1.expect(r"\nabc\n")
    if since(c1, start).count("\a") != 2:
        raise AssertionError(f"{since(c1, start).count(chr(7))} bells, not 2")


def case_ctrl_c_at_the_prompt(c1, c2, c3):
    screen = Screen(c1)
    c1.type("echo not this" + CTRL_C)
    c1.expect(r"\^C\n")
    screen.wait_row("shell1>", col=8)
    c1.line("echo ok")
    c1.expect(r"\nok\n")
    if "not this\n" in c1.seen[c1.mark - 200:]:
        raise AssertionError("the interrupted line ran")


def case_ctrl_d_at_the_prompt(c1, c2, c3):
    c1.type(CTRL_D)
    c1.expect(r"\nshell1> ")
    c1.line("echo still here")
    c1.expect(r"\nstill here\n")


def case_type_ahead_follows_the_prompt(c1, c2, c3):
    screen = Screen(c1)
    c1.type("names\rec")  # typed before the shell prompts again
    c1.expect(r"names\n")
    screen.wait_row("shell1> ec", col=10)
    c1.type("ho ahead\r")
    c1.expect(r"\nahead\n")


class Model:
    """What the line should hold after each key, kept apart from the
    console's editor: a list of characters and a cursor."""

    def __init__(self):
        self.text, self.cur = [], 0

    def key(self, k):
        t, c = self.text, self.cur
        if len(k) == 1 and k >= " " and k != BACKSPACE:
            t.insert(c, k)
            self.cur += 1
        elif k == LEFT:
            self.cur = max(0, c - 1)
        elif k == RIGHT:
            self.cur = min(len(t), c + 1)
        elif k == HOME:
            self.cur = 0
        elif k == END:
            self.cur = len(t)
        elif k == BACKSPACE and c > 0:
            del t[c - 1]
            self.cur -= 1
        elif k == DELETE and c < len(t):
            del t[c]
        elif k == CTRL_U:
            del t[:c]
            self.cur = 0
        elif k == CTRL_W:
            i = c
            while i > 0 and t[i - 1] == " ":
                i -= 1
            while i > 0 and t[i - 1] != " ":
                i -= 1
            del t[i:c]
            self.cur = i
        elif k == "\x0b":  # Ctrl-K
            del t[c:]


def case_random_edits_match_a_model(c1, c2, c3):
    # the screen shows a window on the line, the cursor on the model's
    # character; Home, "echo :" and Enter then print the line
    keys = list("abcde  é€") + [LEFT, RIGHT, HOME, END, BACKSPACE, DELETE,
                                CTRL_U, CTRL_W, "\x0b"]
    rng = random.Random(11)
    screen = Screen(c1)
    view = COLUMNS - 1 - len("shell1> ")
    for _ in range(12):
        model = Model()
        for _ in range(rng.randrange(20, 120)):
            k = rng.choice(keys[:9] * 3 + keys)  # more text than edits
            model.key(k)
            c1.type(k)
        text = "".join(model.text)
        deadline = time.monotonic() + WAIT
        while True:
            row, col = screen.current()
            off = model.cur - (col - 8)
            shown = text[off:off + view].rstrip() if off >= 0 else None
            if row.startswith("shell1>") and row[8:] == shown:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the row shows {row!r} (cursor at {col}) "
                                     f"for {text!r}, cursor at {model.cur}")
            time.sleep(0.02)
        c1.type(HOME + "echo :\r")
        c1.expect("\n:" + re.escape(text) + "\n")
        c1.expect("shell1> ")


def chat_members(term):
    """The chat clients that ps lists (loosely: any task named after the
    chat but the server)."""
    out = run_and_collect(term, "shell2> ", "ps")
    return [l for l in out.split("\n")
            if re.match(r"\d+\s+chat", l) and not re.match(r"\d+\s+chat-server", l)]


def case_ctrl_c_ends_the_program_in_the_foreground(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c2.type("typed for chat" + CTRL_C)
    c2.expect(r"\^C\n")
    c2.expect(r"shell2> ")
    members = chat_members(c2)
    if members:
        raise AssertionError(f"ps still shows {members}")
    c2.line("echo back")
    c2.expect(r"\nback\n")


def case_chat_line_arrives_while_typing(c1, c2, c3):
    c2.line("chat alice")
    c2.expect(r"\* alice joined")
    c3.line("chat bob")
    c3.expect(r"\* bob joined")
    c2.expect(r"\* bob joined")
    screen = Screen(c2)
    c2.type("half a li" + LEFT)
    screen.wait_row("half a li", col=8)
    c3.line("hello alice")
    c2.expect(r"<bob> hello alice\n")
    screen.wait_row("half a li", col=8)  # redrawn, the cursor where it was
    c2.type(END + "ne\r")
    c3.expect(r"<alice> half a line\n")
    c3.line("/quit")
    c3.expect(r"shell3> ")
    c2.line("/quit")
    c2.expect(r"shell2> ")


def case_a_prompt_printed_after_type_ahead_is_not_the_next_readers(c1, c2, c3):
    # "chat dave" is typed before chat has quit: the shell prompts after
    # it, and that prompt is not the new chat's
    c2.line("chat carol")
    c2.expect(r"\* carol joined\n")
    screen = Screen(c2)
    c2.type("/quit\rchat dave\r")
    c2.expect(r"\* dave joined\n")
    c2.type("partial")
    screen.wait_row("partial", col=7)
    c2.type(CTRL_U + "/quit\r")
    c2.expect(r"shell2> ")


def case_history_is_kept_per_reader(c1, c2, c3):
    # the shell's own history: no chat line in it
    c2.line("echo from the shell")
    c2.expect(r"\nfrom the shell\n")
    c2.line("chat carol")
    c2.expect(r"\* carol joined")
    c2.line("said in chat")
    c2.expect(r"<carol> said in chat")
    c2.line("/quit")
    c2.expect(r"shell2> ")
    screen = Screen(c2)
    c2.type(UP)
    screen.wait_row("shell2> chat carol")  # not "/quit", nor the post
    c2.type(UP + "\r")
    c2.expect(r"\nfrom the shell\n")


def case_ctrl_c_gets_past_lines_typed_ahead(c1, c2, c3):
    # the test task does not read the terminal: lines typed meanwhile wait
    # for the shell, more than the console queues (CONSOLE_LINES_QUEUED);
    # Ctrl-C still ends it and drops them. Last: it leaves the test's
    # children running.
    c2.line("test")
    c1.expect(r"PASS \w+\n", timeout=30)
    start = c2.mark
    c2.type("".join(f"echo ahead{i}\r" for i in range(10)) + CTRL_C)
    c2.expect(r"\^C\n")
    c2.expect(r"shell2> ", timeout=30)
    c2.line("echo after")  # read: the shell has no foreground program
    c2.expect(r"\nafter\n", timeout=30)
    if re.search(r"(?m)^ahead\d", since(c2, start)):
        raise AssertionError("a line typed before Ctrl-C ran")


if __name__ == "__main__":
    run_cases("edit", globals())
