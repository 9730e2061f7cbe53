"""tools/bench_plot.py: BENCH output and the docs' reference tables become
one well-formed SVG of three panels showing every figure."""
import os
import re
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import bench_plot  # noqa: E402
from svgplot import Scale, size_label, thousands  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"

SAMPLE = """\
BENCH null_syscall 40 cycles
BENCH ipc_round_trip 671 cycles
BENCH ipc_round_trip_ool_4k 1711 cycles
BENCH ipc_round_trip_ool_64k 12511 cycles
BENCH shm_round_trip_64k 760 cycles
BENCH round_trips_per_minsn_0 1490 rt/Minsn
BENCH round_trips_per_minsn_64 1001 rt/Minsn
BENCH round_trips_per_minsn_4096 583 rt/Minsn
BENCH round_trips_per_minsn_65536 79 rt/Minsn
BENCH notify_waiting_task 464 cycles
BENCH async_msg_cost_b1 2128 cycles
BENCH async_msg_cost_b2 1155 cycles
BENCH async_msg_cost_b64 212 cycles
BENCH done
"""

DOCS = """\
| | Resea | here |
|-|------:|-----:|
| null system call | 127 | 40 |
| IPC round trip (call + reply) | 35,461 | 669 |
| round trip with 4 KiB out of line | 290,499 | 1,709 |

Text between the tables.

| | Linux 6.1 |
|-|----------:|
| getppid | 341 |
| futex ping-pong | 9,046 |
| pipe | 10,567 |
| unix-socket round trip, 4 KiB | 21,856 |
| unix-socket round trip, 64 KiB | 84,840 |
"""

REFERENCES = [127, 35461, 290499, 341, 9046, 10567, 21856, 84840]


def texts(root):
    return [t.text for t in root.iter(SVG + "text")]


class Parse(unittest.TestCase):
    def test_bench_lines(self):
        figures = bench_plot.parse_bench(SAMPLE + "[kernel] noise\n")
        self.assertEqual(figures["ipc_round_trip"], 671)
        self.assertEqual(figures["round_trips_per_minsn_0"], 1490)
        self.assertNotIn("done", figures)
        self.assertEqual(len(figures), 13)

    def test_series_by_number(self):
        figures = bench_plot.parse_bench(SAMPLE)
        self.assertEqual(bench_plot.series(figures, "async_msg_cost_b"),
                         [(1, 2128), (2, 1155), (64, 212)])

    def test_tables_and_references(self):
        tables = bench_plot.parse_tables(DOCS)
        self.assertEqual(len(tables), 2)
        self.assertEqual(tables[1][0], ["", "Linux 6.1"])
        self.assertEqual(bench_plot.reference(tables, "Resea", "null system call"), 127)
        self.assertEqual(bench_plot.reference(tables, "Linux 6.1", "pipe"), 10567)

    def test_the_real_docs_table_has_every_reference(self):
        with open(bench_plot.DOCS, encoding="utf-8") as f:
            tables = bench_plot.parse_tables(f.read())
        figures = bench_plot.parse_bench(SAMPLE)
        rows = bench_plot.comparison_rows(figures, tables)
        refs = [v for _, bars in rows for who, _, v, _ in bars if who != "this kernel"]
        self.assertEqual(sorted(refs), sorted(REFERENCES))


class Plot(unittest.TestCase):
    def setUp(self):
        self.figures = bench_plot.parse_bench(SAMPLE)
        self.tables = bench_plot.parse_tables(DOCS)
        self.root = ET.fromstring(bench_plot.plot(self.figures, self.tables))

    def test_figures_it_does_not_plot_are_left_out(self):
        extra = SAMPLE + "BENCH malloc_free_64 80 cycles\nBENCH vm_map_unmap_4k 900 cycles\n"
        root = ET.fromstring(bench_plot.plot(bench_plot.parse_bench(extra), self.tables))
        self.assertEqual(texts(root), texts(self.root))

    def test_three_panels_with_titles(self):
        panels = [g for g in self.root.iter(SVG + "g") if g.get("id", "").startswith("panel-")]
        self.assertEqual([g.get("id") for g in panels],
                         ["panel-messip", "panel-async", "panel-compare"])
        for g in panels:
            title = next(g.iter(SVG + "text")).text
            self.assertTrue(title and len(title) > 10, g.get("id"))

    def test_every_figure_and_reference_appears(self):
        shown = " | ".join(texts(self.root))
        for value in list(self.figures.values()) + REFERENCES:
            whole = rf"(?<![\d,]){re.escape(thousands(value))}(?![\d,])"
            self.assertRegex(shown, whole)

    def test_axes_say_their_units_and_sizes(self):
        shown = texts(self.root)
        for label in ("inline", "64 B", "4 KiB", "64 KiB", "1", "64",
                      "guest instructions / message",
                      "guest instructions per operation (log scale)"):
            self.assertIn(label, shown)
        self.assertTrue(any("(reference)" in t for t in shown))

    def test_the_svg_is_self_contained(self):
        for el in self.root.iter():
            for name, value in el.attrib.items():
                self.assertFalse(name.endswith("href"), f"{el.tag} links {value}")


class Missing(unittest.TestCase):
    def assert_error(self, bench, docs, *needles):
        with self.assertRaises(bench_plot.PlotError) as e:
            bench_plot.plot(bench_plot.parse_bench(bench), bench_plot.parse_tables(docs))
        for needle in needles:
            self.assertIn(needle, str(e.exception))

    def test_a_missing_figure(self):
        self.assert_error(SAMPLE.replace("BENCH notify_waiting_task 464 cycles\n", ""),
                          DOCS, "notify_waiting_task")

    def test_no_inline_round_trip(self):
        self.assert_error(SAMPLE.replace("BENCH round_trips_per_minsn_0 1490 rt/Minsn\n", ""),
                          DOCS, "round_trips_per_minsn_0")

    def test_too_few_batch_sizes(self):
        bench = "".join(line + "\n" for line in SAMPLE.splitlines()
                        if "async_msg_cost_b" not in line or "_b1 " in line)
        self.assert_error(bench, DOCS, "async_msg_cost_b", "at least two")

    def test_a_missing_reference(self):
        self.assert_error(SAMPLE, DOCS.replace("| pipe | 10,567 |\n", ""),
                          "Linux 6.1", "'pipe'")

    def test_a_missing_reference_table(self):
        self.assert_error(SAMPLE, DOCS.split("Text between")[0], "Linux 6.1", "getppid")

    def test_the_command_says_what_is_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            bench = os.path.join(tmp, "bench.txt")
            with open(bench, "w") as f:
                f.write(SAMPLE.replace("BENCH null_syscall 40 cycles\n", ""))
            out = os.path.join(tmp, "bench.svg")
            with open(os.devnull, "w") as null:
                stderr, sys.stderr = sys.stderr, null
                try:
                    status = bench_plot.main([bench, "-o", out])
                finally:
                    sys.stderr = stderr
            self.assertEqual(status, 1)
            self.assertFalse(os.path.exists(out))


class Scales(unittest.TestCase):
    def test_log_scale_ends_and_ticks(self):
        s = Scale(10, 1000, 0, 200, log=True)
        self.assertAlmostEqual(s(10), 0)
        self.assertAlmostEqual(s(100), 100)
        self.assertEqual(s.ticks(), [10, 100, 1000])

    def test_linear_ticks_are_round(self):
        self.assertEqual(Scale(0, 2500, 0, 1).ticks(), [0, 500, 1000, 1500, 2000, 2500])

    def test_sizes(self):
        self.assertEqual([size_label(n) for n in (64, 1024, 65536)],
                         ["64 B", "1 KiB", "64 KiB"])


if __name__ == "__main__":
    unittest.main()
