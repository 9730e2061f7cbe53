"""tools/trace.py and friends: streams made up here, converted and checked."""
import importlib.util
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOOLS))
import trace_check  # noqa: E402
import trace_html  # noqa: E402
import trace_stream  # noqa: E402
from trace_abi import Abi  # noqa: E402

# tools/trace.py under another name: `trace` is also a standard module.
_spec = importlib.util.spec_from_file_location("trace_tool", TOOLS / "trace.py")
trace_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trace_tool)

ABI = Abi()
INIT, NAME, CONSOLE, SHELL, CHAT = 0x101, 0x102, 0x103, 0x104, 0x105
SHELL2 = 0x204  # slot 4 again, a new generation: a restarted shell
TYPE = ABI.kind  # not a message type: the kind numbers, by name
MSG = {v: k for k, v in ABI.msg_types.items()}
ERR = {v: k for k, v in ABI.errors.items()}


def convert(data):
    tl = trace_tool.Timeline(trace_stream.read(data, ABI), ABI)
    return tl, trace_tool.chrome_json(tl)


def named(w, tsc=0):
    for tid, name in ((INIT, "init"), (NAME, "name"), (CONSOLE, "console"),
                      (SHELL, "shell"), (CHAT, "chat-server")):
        w.name(tsc, tid, name)
    return w


def events(doc, **match):
    return [e for e in doc["traceEvents"]
            if all(e.get(k) == v for k, v in match.items())]


def every_kind():
    """One stream with each kind of event in it, as the kernel would order them."""
    w = named(trace_stream.Writer()).clock(10, 0)
    w.switch(100, 0, INIT)
    w.create(110, INIT, SHELL, 5)
    w.handle(120, INIT, SHELL, 1, 0x7, moved=True)
    w.call(200, SHELL, CONSOLE, MSG["CONSOLE_WRITE_MSG"], ool=12)
    w.block(201, SHELL, "BLOCK_REPLY", CONSOLE)
    w.switch(210, SHELL, CONSOLE, "BLOCK_REPLY", 2)
    w.reply(300, CONSOLE, SHELL, MSG["CONSOLE_WRITE_MSG"])
    w.wake(301, SHELL, CONSOLE, 0)
    w.send(310, CONSOLE, CHAT, MSG["CHAT_POST_MSG"])
    w.notify(320, CONSOLE, CHAT, 1 << 17)
    w.ipc_return(330, CONSOLE, CHAT, ERR["ERR_TIMEOUT"], 1)
    w.irq(400, CONSOLE, 4)
    w.timer(410, CHAT)
    w.fault(500, CHAT, 3, 0xdead000)
    w.exit(501, CHAT, 3, 14)
    w.overflow(900, 7)
    w.switch(600, CONSOLE, SHELL)
    w.exit(700, SHELL, 1, 3)
    return w.clock(800, 1).end(800)


class Abi_(unittest.TestCase):
    def test_every_kind_of_trace_h_is_read(self):
        text = (TOOLS.parent / "libs/common/abi/trace.h").read_text()
        listed = set(re.findall(r"X\((TRACE_\w+), (\d+),", text))
        self.assertEqual({(k.name, str(k.value)) for k in ABI.kinds.values()}, listed)
        self.assertIn("TRACE_HANDLE", ABI.by_name)

    def test_names_come_from_the_headers(self):
        self.assertEqual(ABI.msg_type(1), "MSG_NOTIFICATIONS")
        self.assertEqual(ABI.error(0xFFFFFFFC), "ERR_ABORTED")
        self.assertEqual(ABI.block_reason(3), "BLOCK_REPLY")
        self.assertEqual(ABI.exit_reason(3), "page fault")
        self.assertEqual(ABI.kobject_kind(1), "KOBJ_TASK")
        self.assertEqual(ABI.notify_names(1 | 1 << 17), ["NOTIFY_TIMER", "NOTIFY_CHAT"])


class Stream(unittest.TestCase):
    def test_bad_magic_names_offset_0(self):
        with self.assertRaisesRegex(trace_stream.StreamError, "offset 0: bad magic"):
            trace_stream.read(b"RSTRACE0" + bytes(32), ABI)

    def test_partial_record_names_its_offset(self):
        data = trace_stream.Writer().clock(1, 0).bytes() + b"\0" * 5
        with self.assertRaisesRegex(trace_stream.StreamError, "offset 40: partial record of 5"):
            trace_stream.read(data, ABI)

    def test_unknown_kind_names_its_offset(self):
        w = trace_stream.Writer().clock(1, 0).record(2, 999)
        with self.assertRaisesRegex(trace_stream.StreamError, "offset 40: unknown event kind 999"):
            trace_stream.read(w.bytes(), ABI)

    def test_end_record_counts_and_completes(self):
        s = trace_stream.read(trace_stream.Writer().clock(1, 0).end(2).bytes(), ABI)
        self.assertTrue(s.complete)
        self.assertEqual((len(s.events), s.end_count), (1, 1))


class EveryKind(unittest.TestCase):
    def setUp(self):
        self.tl, self.doc = convert(every_kind().bytes())

    def test_each_kind_is_counted(self):
        counts = self.doc["otherData"]["event_counts"]
        for kind in ABI.kinds.values():
            self.assertGreater(counts[kind.short], 0, kind.name)

    def test_readable_instants(self):
        names = {e["name"] for e in events(self.doc, ph="i")}
        for want in ("fault: page fault at 0xdead000", "exit: exited (code 3)",
                     "exit: page fault", "notify chat-server", "irq 4", "timer",
                     "create shell", "handle KOBJ_TASK moved to shell",
                     "send CHAT_POST_MSG", "ipc error: ERR_TIMEOUT", "7 events lost"):
            self.assertIn(want, names)
        notify = events(self.doc, name="notify chat-server")[0]
        self.assertEqual(notify["args"]["names"], "NOTIFY_CHAT")

    def test_the_checks_pass(self):
        self.assertEqual(trace_check.check_calls(self.doc), [])
        self.assertEqual(trace_check.check_tracks(self.doc), [])

    def test_kernel_track_and_thread_names(self):
        names = {e["tid"]: e["args"]["name"] for e in events(self.doc, name="thread_name")}
        self.assertEqual(names[0], "kernel/idle")
        self.assertEqual(names[SHELL], "shell (id 0x104)")
        self.assertEqual(events(self.doc, name="process_name")[0]["args"]["name"], "kernel trace")
        index = {e["tid"]: e["args"]["sort_index"] for e in events(self.doc, name="thread_sort_index")}
        self.assertLess(index[INIT], index[CONSOLE])


class Slices(unittest.TestCase):
    def test_blocked_starts_where_running_ends(self):
        w = named(trace_stream.Writer())
        w.switch(100, 0, SHELL).call(150, SHELL, CONSOLE, 50)
        w.block(160, SHELL, "BLOCK_REPLY", CONSOLE).switch(200, SHELL, CONSOLE, "BLOCK_REPLY")
        w.reply(300, CONSOLE, SHELL, 50).wake(310, SHELL, CONSOLE).switch(400, CONSOLE, SHELL)
        tl, doc = convert(w.timer(500, SHELL).end(500).bytes())
        mine = [(e["name"], e["ts"], e["dur"]) for e in events(doc, ph="X", tid=SHELL)]
        t = tl.clock.us
        self.assertIn(("running", t(100), t(200) - t(100)), mine)
        self.assertIn(("blocked: waits for reply from console", t(200),
                       round(t(310) - t(200), 3)), mine)
        self.assertIn(("running", t(400), round(t(500) - t(400), 3)), mine)
        self.assertEqual(trace_check.check_tracks(doc), [])

    def test_ready_from_wake_or_preemption_until_switched_in(self):
        w = named(trace_stream.Writer())
        w.switch(100, 0, SHELL).call(150, SHELL, CONSOLE, 50)
        w.block(160, SHELL, "BLOCK_REPLY", CONSOLE).switch(200, SHELL, CONSOLE, "BLOCK_REPLY")
        w.reply(300, CONSOLE, SHELL, 50).wake(310, SHELL, CONSOLE)
        w.switch(400, CONSOLE, SHELL)  # preempted: console is ready from 400
        w.switch(450, SHELL, CONSOLE, "BLOCK_RECV")
        tl, doc = convert(w.end(500).bytes())
        t = tl.clock.us
        ready = {(e["tid"], e["ts"], e["dur"]) for e in events(doc, ph="X", cat="ready")}
        self.assertIn((SHELL, t(310), round(t(400) - t(310), 3)), ready)
        self.assertIn((CONSOLE, t(400), round(t(450) - t(400), 3)), ready)
        self.assertEqual(trace_check.check_tracks(doc), [])

    def test_wait_without_wake_ends_at_switch_in(self):
        w = named(trace_stream.Writer()).switch(10, 0, CHAT)
        w.block(20, CHAT, "BLOCK_RECV").switch(30, CHAT, 0, "BLOCK_RECV").switch(90, 0, CHAT)
        _, doc = convert(w.end(100).bytes())
        blocked = events(doc, ph="X", tid=CHAT, cat="blocked")
        # from the switch away (the block came a moment before it)
        self.assertEqual([(e["name"], e["ts"], e["dur"]) for e in blocked],
                         [("blocked: receive from any", 0.03, 0.06)])

    def test_running_before_the_trace_began(self):
        w = named(trace_stream.Writer()).send(10, INIT, NAME, 32).switch(50, INIT, NAME)
        _, doc = convert(w.end(60).bytes())
        run = events(doc, ph="X", tid=INIT, name="running")
        self.assertEqual([(e["ts"], e["dur"]) for e in run], [(0.0, 0.05)])  # names at 0

    def test_a_restarted_task_gets_its_own_track(self):
        w = named(trace_stream.Writer()).name(0, SHELL2, "shell")
        w.switch(10, 0, SHELL).exit(20, SHELL, 2).switch(30, SHELL, SHELL2)
        _, doc = convert(w.end(40).bytes())
        names = {e["tid"]: e["args"]["name"] for e in events(doc, name="thread_name")}
        self.assertEqual((names[SHELL], names[SHELL2]), ("shell (id 0x104)", "shell (id 0x204)"))


class Names(unittest.TestCase):
    def test_a_long_name_in_two_parts(self):
        long = "a-rather-long-server-name"  # more than 16 bytes
        self.assertEqual(len(trace_stream.name_words(long)), 2)
        w = trace_stream.Writer().name(0, CHAT, long).timer(5, CHAT)
        tl, _ = convert(w.end(6).bytes())
        self.assertEqual(tl.tracks[CHAT].label, f"{long} (id {CHAT:#x})")

    def test_a_later_name_replaces_and_unnamed_tasks_get_ids(self):
        w = trace_stream.Writer().name(0, CHAT, "old").name(1, CHAT, "new")
        tl, _ = convert(w.timer(5, CHAT).timer(6, SHELL).end(7).bytes())
        self.assertEqual(tl.tracks[CHAT].label, "new (id 0x105)")
        self.assertEqual(tl.tracks[SHELL].label, "task 0x104 (id 0x104)")


class Clock(unittest.TestCase):
    def test_fit_between_first_and_last_clock(self):
        w = trace_stream.Writer().clock(1000, 10).clock(1500, 10)
        w.timer(1_001_000, CHAT).clock(2_001_000, 12)  # 1 ms per 1,000,000 tsc
        tl, doc = convert(w.end(2_001_000).bytes())
        self.assertEqual(events(doc, name="timer")[0]["ts"], 1000.0)
        self.assertIn("fitted between 3 clock marks", doc["otherData"]["clock"]["basis"])

    def test_without_two_distinct_marks_assume_1_ghz(self):
        w = trace_stream.Writer().clock(1000, 10).timer(3000, CHAT).clock(9000, 10)
        tl, doc = convert(w.end(9000).bytes())
        self.assertEqual(events(doc, name="timer")[0]["ts"], 2.0)  # 2000 ns
        self.assertIn("assumed 1 GHz", doc["otherData"]["clock"]["basis"])


class Calls(unittest.TestCase):
    def test_answered_after_other_tasks_events(self):
        w = named(trace_stream.Writer()).switch(10, 0, SHELL)
        w.call(20, SHELL, CONSOLE, 50).block(21, SHELL, "BLOCK_REPLY", CONSOLE)
        w.switch(30, SHELL, CONSOLE, "BLOCK_REPLY")
        w.call(40, CONSOLE, NAME, 34).block(41, CONSOLE, "BLOCK_REPLY", NAME)
        w.switch(42, CONSOLE, NAME, "BLOCK_REPLY").send(50, NAME, INIT, 80)
        w.reply(60, NAME, CONSOLE, 34).wake(61, CONSOLE, NAME).switch(62, NAME, CONSOLE)
        w.reply(70, CONSOLE, SHELL, 50).wake(71, SHELL, CONSOLE).switch(100, CONSOLE, SHELL)
        tl, doc = convert(w.end(100).bytes())
        flows = {(e["ph"], e["tid"], e["ts"]) for e in events(doc, cat="ipc")}
        t = tl.clock.us
        self.assertEqual(flows, {("s", SHELL, t(20)), ("f", CONSOLE, t(70)),
                                 ("s", CONSOLE, t(40)), ("f", NAME, t(60))})
        self.assertTrue(all(e["bp"] == "e" for e in events(doc, ph="f")))
        self.assertEqual(doc["otherData"]["calls"]["answered"], 2)
        # the flow's ends sit in slices: the anchors, inside running ones
        reply = events(doc, ph="X", tid=CONSOLE, name="reply CONSOLE_WRITE_MSG")[0]
        self.assertEqual((reply["ts"], reply["dur"]), (t(70), 0.01))
        self.assertEqual(trace_check.check_calls(doc), [])
        self.assertEqual(trace_check.check_tracks(doc), [])

    def test_anchor_ends_inside_its_running_slice(self):
        w = named(trace_stream.Writer()).switch(0, 0, SHELL).call(100, SHELL, CONSOLE, 50)
        w.switch(104, SHELL, CONSOLE).reply(200, CONSOLE, SHELL, 50)
        _, doc = convert(w.end(300).bytes())
        call = events(doc, ph="X", name="call CONSOLE_WRITE_MSG")[0]
        self.assertEqual(call["dur"], 0.004)
        self.assertEqual(trace_check.check_tracks(doc), [])

    def test_peer_dies_mid_call(self):
        w = named(trace_stream.Writer()).call(10, SHELL, CHAT, 65)
        w.block(11, SHELL, "BLOCK_REPLY", CHAT).fault(20, CHAT, 3, 0).exit(21, CHAT, 3)
        w.wake(22, SHELL, 0, ERR["ERR_ABORTED"])
        w.ipc_return(23, SHELL, CHAT, ERR["ERR_ABORTED"], 3)
        _, doc = convert(w.end(30).bytes())
        aborted = events(doc, cat="aborted")
        self.assertEqual([(e["tid"], e["name"]) for e in aborted], [(SHELL, "aborted (peer ended)")])
        self.assertEqual(doc["otherData"]["calls"]["aborted"], 1)
        self.assertEqual(events(doc, ph="s"), [])
        self.assertEqual(trace_check.check_calls(doc), [])

    def test_error_return_aborts(self):
        w = named(trace_stream.Writer()).call(10, SHELL, CHAT, 65)
        w.ipc_return(20, SHELL, CHAT, ERR["ERR_TIMEOUT"], 3)
        _, doc = convert(w.end(30).bytes())
        self.assertEqual([e["name"] for e in events(doc, cat="aborted")], ["aborted (ERR_TIMEOUT)"])

    def test_in_flight_at_end_of_a_cut_stream(self):
        w = named(trace_stream.Writer()).call(10, SHELL, CHAT, 65)
        tl, doc = convert(w.bytes())  # no end record
        self.assertFalse(doc["otherData"]["complete"])
        self.assertEqual(doc["otherData"]["calls"]["in_flight"], 1)
        self.assertEqual(events(doc, cat="in flight")[0]["name"], "in flight when the trace ended")
        self.assertIn("cut short", trace_tool.summary(tl))
        self.assertEqual(trace_check.check_calls(doc), [])


class Overflow(unittest.TestCase):
    def stream(self):
        w = named(trace_stream.Writer()).switch(100, 0, SHELL)
        w.call(110, SHELL, CONSOLE, 50).block(111, SHELL, "BLOCK_REPLY", CONSOLE)
        w.switch(120, SHELL, CONSOLE, "BLOCK_REPLY").send(130, CONSOLE, NAME, 34)
        w.overflow(5000, 1 << 33 | 5)  # read late: stamped after what follows
        w.send(1000, CONSOLE, CHAT, 65).reply(1100, CONSOLE, SHELL, 50)
        return w.switch(1200, CONSOLE, SHELL).end(1300)

    def test_gap_closes_state_and_loses_calls(self):
        tl, doc = convert(self.stream().bytes())
        t = tl.clock.us
        lost = events(doc, ph="i", s="g")[0]
        self.assertEqual((lost["name"], lost["ts"]), (f"{(1 << 33) + 5} events lost", t(130)))
        self.assertEqual(doc["otherData"]["lost_events"], (1 << 33) + 5)
        self.assertEqual([e["name"] for e in events(doc, cat="lost")], ["lost in overflow"])
        self.assertEqual(doc["otherData"]["calls"]["lost_in_overflow"], 1)
        # the reply after the gap answers nothing: its call was forgotten
        self.assertEqual(events(doc, ph="s"), [])
        self.assertEqual(doc["otherData"]["replies_without_call"], 1)
        blocked = events(doc, ph="X", tid=SHELL, cat="blocked")[0]
        self.assertEqual((blocked["ts"], blocked["dur"]), (t(120), 0.01))  # closed at the gap
        # console ran since the gap (no switch to it seen after)
        run = [e["ts"] for e in events(doc, ph="X", tid=CONSOLE, name="running")]
        self.assertEqual(run, [t(120), t(1000)])
        self.assertEqual(trace_check.check_tracks(doc), [])
        self.assertEqual(trace_check.check_calls(doc), [])


class Page(unittest.TestCase):
    def page(self, data):
        tl, doc = convert(data)
        html = trace_html.page(tl, trace_tool.other_data(tl), trace_tool.summary(tl))
        block = re.search(r'<script type="application/json" id="trace-data">(.*?)</script>',
                          html, re.S).group(1)
        return html, json.loads(block), doc

    def test_embeds_the_counts_it_must_draw(self):
        html, data, doc = self.page(every_kind().bytes())
        expect, counts = data["expect"], doc["otherData"]["event_counts"]
        for cls, kind in trace_html.MARK_KINDS.items():
            self.assertEqual(expect[cls], counts[kind], cls)
        self.assertEqual(expect["lanes"], len(events(doc, name="thread_name")))
        self.assertEqual(expect["gap"], 1)
        self.assertEqual(expect["error"], 1)
        self.assertEqual(sum(len(lane["marks"]) for lane in data["lanes"]),
                         sum(v for k, v in expect.items()
                             if not k.startswith("slice:") and k not in ("lanes", "arrow", "gap")))

    def test_self_contained_even_with_hostile_names(self):
        w = trace_stream.Writer().name(0, CHAT, "</script><b>http:").timer(1, CHAT)
        html, data, _ = self.page(w.end(2).bytes())
        self.assertEqual(data["lanes"][-1]["label"], "</script><b>http: (id 0x105)")
        self.assertEqual(html.count("</script>"), 2)
        self.assertEqual(trace_check.EXTERNAL.findall(html.replace("http:", "")), [])

    def test_external_references_are_found(self):
        for bad in ('<img src="//x/a.png">', '<link rel="x">', "url(a.png)", "https://x"):
            self.assertTrue(trace_check.EXTERNAL.search(bad), bad)
        self.assertFalse(trace_check.EXTERNAL.search('clip-path="url(#plot)"'))


class Checker(unittest.TestCase):
    """The checks themselves fail where they should."""

    def doc(self, *evs):
        meta = [{"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "t"}}]
        return {"traceEvents": meta + list(evs),
                "otherData": {"calls": {"answered": 0, "aborted": 0,
                                        "lost_in_overflow": 0, "in_flight": 0}}}

    def x(self, ts, dur, tid=1, **more):
        return {"ph": "X", "pid": 1, "tid": tid, "ts": ts, "dur": dur, "name": "s", **more}

    def test_partial_overlap_fails_nesting_passes(self):
        self.assertEqual(trace_check.check_tracks(self.doc(self.x(0, 10), self.x(2, 3))), [])
        self.assertTrue(trace_check.check_tracks(self.doc(self.x(0, 10), self.x(5, 10))))
        self.assertTrue(trace_check.check_tracks(self.doc(self.x(5, 1), self.x(1, 1))))
        self.assertTrue(trace_check.check_tracks(self.doc(self.x(0, -1))))
        self.assertTrue(trace_check.check_tracks(self.doc(self.x(0, 1, tid=2))))

    def test_unfinished_flow_and_unended_call_fail(self):
        s = {"ph": "s", "id": 1, "ts": 0, "pid": 1, "tid": 1}
        self.assertTrue(trace_check.check_calls(self.doc(s)))
        call = self.x(0, 0.01, cat="call", args={"call_id": 4})
        self.assertTrue(any("call 4" in p for p in trace_check.check_calls(self.doc(call))))

    def test_blank_screenshot_fails(self):
        with tempfile.TemporaryDirectory() as tmp:
            blank, busy = Path(tmp) / "blank.png", Path(tmp) / "busy.png"
            blank.write_bytes(png(60, 60, lambda x, y: (255, 255, 255)))
            busy.write_bytes(png(60, 60, lambda x, y: ((x // 5) * 20, (y // 5) * 20, 90)))
            self.assertTrue(trace_check.check_screenshot(blank))
            self.assertEqual(trace_check.check_screenshot(busy), [])

    def test_self_check_result_is_read(self):
        ok = '<title>trace: ok</title><div id="selfcheck" data-ok="true">fine</div>'
        bad = '<title>trace: FAIL x</title><div id="selfcheck" data-ok="false">x: 1</div>'
        self.assertEqual(trace_check.self_check_problems(ok), [])
        self.assertTrue(trace_check.self_check_problems(bad))
        self.assertTrue(trace_check.self_check_problems("<title>trace</title>"))


class Cli(unittest.TestCase):
    def run_tool(self, data):
        with tempfile.TemporaryDirectory() as tmp:
            stream = Path(tmp) / "t.bin"
            stream.write_bytes(data)
            run = subprocess.run([sys.executable, str(TOOLS / "trace.py"), str(stream),
                                  "--json", str(Path(tmp) / "t.json"),
                                  "--html", str(Path(tmp) / "t.html")],
                                 capture_output=True, text=True)
            made = [p.name for p in sorted(Path(tmp).iterdir())]
        return run, made

    def test_cut_stream_converts_with_a_warning(self):
        run, made = self.run_tool(named(trace_stream.Writer()).timer(5, CHAT).bytes())
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("cut short", run.stderr)
        self.assertRegex(run.stdout, r"^trace: \d+ events .* cut short")
        self.assertEqual(made, ["t.bin", "t.html", "t.json"])

    def test_unknown_kind_is_an_error(self):
        run, made = self.run_tool(trace_stream.Writer().record(1, 77).bytes())
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("offset 8: unknown event kind 77", run.stderr)
        self.assertEqual(made, ["t.bin"])


def png(w, h, colour):
    """An RGB PNG, for the screenshot check."""
    rows = b"".join(b"\0" + bytes(c for x in range(w) for c in colour(x, y)) for y in range(h))
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    unittest.main()


class Recorded(unittest.TestCase):
    """A stream the trace task wrote in a real run: `make trace` with
    TRACE_ARGS="--scenario short" (alice and bob chat on COM2 and COM3)."""

    @classmethod
    def setUpClass(cls):
        data = (TOOLS / "tests" / "data" / "trace_chat.bin").read_bytes()
        cls.tl, cls.doc = convert(data)

    def test_complete_and_every_call_ends(self):
        meta = self.doc["otherData"]
        self.assertTrue(meta["complete"])
        self.assertEqual(trace_check.check_calls(self.doc), [])
        self.assertEqual(trace_check.check_tracks(self.doc), [])

    def test_the_chat_is_there(self):
        names = {e["args"]["name"].split(" (")[0]
                 for e in events(self.doc, name="thread_name")}
        for task in ("init", "name", "console", "chat-server", "chat:alice",
                     "chat:bob", "shell", "trace"):
            self.assertIn(task, names)
        posts = [e for e in self.doc["traceEvents"]
                 if e.get("name", "").startswith("call CHAT_POST_MSG")]
        self.assertGreaterEqual(len(posts), 2)  # alice's and bob's
