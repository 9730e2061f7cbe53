"""The timeline as one self-contained HTML page (tools/trace_view.html).

The page gets the Timeline as compact JSON in a <script type=
"application/json"> block: per lane its slices and markers, the call ->
reply arrows, the overflow gaps, a table of strings they share, and the
counts the page must find when it draws everything (its self-check).
"""
import json
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "trace_view.html"
DATA_MARK = "/*TRACE_DATA*/"

# Slice classes by what the task is doing; markers keep the model's cats.
BLOCK_CLASSES = {"BLOCK_RECV": "recv", "BLOCK_SEND": "send",
                 "BLOCK_REPLY": "reply", "BLOCK_SLEEP": "sleep"}
# Marker class -> the event kind whose every record is one such marker.
MARK_KINDS = {"send": "send", "call": "call", "reply": "reply",
              "notify": "notify", "timer": "timer", "irq": "irq",
              "create": "task_create", "exit": "task_exit",
              "fault": "task_fault", "handle": "handle"}


class Strings:
    """Shared strings: most names and tooltips repeat."""

    def __init__(self):
        self.list, self.index = [], {}

    def __call__(self, s):
        if s not in self.index:
            self.index[s] = len(self.list)
            self.list.append(s)
        return self.index[s]


def tip(name, args):
    return "\n".join([name] + [f"{k}: {v}" for k, v in args.items() if v != ""])


def slice_class(cat, args):
    if cat == "running":
        return "run"
    if cat == "ready":
        return "ready"
    return "b-" + BLOCK_CLASSES.get(args.get("reason"), "other")


def lanes(tl, s):
    out = []
    for t in sorted(tl.tracks.values(), key=lambda t: (t.slot, t.tid)):
        out.append({
            "tid": t.tid, "label": t.label,
            "slices": [[a, b, slice_class(cat, args), s(name), s(tip(name, args))]
                       for a, b, cat, name, args in t.slices],
            "marks": [[ts, cat.replace(" ", "-"), s(name), s(tip(name, args))]
                      for ts, cat, name, args in t.marks]})
    return out


def arrows(tl, lane_of, s):
    return [[c.ts, lane_of[c.caller], c.reply_ts, lane_of[c.replier],
             s(tip(f"call {c.type_name} -> reply",
                   {"caller": tl.who(c.caller), "replier": tl.who(c.replier),
                    "took_us": round(c.reply_ts - c.ts, 3)}))]
            for c in tl.calls if c.outcome == "answered"]


def expected(tl, data):
    """What the page must count, from the records rather than from the
    lists it is given, so that a marker lost on the way shows."""
    calls = tl.call_counts()
    out = {"lanes": len(data["lanes"]),
           "arrow": calls["answered"],
           "gap": tl.counts["overflow"],
           "error": tl.ipc_errors,
           "aborted": calls["aborted"], "lost": calls["lost"],
           "in-flight": calls["in flight"]}
    out.update({cls: tl.counts[kind] for cls, kind in MARK_KINDS.items()})
    for lane in data["lanes"]:
        for sl in lane["slices"]:
            key = "slice:" + sl[2]
            out[key] = out.get(key, 0) + 1
    return out


def page_data(tl, other, summary):
    s = Strings()
    data = {"summary": summary, "meta": other, "end": tl.end,
            "lanes": lanes(tl, s)}
    lane_of = {lane["tid"]: i for i, lane in enumerate(data["lanes"])}
    data["arrows"] = arrows(tl, lane_of, s)
    data["gaps"] = [[g.start, g.end, g.lost] for g in tl.gaps]
    data["strings"] = s.list
    data["expect"] = expected(tl, data)
    return data


def page(tl, other, summary):
    """The page's text."""
    data = json.dumps(page_data(tl, other, summary), separators=(",", ":"))
    # In a <script> block only "</" could end it; \u003c keeps JSON valid.
    data = data.replace("<", "\\u003c")
    template = TEMPLATE.read_text(encoding="utf-8")
    return template.replace(DATA_MARK, data, 1)
