"""From trace records to a timeline: tracks, slices, markers and calls.

This is the meaning of the trace, kept apart from how it is drawn: the
Chrome JSON (trace.py) and the HTML page (trace_html.py) are both views of
the Timeline built here.

Per task (one track per task id, so a restarted task is a new track):
- running: from the SWITCH to it until the SWITCH away from it;
- blocked: from its BLOCK until its WAKE (or, without one, its next
  SWITCH in, its end or the end of the trace), never overlapping running;
- ready: runnable but not running, from its creation, its WAKE or a
  SWITCH away that did not block it, until it is switched in;
- markers: messages, notifications, timers, interrupts, creations, ends,
  faults, handles, errors;
- calls: a CALL is answered by the caller's next REPLY, or aborted by an
  error from the caller's ipc(), the end of either party, or an overflow.
"""
import struct

US_PER_TSC_DEFAULT = 0.001  # 1 GHz: QEMU's -icount shift=0 counts 1 ns/insn
MARK_US = 0.01  # length of the slices that carry call -> reply flows


class Track:
    def __init__(self, tid, name):
        self.tid = tid
        self.slot = tid & 0xFF
        self.name = name
        self.label = "kernel/idle" if tid == 0 else f"{name} (id {tid:#x})"
        self.slices = []  # (start, end, cat, name, args), sorted, disjoint
        self.marks = []  # (ts, cat, name, args): instants and flow anchors


class Call:
    def __init__(self, cid, caller, server, type_name, ts, args):
        self.id, self.caller, self.server = cid, caller, server
        self.type_name, self.ts, self.args = type_name, ts, args
        self.replier = None
        self.reply_ts = None
        self.outcome = "in flight"  # answered, aborted, lost, in flight
        self.reason = "in flight when the trace ended"


class Gap:
    """Where an overflow lost events: from the last event seen before to
    the first one after."""

    def __init__(self, start, end, lost):
        self.start, self.end, self.lost = start, end, lost


class Clock:
    """tsc -> microseconds since the first event: a line through the first
    and last TRACE_CLOCK, or 1 GHz without two distinct marks."""

    def __init__(self, events, abi, t0):
        clock = abi.kind("TRACE_CLOCK")
        marks = [(e.tsc, e.a | e.b << 32, e.c) for e in events if e.kind == clock]
        self.t0, self.marks = t0, len(marks)
        self.hz = marks[-1][2] if marks else None
        first, last = (marks[0], marks[-1]) if marks else (None, None)
        if first and last[1] != first[1] and last[0] > first[0]:
            self.us_per_tsc = (last[1] - first[1]) * 1000 / (last[0] - first[0])
            self.basis = f"fitted between {len(marks)} clock marks"
        else:
            self.us_per_tsc = US_PER_TSC_DEFAULT
            self.basis = ("assumed 1 GHz (1 tsc = 1 ns): fewer than two "
                          "distinct clock marks")

    def us(self, tsc):
        return round((tsc - self.t0) * self.us_per_tsc, 3)

    def meta(self):
        return {"basis": self.basis, "us_per_tsc": self.us_per_tsc,
                "marks": self.marks, "hz": self.hz,
                "fitted": self.us_per_tsc != US_PER_TSC_DEFAULT or self.marks >= 2}


def effective_tsc(events, abi):
    """Time stamps made non-decreasing. An OVERFLOW record is stamped when
    it is read, after the older events that follow it: it is placed at the
    last event before it (the start of the gap)."""
    overflow = abi.kind("TRACE_OVERFLOW")
    out, prev, backwards = [], None, 0
    for i, e in enumerate(events):
        if e.kind == overflow:
            if prev is None:
                nxt = next((x.tsc for x in events[i + 1:] if x.kind != overflow), e.tsc)
                prev = min(nxt, e.tsc)
            out.append(prev)
            continue
        if prev is not None and e.tsc < prev:
            backwards += 1
        prev = e.tsc if prev is None else max(prev, e.tsc)
        out.append(prev)
    return out, backwards


def task_names(events, abi):
    """The last name each id was given (TRACE_NAME, in one or two parts)."""
    kind, names, parts = abi.kind("TRACE_NAME"), {}, {}
    for e in events:
        if e.kind != kind:
            continue
        raw = struct.pack("<4I", e.peer, e.a, e.b, e.c)
        if e.aux == 0:
            parts[e.task] = raw
        else:
            parts[e.task] = parts.get(e.task, b"\0" * 16)[:16] + raw
        names[e.task] = parts[e.task].split(b"\0", 1)[0].decode(errors="replace")
    return names


class TaskState:
    def __init__(self):
        self.running = None  # start of the open running slice
        self.blocked = None  # (start, name, args) of the open blocked slice
        self.ready = None  # (start, why) of the open ready slice
        self.ended = False  # its TASK_EXIT was seen
        self.call = None  # the task's open call
        self.known = False  # seen switching since the trace (or a gap) began


class Timeline:
    """The whole trace, interpreted. Build with Timeline(stream, abi)."""

    def __init__(self, stream, abi):
        self.abi, self.stream = abi, stream
        events = stream.events
        self.tsc, self.backwards = effective_tsc(events, abi)
        self.clock = Clock(events, abi, self.tsc[0] if events else 0)
        self.names = task_names(events, abi)
        self.tracks, self.states = {}, {}
        self.calls, self.gaps, self.globals = [], [], []
        self.counts = {k.short: 0 for k in abi.kinds.values()}
        self.ipc_errors = 0
        self.orphan_replies = 0
        self.reset_at = 0.0  # where per-task state last became unknown
        self.end = self.clock.us(self.tsc[-1]) if events else 0.0
        handlers = {k.value: getattr(self, "on_" + k.short, None) for k in abi.kinds.values()}
        for i, e in enumerate(events):
            self.counts[abi.kinds[e.kind].short] += 1
            handler = handlers[e.kind]
            if handler:
                handler(e, self.clock.us(self.tsc[i]), i)
        self.finish()

    # ---- names and tracks ----

    def name(self, tid):
        if tid == 0:
            return "kernel"
        return self.names.get(tid, f"task {tid:#x}")

    def who(self, tid):
        """A task as args and labels show it: its name and id."""
        return "kernel" if tid == 0 else f"{self.name(tid)} ({tid:#x})"

    def track(self, tid):
        if tid not in self.tracks:
            self.tracks[tid] = Track(tid, self.name(tid))
        return self.tracks[tid]

    def state(self, tid):
        return self.states.setdefault(tid, TaskState())

    def mark(self, tid, ts, cat, name, args):
        self.track(tid).marks.append((ts, cat, name, args))

    # ---- slices ----

    def close_running(self, tid, ts, args=None):
        st = self.state(tid)
        if st.running is not None:
            self.track(tid).slices.append([st.running, ts, "running", "running", args or {}])
        st.running = None

    def close_blocked(self, tid, ts, more=None):
        st = self.state(tid)
        if st.blocked is not None:
            start, name, args = st.blocked
            self.track(tid).slices.append([start, ts, "blocked", name, {**args, **(more or {})}])
        st.blocked = None

    def open_ready(self, tid, ts, why):
        """Runnable, not running: woken, created or preempted. The idle
        loop is always ready: it gets no such slice."""
        st = self.state(tid)
        if tid != 0 and not st.ended and st.running is None and st.ready is None:
            st.ready = (ts, why)

    def close_ready(self, tid, ts, more=None):
        st = self.state(tid)
        if st.ready is not None:
            start, why = st.ready
            self.track(tid).slices.append([start, ts, "ready", "ready",
                                           {"since": why, **(more or {})}])
        st.ready = None

    def blocked_name(self, reason, peer):
        r = self.abi.block_reason(reason)
        if r == "BLOCK_RECV":
            return "receive from " + ("any" if peer == 0 else self.name(peer))
        if r == "BLOCK_SEND":
            return "send to " + self.name(peer)
        if r == "BLOCK_REPLY":
            return "waits for reply from " + self.name(peer)
        if r == "BLOCK_SLEEP":
            return "sleep"
        return r.lower().replace("_", " ")

    # ---- calls ----

    def end_call(self, call, ts, outcome, reason):
        call.outcome, call.reason = outcome, reason
        self.state(call.caller).call = None
        if outcome != "answered":
            self.mark(call.caller, ts, outcome, reason,
                      {"call_id": call.id, "call": f"{call.type_name} to {self.who(call.server)}"})

    def open_calls(self):
        return [s.call for s in self.states.values() if s.call]

    # ---- one method per kind (on_<short name>) ----

    def on_overflow(self, e, ts, i):
        lost = e.a | e.b << 32
        nxt = next((self.tsc[j] for j in range(i + 1, len(self.tsc))
                    if self.stream.events[j].kind != e.kind), self.tsc[i])
        gap = Gap(ts, self.clock.us(nxt), lost)
        self.gaps.append(gap)
        self.globals.append((ts, "overflow", f"{lost} events lost",
                             {"lost": lost, "gap_end_us": gap.end}))
        for call in self.open_calls():
            self.end_call(call, ts, "lost", "lost in overflow")
        for tid in list(self.states):
            self.close_running(tid, ts, {"end": "unknown: events lost"})
            self.close_blocked(tid, ts, {"end": "unknown: events lost"})
            self.close_ready(tid, ts, {"end": "unknown: events lost"})
            self.states[tid].known = False
        self.reset_at = gap.end

    def on_switch(self, e, ts, i):
        prev, nxt = self.state(e.task), self.state(e.peer)
        if prev.running is None and not prev.known:
            prev.running = self.reset_at  # it ran since before we knew
        why = self.abi.block_reason(e.a) if e.a else "preempted or yielded"
        self.close_running(e.task, ts, {"switched_to": self.who(e.peer), "why": why})
        # a: why it blocked (0: it did not); b: its enum task_state, still
        # runnable when preempted (not ended)
        if not e.a and self.abi.task_states.get(e.b) == "TASK_STATE_RUNNABLE":
            self.open_ready(e.task, ts, "preempted or yielded")
        prev.known = nxt.known = True
        self.close_blocked(e.peer, ts, {"end": "switched in (no wake seen)"})
        self.close_ready(e.peer, ts)
        if nxt.running is not None:
            self.close_running(e.peer, ts)
        nxt.running = ts

    def on_block(self, e, ts, i):
        st = self.state(e.task)
        self.close_ready(e.task, ts)
        if st.blocked is not None:
            return  # the same wait, recorded again on the slow path
        timeout = struct.unpack("<i", struct.pack("<I", e.b))[0]
        args = {"reason": self.abi.block_reason(e.a),
                "waits_for": "any" if e.peer == 0 else self.who(e.peer),
                "timeout_ms": "forever" if timeout == -1 else timeout}
        st.blocked = (ts, "blocked: " + self.blocked_name(e.a, e.peer), args)

    def on_wake(self, e, ts, i):
        woken_by = "interrupt or timer" if e.peer == 0 else self.who(e.peer)
        self.close_blocked(e.task, ts, {"woken_by": woken_by,
                                        "result": self.abi.error(e.a)})
        self.open_ready(e.task, ts, "woken by " + woken_by)

    def message_args(self, e, to_key):
        return {to_key: self.who(e.peer), "type": self.abi.msg_type(e.a),
                "ool_len": e.b, "msg_flags": f"{e.c:#x}"}

    def on_send(self, e, ts, i):
        self.mark(e.task, ts, "send", f"send {self.abi.msg_type(e.a)}",
                  self.message_args(e, "to"))

    def on_call(self, e, ts, i):
        st = self.state(e.task)
        if st.call:
            self.end_call(st.call, ts, "aborted", "aborted (a new call before its reply)")
        args = self.message_args(e, "to")
        call = Call(len(self.calls) + 1, e.task, e.peer, self.abi.msg_type(e.a), ts, args)
        self.calls.append(call)
        st.call = call
        self.mark(e.task, ts, "call", f"call {call.type_name}", {**args, "call_id": call.id})

    def on_reply(self, e, ts, i):
        args = self.message_args(e, "to")
        call = self.state(e.peer).call
        if call:
            call.replier, call.reply_ts = e.task, ts
            args["call_id"] = call.id
            self.end_call(call, ts, "answered", "answered")
        else:
            self.orphan_replies += 1  # its call was before the trace or a gap
        self.mark(e.task, ts, "reply", f"reply {self.abi.msg_type(e.a)}", args)

    def on_ipc_return(self, e, ts, i):
        result = self.abi.error(e.a)
        if not (e.a & 0x80000000):
            return
        self.ipc_errors += 1
        call = self.state(e.task).call
        if call:
            self.end_call(call, ts, "aborted", f"aborted ({result})")
        self.mark(e.task, ts, "error", f"ipc error: {result}", {
            "result": result, "peer": self.who(e.peer), "ipc_flags": f"{e.b:#x}"})

    def on_notify(self, e, ts, i):
        bits = e.a | e.b << 32
        self.mark(e.task, ts, "notify", f"notify {self.name(e.peer)}", {
            "to": self.who(e.peer), "bits": f"{bits:#x}",
            "names": " ".join(self.abi.notify_names(bits))})

    def on_timer(self, e, ts, i):
        self.mark(e.task, ts, "timer", "timer", {})

    def on_irq(self, e, ts, i):
        self.mark(e.task, ts, "irq", f"irq {e.a}", {"irq": e.a})

    def on_task_create(self, e, ts, i):
        self.mark(e.task, ts, "create", f"create {self.name(e.peer)}",
                  {"new_task": self.who(e.peer), "priority": e.a})
        self.track(e.peer)
        self.open_ready(e.peer, ts, "created by " + self.who(e.task))

    def on_task_exit(self, e, ts, i):
        code = struct.unpack("<q", struct.pack("<II", e.b, e.c))[0]
        reason = self.abi.exit_reason(e.a)
        self.mark(e.task, ts, "exit", f"exit: {reason}" + (f" (code {code})" if e.a == 1 else ""),
                  {"exit_reason": reason, "code": code})
        self.close_blocked(e.task, ts, {"end": "task ended"})
        self.close_ready(e.task, ts, {"end": "task ended"})
        self.state(e.task).ended = True
        for call in self.open_calls():
            if call.caller == e.task:
                self.end_call(call, ts, "aborted", "aborted (caller ended)")
            elif call.server == e.task:
                self.end_call(call, ts, "aborted", "aborted (peer ended)")

    def on_task_fault(self, e, ts, i):
        addr = e.b | e.c << 32
        reason = self.abi.exit_reason(e.a)
        self.mark(e.task, ts, "fault", f"fault: {reason} at {addr:#x}",
                  {"exit_reason": reason, "address": f"{addr:#x}"})

    def on_handle(self, e, ts, i):
        how = "moved" if e.c else "copied"
        kind = self.abi.kobject_kind(e.a)
        self.mark(e.task, ts, "handle", f"handle {kind} {how} to {self.name(e.peer)}",
                  {"to": self.who(e.peer), "kind": kind, "rights": f"{e.b:#x}",
                   "moved": bool(e.c)})

    # ---- the end ----

    def finish(self):
        end = self.end
        for call in self.open_calls():
            self.end_call(call, end, "in flight", "in flight when the trace ended")
        for tid in list(self.states):
            self.close_running(tid, end, {"end": "the trace ended"})
            self.close_blocked(tid, end, {"end": "the trace ended"})
            self.close_ready(tid, end, {"end": "the trace ended"})
        if self.gaps or self.globals:
            self.track(0)
        for t in self.tracks.values():
            t.slices = clip(t.slices)
            t.marks.sort(key=lambda m: m[0])

    def call_counts(self):
        out = {"answered": 0, "aborted": 0, "lost": 0, "in flight": 0}
        for c in self.calls:
            out[c.outcome] += 1
        return out


def clip(slices):
    """Running slices as recorded; blocked and ready ones with the running
    time cut out of them (a task blocks a moment before it is switched
    away), so that no two slices of one track overlap."""
    running = sorted((s for s in slices if s[2] == "running"), key=lambda s: s[0])
    fixed = []
    for s in running:  # two running slices overlap only in broken data
        if fixed and s[0] < fixed[-1][1]:
            s[0] = fixed[-1][1]
        if s[1] > s[0]:
            fixed.append(s)
    out = list(fixed)
    for b in (s for s in slices if s[2] != "running"):
        start = b[0]
        for r in fixed:
            if r[1] <= start or r[0] >= b[1]:
                continue
            if r[0] > start:
                out.append([start, r[0], *b[2:]])
            start = max(start, r[1])
        if start < b[1]:
            out.append([start, b[1], *b[2:]])
    return sorted(out, key=lambda s: (s[0], s[1]))
