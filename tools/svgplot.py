"""A small SVG writer for charts: text, lines, boxes and axis scales.

Just what tools/bench_plot.py needs, with no dependency beyond the
standard library: a Svg collects elements and renders one self-contained
document; a Scale maps values to pixels, linearly or logarithmically, and
gives the ticks to label.
"""
import math
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def thousands(value):
    """12345 -> '12,345': figures are easier to read grouped."""
    return f"{value:,}"


def size_label(nbytes):
    """A byte count as people write it: 64 B, 4 KiB, 64 KiB."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale and nbytes % scale == 0:
            return f"{nbytes // scale} {unit}"
    return f"{nbytes} B"


class Svg:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.items = []

    def _add(self, tag, body=None, **attrs):
        # keyword arguments use _ where SVG attributes use -
        text = " ".join(f"{k.rstrip('_').replace('_', '-')}={quoteattr(str(v))}"
                        for k, v in attrs.items() if v is not None)
        if body is None:
            self.items.append(f"<{tag} {text}/>")
        else:
            self.items.append(f"<{tag} {text}>{escape(body)}</{tag}>")

    def text(self, x, y, s, size=12, anchor="start", weight=None, fill="#222",
             rotate=None):
        self._add("text", s, x=f"{x:.1f}", y=f"{y:.1f}", font_size=size,
                  text_anchor=anchor, font_weight=weight, fill=fill,
                  transform=f"rotate({rotate} {x:.1f} {y:.1f})" if rotate else None)

    def line(self, x1, y1, x2, y2, stroke="#222", width=1, dash=None):
        self._add("line", x1=f"{x1:.1f}", y1=f"{y1:.1f}", x2=f"{x2:.1f}",
                  y2=f"{y2:.1f}", stroke=stroke, stroke_width=width,
                  stroke_dasharray=dash)

    def rect(self, x, y, w, h, fill, stroke=None):
        self._add("rect", x=f"{x:.1f}", y=f"{y:.1f}", width=f"{w:.1f}",
                  height=f"{h:.1f}", fill=fill, stroke=stroke)

    def circle(self, x, y, r, fill):
        self._add("circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=r, fill=fill)

    def polyline(self, points, stroke, width=2):
        self._add("polyline", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                  fill="none", stroke=stroke, stroke_width=width)

    def group(self, ident):
        """Start a <g id=...>; close it with end_group()."""
        self.items.append(f"<g id={quoteattr(ident)}>")

    def end_group(self):
        self.items.append("</g>")

    def render(self):
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
                f'font-family={quoteattr(FONT)}>')
        background = f'<rect width="{self.width}" height="{self.height}" fill="white"/>'
        return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head,
                          background, *self.items, "</svg>", ""])


class Scale:
    """Values lo..hi onto pixels a..b, linear or logarithmic (base 10 ticks,
    or base 2 with log2=True, for sizes that double)."""

    def __init__(self, lo, hi, a, b, log=False, log2=False):
        self.log = log or log2
        self.base = 2 if log2 else 10
        if self.log and lo <= 0:
            raise ValueError("a log scale starts above 0")
        self.lo, self.hi, self.a, self.b = lo, hi, a, b

    def _t(self, v):
        return math.log(v, self.base) if self.log else v

    def __call__(self, v):
        span = self._t(self.hi) - self._t(self.lo)
        return self.a + (self._t(v) - self._t(self.lo)) / span * (self.b - self.a)

    def ticks(self):
        if self.log:
            first = math.ceil(self._t(self.lo) - 1e-9)
            last = math.floor(self._t(self.hi) + 1e-9)
            return [self.base ** k for k in range(first, last + 1)]
        step = nice_step(self.hi - self.lo)
        start = math.ceil(self.lo / step) * step
        return list(range(int(start), int(self.hi) + 1, int(step)))


def nice_step(span, count=5):
    """A round step (1, 2 or 5 times a power of ten) giving about count
    ticks over span."""
    raw = max(span / count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def nice_ceiling(value):
    """The first tick at or above value, so that the top point fits."""
    step = nice_step(value)
    return math.ceil(value / step) * step if value > 0 else step
