#!/usr/bin/env python3
"""Draws the benchmark results as one SVG (standard library only): L1 hit, key shapes and miss path in ns/op
on a log axis, 1 and 2 threads side by side; the startup medians (sample service, hello world) and the HTTP load
run on linear axes. Every input is optional; --jmh may be given more than once (results are merged).

    python3 benchmarks/chart.py --jmh benchmarks/results/DATE.json [--jmh SHAPES.json] \
        --startup benchmarks/results/DATE-startup.json [--startup-hello DATE-startup-hello.json] \
        [--http DATE-http.json] --out docs/benchmarks.svg
"""
import argparse
import json
import math
from xml.sax.saxutils import escape

import report

WIDTH = 1000
LABEL_W = 360
PLOT_X = LABEL_W + 10
PLOT_W = WIDTH - PLOT_X - 150
BAR_H = 13
ROW_GAP = 10
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
COLORS = {1: "#3b6fb6", 2: "#9cc1ea"}
WEFT = "#d9822b"
WEFT_LIGHT = "#f2c08f"


SHORT = {"(b′) diagnostic: Caffeine configured like Weft's L1, key by hand": "(b′) Caffeine set up like Weft's L1, key by hand"}


def plain(label):
    return SHORT.get(label, label).replace("**", "").replace("`", "")


def fmt_time(ns):
    if ns >= 1000:
        return f"{ns / 1000:.2f} µs" if ns < 10000 else f"{ns / 1000:.1f} µs"
    if ns >= 10:
        return f"{ns:.0f} ns"
    return f"{ns:.2g} ns"


def tick_label(ns):
    if ns >= 1000:
        return f"{ns / 1000:g} µs"
    return f"{ns:g} ns"


class Svg:
    def __init__(self):
        self.parts = []
        self.y = 0

    def text(self, x, y, s, size=12, anchor="start", weight="normal", fill="#222"):
        self.parts.append(f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
                          f"font-weight='{weight}' fill='{fill}' {FONT}>{escape(s)}</text>")

    def rect(self, x, y, w, h, fill):
        self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 1):.1f}' height='{h:.1f}' fill='{fill}'/>")

    def line(self, x1, y1, x2, y2, stroke="#ccc", dash=None):
        extra = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{stroke}'{extra}/>")

    def render(self):
        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{self.y + 20:.0f}' "
                f"viewBox='0 0 {WIDTH} {self.y + 20:.0f}'>\n<rect width='100%' height='100%' fill='white'/>\n"
                + "\n".join(self.parts) + "\n</svg>\n")


def log_panel(svg, title, rows, threads):
    """rows: [(label, {threads: result})]; one bar per thread count, on a log axis."""
    values = [r["ns"] for _, by in rows for r in by.values() if r and r["ns"] > 0]
    if not values:
        return
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values) * 1.05))

    def x(ns):
        return PLOT_X + PLOT_W * (math.log10(ns) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    svg.y += 28
    svg.text(10, svg.y, title, size=15, weight="bold")
    legend_x = PLOT_X
    svg.y += 20
    for t in threads:
        svg.rect(legend_x, svg.y - 10, 12, 10, COLORS.get(t, "#888"))
        svg.text(legend_x + 16, svg.y, f"{t} thread{'s' if t > 1 else ''}", size=11)
        legend_x += 90
    svg.text(legend_x + 10, svg.y, "(log axis; Weft in orange; labels: time per call · bytes allocated per call)", size=11, fill="#666")
    top = svg.y + 10
    height = len(rows) * (len(threads) * BAR_H + ROW_GAP)
    decade = lo
    while decade <= hi * 1.0001:
        svg.line(x(decade), top, x(decade), top + height, stroke="#ddd")
        svg.text(x(decade), top + height + 14, tick_label(decade), size=10, anchor="middle", fill="#666")
        decade *= 10
    y = top + ROW_GAP / 2
    for label, by in rows:
        is_weft = "**Weft**" in label
        svg.text(LABEL_W, y + len(threads) * BAR_H / 2 + 4, plain(label), size=12, anchor="end",
                 weight="bold" if is_weft else "normal")
        for i, t in enumerate(threads):
            r = by.get(t)
            if r and r["ns"] > 0:
                fill = (WEFT if i == 0 else WEFT_LIGHT) if is_weft else COLORS.get(t, "#888")
                end = x(r["ns"])
                svg.rect(PLOT_X, y, end - PLOT_X, BAR_H - 2, fill)
                text = fmt_time(r["ns"])
                if r.get("bytes") is not None:
                    text += f" · {r['bytes']:,.0f} B"
                svg.text(end + 4, y + BAR_H - 3, text, size=10, fill="#333")
            y += BAR_H
        y += ROW_GAP
    svg.y = top + height + 20


def linear_panel(svg, title, rows, note="(median time to the first served request; label: median · overhead over no agent)",
                 unit="ms", value_label=None, headroom=1.05):
    """rows: [(label, value, overhead or None)]; value_label(value, overhead) writes each bar's label; the axis
    ends at headroom × the largest value (room for long labels)."""
    hi = max(ms for _, ms, _ in rows) * headroom
    step = 10 ** math.floor(math.log10(hi))
    if hi / step < 3:
        step /= 2

    def x(ms):
        return PLOT_X + PLOT_W * ms / hi

    svg.y += 28
    svg.text(10, svg.y, title, size=15, weight="bold")
    svg.y += 18
    svg.text(PLOT_X, svg.y, note, size=11, fill="#666")
    top = svg.y + 10
    height = len(rows) * (BAR_H + ROW_GAP)
    tick = 0.0
    while tick <= hi:
        svg.line(x(tick), top, x(tick), top + height, stroke="#ddd")
        svg.text(x(tick), top + height + 14, f"{tick:g} {unit}", size=10, anchor="middle", fill="#666")
        tick += step
    y = top + ROW_GAP / 2
    for label, ms, overhead in rows:
        is_weft = label.startswith("Weft")
        svg.text(LABEL_W, y + BAR_H - 3, label, size=12, anchor="end", weight="bold" if label == "Weft" else "normal")
        svg.rect(PLOT_X, y, x(ms) - PLOT_X, BAR_H, WEFT if is_weft else COLORS[1])
        text = value_label(ms, overhead) if value_label else f"{ms:,.0f} ms · {overhead:+,.0f} ms"
        svg.text(x(ms) + 4, y + BAR_H - 2, text, size=10, fill="#333")
        y += BAR_H + ROW_GAP
    svg.y = top + height + 20


SHAPE_ROWS = [
    ("UuidAndPage", "{userId}:{page}, UUID + int"),
    ("Name", "{name}, String"),
    ("BoxedLongId", "{id}, Long"),
    ("LongId", "{id}, long"),
    ("PropertyPath", "{request.customerId}"),
    ("Constant", "constant"),
]


def startup_rows(startup):
    return [(plain(report.STARTUP_LABELS.get(v["name"], v["name"])), v["medianFirstRequestMs"], v["overheadMs"])
            for v in startup["variants"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jmh", action="append", default=[])
    parser.add_argument("--startup")
    parser.add_argument("--startup-hello")
    parser.add_argument("--http")
    parser.add_argument("--out", default="docs/benchmarks.svg")
    args = parser.parse_args()
    svg = Svg()
    subtitle = []
    results = {}
    for path in args.jmh:
        results.update(report.load_jmh(path))
    if results:
        subtitle.append(next(iter(results.values()))["jdk"].strip())
        threads = sorted({t for (p, _, t) in results if p == report.L1})
        rows = [(label, {t: results.get((report.L1, m, t)) for t in threads})
                for m, label in report.L1_ROWS if any(results.get((report.L1, m, t)) for t in threads)]
        if rows:
            log_panel(svg, "L1 hit: getBooks(userId), key storybook:books:{userId}", rows, threads)
        threads = sorted({t for (p, _, t) in results if p == report.SHAPES})
        rows = []
        for shape, label in SHAPE_ROWS:
            for who, method in (("**Weft**", "weft" + shape), ("raw Caffeine", "caffeine" + shape)):
                by = {t: results.get((report.SHAPES, method, t)) for t in threads}
                if any(by.values()):
                    rows.append((f"{label}: {who}", by))
        if rows:
            log_panel(svg, "L1 hit by key shape: Weft against raw Caffeine getIfPresent with the same key built by hand",
                      rows, threads)
        threads = sorted({t for (p, _, t) in results if p == report.MISS})
        rows = [(label, {t: results.get((report.MISS, m, t)) for t in threads})
                for m, label in report.MISS_ROWS if any(results.get((report.MISS, m, t)) for t in threads)]
        if rows:
            log_panel(svg, "Miss path: new key on every call, full 10,000-entry cache", rows, threads)
    if args.startup:
        with open(args.startup) as f:
            startup = json.load(f)
        linear_panel(svg, f"Startup of the sample app (median of {startup['rounds']} runs each)", startup_rows(startup))
        subtitle.append(f"{startup['cores']} cores")
    if args.startup_hello:
        with open(args.startup_hello) as f:
            hello = json.load(f)
        linear_panel(svg, f"Startup of a hello world with one woven method (median of {hello['rounds']} runs each)",
                     startup_rows(hello), note="(median time from start to exit; label: median · overhead over no agent)")
    if args.http:
        with open(args.http) as f:
            http = json.load(f)
        rows = [(v["variant"], v["requestsPerSecond"], v) for v in http["variants"]]
        linear_panel(svg, f"Sample service under HTTP load ({http['clients']} clients, {http['seconds']} s: 80 % shelf reads"
                     " of 1,000 users, 10 % voices, 10 % writes)", rows, unit="req/s",
                     note="(requests per second; label: req/s · p50 / p99 latency · hit ratio)", headroom=1.6,
                     value_label=lambda rps, v: f"{rps:,.0f} req/s · {v['p50Ms']:.2f} / {v['p99Ms']:.1f} ms"
                                                f" · hits {v['hitRatio'] * 100:.0f} %")
    svg.y += 6
    svg.text(10, svg.y, "Weft benchmarks · " + " · ".join(subtitle), size=10, fill="#888")
    with open(args.out, "w") as f:
        f.write(svg.render())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
