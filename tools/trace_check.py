#!/usr/bin/env python3
"""Check a converted trace: the Chrome JSON and the HTML page.

Usage: trace_check.py TRACE.json TRACE.html

Prints `PASS trace/<name>` or `FAIL trace/<name>: <reason>` per check (the
test harness counts them) and exits 1 if any failed. The page is rendered
in headless Chromium: a screenshot that must not be blank, and the page's
own self-check (data-ok and the title) read from its DOM.
"""
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import defaultdict
from pathlib import Path

CHROMIUM = ("chromium", "chromium-browser")
BROWSER_TIMEOUT = 60  # seconds per Chromium run
WINDOW = (1400, 900)
MIN_COLOURS = 12  # a drawn timeline has many; a blank or error page few
MIN_INK = 0.05  # share of pixels that differ from the background
EPS = 1e-6  # microseconds: the JSON's times are rounded to nanoseconds
# Outside references: a URL scheme, a protocol-relative src/href, imports.
EXTERNAL = re.compile(r"\b(?:https?|ftp|wss?):|\b(?:src|href|action)\s*=\s*[\"']?\s*//"
                      r"|<link\b|<script\b[^>]*\bsrc\s*=|@import|url\(\s*[\"']?(?!#)",
                      re.I)


class Checks:
    def __init__(self):
        self.failed = 0

    def say(self, name, problems):
        """PASS if `problems` (a list of strings, or one) is empty."""
        problems = [problems] if isinstance(problems, str) else problems
        if problems:
            self.failed += 1
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            print(f"FAIL trace/{name}: " + "; ".join(problems[:3]) + more, flush=True)
        else:
            print(f"PASS trace/{name}", flush=True)


# ---- the JSON ----

def check_calls(doc):
    """Every flow start has its finish; every call anchor has its reply
    (a flow) or an end: aborted, lost in an overflow, or in flight at the
    end; and otherData counts them the same."""
    events, problems = doc["traceEvents"], []
    starts = {e["id"]: e for e in events if e.get("ph") == "s"}
    ends = {e["id"]: e for e in events if e.get("ph") == "f"}
    for fid in starts.keys() ^ ends.keys():
        problems.append(f"flow {fid} has a {'start' if fid in starts else 'finish'} only")
    for fid in starts.keys() & ends.keys():
        if ends[fid]["ts"] < starts[fid]["ts"]:
            problems.append(f"flow {fid} ends before it starts")
    endings = defaultdict(list)
    for e in events:
        cid = e.get("args", {}).get("call_id")
        if cid is not None and e.get("cat") in ("aborted", "lost", "in flight"):
            endings[e["cat"]].append(cid)
    calls = {e["args"]["call_id"] for e in events if e.get("cat") == "call" and e.get("ph") == "X"}
    ended = set(starts) | {c for ids in endings.values() for c in ids}
    problems += [f"call {c} has neither a reply nor an end" for c in sorted(calls - ended)]
    counts = doc.get("otherData", {}).get("calls", {})
    for key, have in (("answered", len(starts)),
                      ("aborted", len(endings["aborted"]) + len(endings["lost"])),
                      ("lost_in_overflow", len(endings["lost"])),
                      ("in_flight", len(endings["in flight"]))):
        if counts.get(key) != have:
            problems.append(f"otherData says {counts.get(key)} calls {key}, the events {have}")
    return problems


def check_tracks(doc):
    """Per track: times never go back, durations are not negative, slices
    nest or follow each other (never overlap partly), and it is named."""
    problems, last, stacks, named, used = [], {}, defaultdict(list), set(), set()
    for e in doc["traceEvents"]:
        key = (e.get("pid"), e.get("tid"))
        if e.get("ph") == "M":
            if e.get("name") == "thread_name":
                named.add(key)
            continue
        used.add(key)
        ts = e["ts"]
        if ts < last.get(key, ts) - EPS:
            problems.append(f"track {key[1]:#x}: ts {ts} after {last[key]}")
        last[key] = max(ts, last.get(key, ts))
        if e.get("ph") != "X":
            continue
        if e["dur"] < 0:
            problems.append(f"track {key[1]:#x}: negative duration at {ts}")
        stack = stacks[key]
        while stack and stack[-1] <= ts + EPS:
            stack.pop()
        end = ts + e["dur"]
        if stack and end > stack[-1] + EPS:
            problems.append(f"track {key[1]:#x}: slice at {ts} ({e['name']}) overlaps the one "
                            f"ending at {stack[-1]}")
        stack.append(end)
    problems += [f"track {k[1]:#x} has events but no thread_name" for k in sorted(used - named)]
    return problems


def check_json(path, checks):
    try:
        doc = json.loads(Path(path).read_text())
        problems = [] if isinstance(doc.get("traceEvents"), list) else ["no traceEvents list"]
    except (OSError, ValueError) as e:
        doc, problems = None, [str(e)]
    checks.say("json_parses", problems)
    if problems:
        return None
    checks.say("calls_end", check_calls(doc))
    checks.say("tracks_ordered", check_tracks(doc))
    return doc


# ---- the page ----

def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, tag = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if tag == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour = hdr[:4]
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"PNG of depth {depth}, colour type {colour}")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        unfilter(f, line, prev, bpp)
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def unfilter(f, line, prev, bpp):
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255


def check_screenshot(png):
    try:
        w, h, bpp, rows = png_pixels(png.read_bytes())
    except (OSError, ValueError, zlib.error, TypeError) as e:
        return [f"cannot read the screenshot: {e}"]
    colours, ink = defaultdict(int), 0
    background = rows[0][:3]
    for row in rows[::3]:
        for x in range(0, w * bpp, 3 * bpp):
            px = row[x:x + 3]
            colours[px] += 1
            ink += px != background
    sampled = len(rows[::3]) * len(range(0, w * bpp, 3 * bpp))
    real = [c for c, n in colours.items() if n >= 3]
    problems = []
    if len(real) < MIN_COLOURS:
        problems.append(f"only {len(real)} distinct colours (want {MIN_COLOURS})")
    if ink / sampled < MIN_INK:
        problems.append(f"only {ink / sampled:.1%} of the page is not background")
    return problems


def chromium():
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(browser, html, *args):
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions",
               f"--window-size={WINDOW[0]},{WINDOW[1]}", *args, Path(html).resolve().as_uri()]
        return subprocess.run(cmd, capture_output=True, timeout=BROWSER_TIMEOUT,
                              stdin=subprocess.DEVNULL)


def check_html(path, checks):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        checks.say("html_self_contained", str(e))
        return
    refs = sorted({m.group(0) for m in EXTERNAL.finditer(text)})
    checks.say("html_self_contained", [f"outside reference {r!r}" for r in refs])
    browser = chromium()
    if not browser:
        hint = "no chromium to render the page: apt-get install chromium (or tools/setup.sh --browser)"
        checks.say("html_renders", hint)
        checks.say("html_self_check", hint)
        return
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "trace.png"
        try:
            run = run_chromium(browser, path, f"--screenshot={png}")
            problems = check_screenshot(png) if png.exists() else [
                "no screenshot: " + run.stderr.decode(errors="replace").strip()[-300:]]
        except subprocess.TimeoutExpired:
            problems = [f"chromium ran over {BROWSER_TIMEOUT} s"]
        checks.say("html_renders", problems)
    try:
        dom = run_chromium(browser, path, "--dump-dom").stdout.decode(errors="replace")
        checks.say("html_self_check", self_check_problems(dom))
    except subprocess.TimeoutExpired:
        checks.say("html_self_check", f"chromium ran over {BROWSER_TIMEOUT} s")


def self_check_problems(dom):
    div = re.search(r'<div id="selfcheck" data-ok="(\w+)"[^>]*>(.*?)</div>', dom, re.S)
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    if not div:
        return ["the page has no self-check result (did its script run?)"]
    problems = []
    if div.group(1) != "true":
        problems.append(div.group(2).strip()[:500])
    if not title or title.group(1).strip() != "trace: ok":
        problems.append(f"title is {title.group(1).strip()[:200] if title else None!r}")
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    checks = Checks()
    check_json(sys.argv[1], checks)
    check_html(sys.argv[2], checks)
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
