#!/usr/bin/env python3
"""Convert a kernel trace stream into a timeline.

Usage: trace.py STREAM [--json OUT.json] [--html OUT.html]

STREAM is what the trace task writes (docs/trace.md): TRACE_STREAM_MAGIC
and 32-byte records (libs/common/abi/trace.h). Prints a one-paragraph
summary; --json writes the Chrome trace-event format (Perfetto,
chrome://tracing), --html a self-contained page drawing the same timeline.
A stream without its end record is converted and said to be cut short; a
malformed one is an error naming the offset.
"""
import argparse
import json
import sys
from pathlib import Path

import trace_html
import trace_stream
from trace_abi import Abi
from trace_model import MARK_US, Timeline

PID = 1  # one process, "kernel trace"; one thread per task id
FLOW_CAT = "ipc"


def load(path, abi=None):
    """The Timeline of a stream file; raises trace_stream.StreamError."""
    abi = abi or Abi()
    return Timeline(trace_stream.read(Path(path).read_bytes(), abi), abi)


def other_data(tl):
    """What the trace as a whole says: JSON's otherData, the page's header."""
    calls = tl.call_counts()
    return {
        "records": len(tl.stream.events),
        "complete": tl.stream.complete,
        "end_record_count": tl.stream.end_count,
        "event_counts": tl.counts,
        "lost_events": sum(g.lost for g in tl.gaps),
        "overflows": len(tl.gaps),
        "calls": {"answered": calls["answered"],
                  "aborted": calls["aborted"] + calls["lost"],
                  "lost_in_overflow": calls["lost"],
                  "in_flight": calls["in flight"]},
        "replies_without_call": tl.orphan_replies,
        "ipc_errors": tl.ipc_errors,
        "tasks": len([t for t in tl.tracks if t]),
        "clock": tl.clock.meta(),
        "duration_us": tl.end,
        "timestamps_backwards": tl.backwards,
    }


def anchor_lengths(track):
    """How long each call/reply anchor slice may be: MARK_US, cut short so
    that it ends inside the slice around it and before the next anchor."""
    out, slices, k = {}, track.slices, 0
    anchors = [i for i, m in enumerate(track.marks) if m[1] in ("call", "reply")]
    for n, i in enumerate(anchors):
        ts = track.marks[i][0]
        limit = ts + MARK_US
        if n + 1 < len(anchors):
            limit = min(limit, track.marks[anchors[n + 1]][0])
        while k < len(slices) and slices[k][1] <= ts:
            k += 1
        if k < len(slices):  # the slice around ts, or the next one
            limit = min(limit, slices[k][1] if slices[k][0] <= ts else slices[k][0])
        out[i] = max(0.0, round(limit - ts, 3))
    return out


def track_events(tl, track):
    tid = track.tid
    base = {"pid": PID, "tid": tid}
    for start, end, cat, name, args in track.slices:
        yield {**base, "ph": "X", "cat": cat, "name": name, "ts": start,
               "dur": round(end - start, 3), "args": args}
    lengths = anchor_lengths(track)
    for i, (ts, cat, name, args) in enumerate(track.marks):
        if i in lengths:
            yield {**base, "ph": "X", "cat": cat, "name": name, "ts": ts,
                   "dur": lengths[i], "args": args}
        else:
            yield {**base, "ph": "i", "s": "t", "cat": cat, "name": name,
                   "ts": ts, "args": args}


def flow_events(tl):
    for c in tl.calls:
        if c.outcome != "answered":
            continue
        name = f"call {c.type_name}"
        yield {"pid": PID, "tid": c.caller, "ph": "s", "cat": FLOW_CAT,
               "name": name, "id": c.id, "ts": c.ts}
        yield {"pid": PID, "tid": c.replier, "ph": "f", "bp": "e",
               "cat": FLOW_CAT, "name": name, "id": c.id, "ts": c.reply_ts}


def metadata_events(tl):
    yield {"pid": PID, "tid": 0, "ph": "M", "name": "process_name",
           "args": {"name": "kernel trace"}}
    for t in tl.tracks.values():
        yield {"pid": PID, "tid": t.tid, "ph": "M", "name": "thread_name",
               "args": {"name": t.label}}
        yield {"pid": PID, "tid": t.tid, "ph": "M", "name": "thread_sort_index",
               "args": {"sort_index": t.slot << 24 | (t.tid >> 8 & 0xFFFFFF)}}


def chrome_json(tl):
    """The Chrome trace-event document, events sorted by time (and the
    longer of two slices at one time first, so that nesting reads right)."""
    events = [e for t in tl.tracks.values() for e in track_events(tl, t)]
    events += [{"pid": PID, "tid": 0, "ph": "i", "s": "g", "cat": cat, "name": name,
                "ts": ts, "args": args} for ts, cat, name, args in tl.globals]
    events += list(flow_events(tl))
    order = {"X": 0, "s": 1, "f": 1, "i": 2}
    events.sort(key=lambda e: (e["ts"], order[e["ph"]], -e.get("dur", 0)))
    return {"traceEvents": list(metadata_events(tl)) + events,
            "displayTimeUnit": "ns", "otherData": other_data(tl)}


def summary(tl):
    d = other_data(tl)
    c = d["calls"]
    state = ("complete" if d["complete"] else
             "cut short (no end record: the recording did not stop cleanly)")
    return (f"trace: {d['records']} events over {tl.end / 1000:.3f} ms, stream {state}; "
            f"{d['tasks']} tasks; calls: {c['answered']} answered, {c['aborted']} aborted"
            f" ({c['lost_in_overflow']} lost in overflow), {c['in_flight']} in flight at the end; "
            f"{d['lost_events']} events lost in {d['overflows']} overflows; "
            f"clock {d['clock']['basis']}.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stream", type=Path)
    ap.add_argument("--json", type=Path, help="write the Chrome trace-event JSON here")
    ap.add_argument("--html", type=Path, help="write the self-contained timeline page here")
    args = ap.parse_args()
    try:
        tl = load(args.stream)
    except trace_stream.StreamError as e:
        sys.exit(f"trace: {args.stream}: {e}")
    except OSError as e:
        sys.exit(f"trace: {e}")
    if not tl.stream.complete:
        print(f"trace: warning: {args.stream} has no end record: it was cut short; "
              "converting what is there", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(chrome_json(tl), separators=(",", ":")))
    if args.html:
        args.html.write_text(trace_html.page(tl, other_data(tl), summary(tl)))
    print(summary(tl))


if __name__ == "__main__":
    main()
