#!/usr/bin/env python3
"""Plot the figures of `make bench` as one SVG of three panels.

    python3 tools/bench_plot.py build/bench.txt -o build/bench.svg [--docs docs/ipc.md]

bench.txt holds the `BENCH <name> <value> <unit>` lines. The panels:

1. IPC round trips per million guest instructions by out-of-line size
   (the round_trips_per_minsn_<bytes> lines; 0 is inline only);
2. the async layer's cost per message by batch size (async_msg_cost_b<N>);
3. the null system call, IPC round trip, notify, out-of-line round trips
   and the 64 KiB round trip by shared memory beside the reference figures
   of Resea and Linux 6.1, read from the tables of docs/ipc.md, on a log
   scale.

The sizes and batch sizes are those the bench printed. A figure or a
reference the plot needs and does not find is an error, naming it.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from svgplot import Scale, Svg, nice_ceiling, size_label, thousands  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "ipc.md")

WIDTH = 960
LEFT, RIGHT = 90, 40  # plot area margins of the two line panels
BARS_LEFT = 230  # the comparison panel's margin holds its row names
PANEL_H = 300
HERE, RESEA, LINUX = "#1f6fb4", "#e07b00", "#2e9a3a"
COLOURS = {"Resea": RESEA, "Linux 6.1": LINUX}

# Panel 3: (row name, our figure, [(reference table, its row)]).
COMPARISONS = [
    ("null system call", "null_syscall",
     [("Resea", "null system call"), ("Linux 6.1", "getppid")]),
    ("IPC round trip", "ipc_round_trip",
     [("Resea", "IPC round trip (call + reply)"), ("Linux 6.1", "futex ping-pong"),
      ("Linux 6.1", "pipe")]),
    ("notify a waiting task", "notify_waiting_task", []),
    ("round trip, 4 KiB out of line", "ipc_round_trip_ool_4k",
     [("Resea", "round trip with 4 KiB out of line"),
      ("Linux 6.1", "unix-socket round trip, 4 KiB")]),
    ("round trip, 64 KiB out of line", "ipc_round_trip_ool_64k",
     [("Linux 6.1", "unix-socket round trip, 64 KiB")]),
    ("round trip, 64 KiB shared", "shm_round_trip_64k", []),
]


class PlotError(Exception):
    pass


# ---- input ----

def parse_bench(text):
    """{name: value} of the `BENCH name value unit` lines."""
    figures = {}
    for line in text.splitlines():
        m = re.match(r"BENCH (\w+) (\d+) \S+\s*$", line)
        if m:
            figures[m.group(1)] = int(m.group(2))
    return figures


def series(figures, prefix):
    """[(key, value)] of the figures named prefix<number>, by number."""
    found = sorted((int(name[len(prefix):]), value) for name, value in figures.items()
                   if re.fullmatch(re.escape(prefix) + r"\d+", name))
    if len(found) < 2:
        raise PlotError(f"bench output has {len(found)} {prefix}<N> figures; "
                        "the plot needs at least two")
    return found


def figure(figures, name):
    if name not in figures:
        raise PlotError(f"bench output has no '{name}' figure")
    return figures[name]


def parse_tables(text):
    """The markdown tables of text: each a list of rows of cells, the
    header first, the |---| line left out."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if current is None:
                current = []
                tables.append(current)
            if not all(re.fullmatch(r":?-*:?", c) for c in cells):
                current.append(cells)
        else:
            current = None
    return tables


def reference(tables, system, row, where="docs/ipc.md"):
    """The figure in row `row` of the table with a `system` column."""
    for table in tables:
        if system not in table[0]:
            continue
        column = table[0].index(system)
        for cells in table[1:]:
            if cells[0] == row and column < len(cells):
                return int(cells[column].replace(",", ""))
    raise PlotError(f"{where} has no {system} reference for '{row}': "
                    f"add a row '{row}' to its table with a '{system}' column")


# ---- panels ----

def frame(svg, top, height, title, left=LEFT):
    """A panel's title; returns its plot area (x0, y0, x1, y1)."""
    svg.text(left, top + 22, title, size=15, weight="bold")
    return left, top + 44, WIDTH - RIGHT, top + height - 50


def y_axis(svg, box, scale, label):
    x0, y0, x1, y1 = box
    for v in scale.ticks():
        y = scale(v)
        svg.line(x0, y, x1, y, stroke="#ddd")
        svg.text(x0 - 6, y + 4, thousands(v), size=11, anchor="end")
    svg.line(x0, y0, x0, y1)
    svg.text(x0 - 62, (y0 + y1) / 2, label, size=12, anchor="middle", rotate=-90)


def x_axis(svg, box, ticks, label):
    """ticks: [(x, text)]."""
    x0, y0, x1, y1 = box
    svg.line(x0, y1, x1, y1)
    for x, text in ticks:
        svg.line(x, y1, x, y1 + 5)
        svg.text(x, y1 + 19, text, size=11, anchor="middle")
    svg.text((x0 + x1) / 2, y1 + 40, label, size=12, anchor="middle")


def line_panel(svg, top, ident, title, points, xscale, xlabels, xlabel, ylabel):
    """points: [(x value, y value)], with a value label at each."""
    svg.group(ident)
    box = frame(svg, top, PANEL_H, title)
    yscale = Scale(0, nice_ceiling(max(v for _, v in points)), box[3], box[1])
    y_axis(svg, box, yscale, ylabel)
    x_axis(svg, box, [(xscale(x), text) for (x, _), text in zip(points, xlabels)], xlabel)
    xy = [(xscale(x), yscale(v)) for x, v in points]
    svg.polyline(xy, HERE)
    for (px, py), (_, v) in zip(xy, points):
        svg.circle(px, py, 4, HERE)
        svg.text(px, py - 9, thousands(v), size=11, anchor="middle", weight="bold")
    svg.end_group()


def messip_panel(svg, top, figures):
    sizes = series(figures, "round_trips_per_minsn_")
    if sizes[0][0] != 0:
        raise PlotError("bench output has no 'round_trips_per_minsn_0' (inline) figure")
    smallest = sizes[1][0]
    # 0 cannot sit on a log axis: inline goes two doublings left of the rest
    points = [(smallest / 4 if size == 0 else size, v) for size, v in sizes]
    xscale = Scale(points[0][0] / 1.5, points[-1][0] * 1.5, LEFT, WIDTH - RIGHT, log2=True)
    labels = ["inline" if size == 0 else size_label(size) for size, _ in sizes]
    line_panel(svg, top, "panel-messip",
               "IPC round trips per million guest instructions, by message size",
               points, xscale, labels, "out-of-line bytes per call (log scale)",
               "round trips / million instructions")


def async_panel(svg, top, figures):
    points = series(figures, "async_msg_cost_b")
    xscale = Scale(points[0][0] / 1.5, points[-1][0] * 1.5, LEFT, WIDTH - RIGHT, log2=True)
    line_panel(svg, top, "panel-async", "Async cost per message, by batch size",
               points, xscale, [str(b) for b, _ in points],
               "messages per pull (log scale)", "guest instructions / message")


def comparison_rows(figures, tables):
    """[(row name, [(who, colour, value, label)])] for panel 3."""
    rows = []
    for name, ours, refs in COMPARISONS:
        bars = [("this kernel", HERE, figure(figures, ours), "this kernel")]
        for system, row in refs:
            what = system if system == "Resea" else f"{system} {row}"
            bars.append((system, COLOURS[system], reference(tables, system, row),
                         f"{what} (reference)"))
        rows.append((name, bars))
    return rows


def comparison_panel(svg, top, rows):
    bar, gap, group_gap = 16, 4, 16
    height = 44 + sum(len(b) * (bar + gap) + group_gap for _, b in rows) + 60
    svg.group("panel-compare")
    x0, y0, x1, _ = frame(svg, top, height,
                          "This kernel beside Resea and Linux 6.1 (same QEMU flags), "
                          "log scale", left=BARS_LEFT)
    y1 = top + height - 50
    hi = max(v for _, bars in rows for _, _, v, _ in bars)
    scale = Scale(10, 10 ** len(str(hi)), x0, x1, log=True)
    for v in scale.ticks():
        svg.line(scale(v), y0, scale(v), y1, stroke="#ddd")
    x_axis(svg, (x0, y0, x1, y1), [(scale(v), thousands(v)) for v in scale.ticks()],
           "guest instructions per operation (log scale)")
    svg.line(x0, y0, x0, y1)
    y = y0 + group_gap / 2
    for name, bars in rows:
        block = len(bars) * (bar + gap)
        svg.text(x0 - 10, y + block / 2 + 2, name, size=12, anchor="end", weight="bold")
        for _, colour, value, label in bars:
            end = scale(value)
            svg.rect(x0, y, end - x0, bar, colour)
            text = f"{label}: {thousands(value)}"
            if end + 8 + 6.4 * len(text) < x1:
                svg.text(end + 6, y + bar - 4, text, size=11)
            else:  # no room to the right: inside the bar
                svg.text(end - 6, y + bar - 4, text, size=11, anchor="end", fill="white")
            y += bar + gap
        y += group_gap
    svg.end_group()
    return height


def plot(figures, tables):
    """The SVG text of the three panels."""
    rows = comparison_rows(figures, tables)  # fail before drawing anything
    svg = Svg(WIDTH, 0)
    svg.text(WIDTH / 2, 28, "make bench: guest instructions under QEMU -icount "
             "shift=0 (deterministic)", size=17, anchor="middle", weight="bold")
    messip_panel(svg, 50, figures)
    async_panel(svg, 50 + PANEL_H, figures)
    svg.height = 50 + 2 * PANEL_H + comparison_panel(svg, 50 + 2 * PANEL_H, rows) + 10
    return svg.render()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", help="a file of BENCH lines (build/bench.txt)")
    ap.add_argument("-o", "--output", required=True, help="the SVG to write")
    ap.add_argument("--docs", default=DOCS, help="where the reference tables are")
    args = ap.parse_args(argv)
    try:
        with open(args.bench, encoding="utf-8") as f:
            figures = parse_bench(f.read())
        with open(args.docs, encoding="utf-8") as f:
            tables = parse_tables(f.read())
        text = plot(figures, tables)
    except (OSError, PlotError) as e:
        print(f"bench_plot: {e}", file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"plot: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
