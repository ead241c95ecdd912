#!/usr/bin/env python3
"""Prints the benchmark tables (Markdown) and the issue-4 targets from a JMH JSON file and/or the
startup JSON written by benchmarks/run.sh. Standard library only.

    python3 benchmarks/report.py --jmh benchmarks/results/DATE.json --startup benchmarks/results/DATE-startup.json \
        --eviction benchmarks/results/DATE-eviction.json --stampede benchmarks/results/DATE-stampede.json
"""
import argparse
import json
import sys

L1 = "io.weft.benchmarks.l1.L1Hit."
MISS = "io.weft.benchmarks.miss.Miss."
SHAPES = "io.weft.benchmarks.l1.L1HitShapes."
L2 = "io.weft.benchmarks.l2.L2Hit."
BATCH = "io.weft.benchmarks.l1.L1BatchHit."

L2_ROWS = [
    ("floorLettuceGetJackson", "raw Lettuce sync `GET` + Jackson `readValue` (floor)"),
    ("weft", "**Weft** `@CacheResult`, L1 bypassed (`weft.l1.ttl=1ms`)"),
    ("springCacheable", "Spring `@Cacheable` + `RedisCacheManager`, `Jackson2JsonRedisSerializer<List<Book>>`"),
]

EVICTION_LABELS = {
    "xadd-xread": "`XADD` → `XREAD BLOCK` between two plain JVMs (floor)",
    "del-xadd": "`DEL` with an event-sized `XADD` right behind it on one connection → `XREAD BLOCK` (Weft's commands, no Weft)",
    "pubsub": "Redis pub/sub `PUBLISH` → `SUBSCRIBE`",
    "weft": "**Weft**: `@InvalidateCache` returned → the other JVM's next `@CacheResult` call misses L1",
    "weft-reloaded": "Weft, same run: → that call's body runs (after its Redis lookup)",
    "weft-pg": "**Weft, PostgreSQL** (`weft.store.uri`: events table, `LISTEN`/`NOTIFY`): returned → the other JVM misses L1",
    "weft-pg-reloaded": "Weft, PostgreSQL, same run: → that call's body runs (after its database lookup)",
    "weft-pg-call": "the writer's call, PostgreSQL: `@InvalidateCache` (`DELETE`, the event row)",
    "xadd-xread-call": "the writer's call: one `XADD` round trip (floor of a call)",
    "del-xadd-call": "the writer's call: `DEL` with the `XADD` right behind it, waiting for the `DEL` (floor of Weft's design)",
    "weft-call": "the writer's call: `@InvalidateCache` (`DEL` and the event)",
    "weft-round-trip": "the same writer JVM, beside each call: a plain Lettuce `DEL` of two keys (floor of the call)",
}

STAMPEDE_LABELS = {
    "weft": "**Weft**, defaults: fleet-wide single flight (`weft.lease.wait=1s`)",
    "weft-lease-1ms": "Weft, `weft.lease.wait=1ms`: each JVM's own single flight only",
    "no-agent": "no agent: every call runs the method",
}

L1_ROWS = [
    ("floorDirectCall", "(a) direct call, uncached (floor)"),
    ("caffeineHandBuiltKey", "(b) Caffeine `getIfPresent`, key built by hand"),
    ("caffeinePrebuiltKey", "(c) Caffeine `getIfPresent`, prebuilt key"),
    ("caffeineWeftLikeHandBuiltKey", "(b′) diagnostic: Caffeine configured like Weft's L1, key by hand"),
    ("weft", "(d) **Weft** `@CacheResult` (agent)"),
    ("springCacheable", "(e) Spring `@Cacheable` + `CaffeineCacheManager`"),
    ("springCacheableSync", "(f) Spring `@Cacheable(sync = true)`"),
    ("jetCacheCached", "(g) JetCache `@Cached` local (Caffeine)"),
]

MISS_ROWS = [
    ("floorUncachedCall", "uncached call (floor)"),
    ("caffeineGetWithLoader", "Caffeine `get(key, loader)`, key built by hand"),
    ("weft", "**Weft** `@CacheResult` (agent)"),
    ("springCacheable", "Spring `@Cacheable` + `CaffeineCacheManager`"),
]

STARTUP_LABELS = {
    "no-agent": "no agent",
    "empty-premain": "`-javaagent` with an empty `premain`",
    "bytebuddy-noop": "bare Byte Buddy `AgentBuilder` matching nothing",
    "bytebuddy-weave-one": "bare Byte Buddy `AgentBuilder` weaving one method",
    "weft": "**Weft**",
    "weft-disabled": "Weft, `-Dweft.enabled=false`",
}


def number(value):
    """JMH writes "NaN" (a string) for the error of a single measurement."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if value != value else value


def load_jmh(path):
    """{(prefix, method, threads): {"ns": score, "err": error, "bytes": B/op}}"""
    with open(path) as f:
        runs = json.load(f)
    out = {}
    for run in runs:
        name = run["benchmark"]
        prefix, method = name.rsplit(".", 1)
        alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        out[(prefix + ".", method, run["threads"])] = {
            "ns": run["primaryMetric"]["score"],
            "err": number(run["primaryMetric"]["scoreError"]),
            "bytes": alloc["score"] if alloc else None,
            "jdk": run.get("jdkVersion", "") + " " + run.get("vmName", "") + " " + run.get("vmVersion", ""),
        }
    return out


def fmt_ns(value, err=None):
    if value is None:
        return "–"
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    if err is not None:
        text += f" ± {err:.0f}" if value >= 100 else f" ± {err:.1f}" if value >= 10 else f" ± {err:.2f}"
    return text


def fmt_bytes(value):
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 1 else "0"


def jmh_tables(results):
    lines = []
    threads = sorted({t for (p, _, t) in results if p == L1})
    if threads:
        lines.append("L1 hit of `List<Book> getBooks(UUID userId)`, key `storybook:books:{userId}` (avgt, ns/op ± 99.9% CI; B/op from `-prof gc`)")
        lines.append("")
        head = "| variant |"
        rule = "|---|"
        for t in threads:
            head += f" {t} thread{'s' if t > 1 else ''}: ns/op | B/op |"
            rule += "---:|---:|"
        head += " × (b), 1 thread |"
        rule += "---:|"
        lines += [head, rule]
        base = results.get((L1, "caffeineHandBuiltKey", 1))
        for method, label in L1_ROWS:
            row = f"| {label} |"
            present = False
            for t in threads:
                r = results.get((L1, method, t))
                present = present or r is not None
                row += f" {fmt_ns(r and r['ns'], r and r['err'])} | {fmt_bytes(r and r['bytes'])} |"
            r1 = results.get((L1, method, 1))
            ratio = r1["ns"] / base["ns"] if (r1 and base) else None
            row += " – |" if ratio is None else f" {ratio:.3f} |" if ratio < 0.1 else f" {ratio:.2f} |"
            if present:
                lines.append(row)
        lines.append("")
    miss_threads = sorted({t for (p, _, t) in results if p == MISS})
    if miss_threads:
        lines.append("Miss path: a key never seen before on every call, into a full 10,000-entry cache (avgt, ns/op ± 99.9% CI)")
        lines.append("")
        head = "| variant |"
        rule = "|---|"
        for t in miss_threads:
            head += f" {t} thread{'s' if t > 1 else ''}: ns/op | B/op |"
            rule += "---:|---:|"
        head += " − floor, 1 thread: ns |"
        rule += "---:|"
        lines += [head, rule]
        floor = results.get((MISS, "floorUncachedCall", 1))
        for method, label in MISS_ROWS:
            row = f"| {label} |"
            present = False
            for t in miss_threads:
                r = results.get((MISS, method, t))
                present = present or r is not None
                row += f" {fmt_ns(r and r['ns'], r and r['err'])} | {fmt_bytes(r and r['bytes'])} |"
            r1 = results.get((MISS, method, 1))
            row += f" {fmt_ns(r1['ns'] - floor['ns'])} |" if (r1 and floor) else " – |"
            if present:
                lines.append(row)
        lines.append("")
    l2_threads = sorted({t for (p, _, t) in results if p == L2})
    if l2_threads:
        lines.append("L2 hit of the ~1 KB `List<Book>` from a private redis-server on loopback, no L1 (avgt, µs/op ± 99.9% CI)")
        lines.append("")
        lines += ["| variant | µs/op | B/op | × floor |", "|---|---:|---:|---:|"]
        floor = results.get((L2, "floorLettuceGetJackson", 1))
        for method, label in L2_ROWS:
            r = results.get((L2, method, 1))
            if r is None:
                continue
            ratio = f"{r['ns'] / floor['ns']:.2f}" if floor else "–"
            lines.append(f"| {label} | {fmt_ns(r['ns'], r['err'])} | {fmt_bytes(r['bytes'])} | {ratio} |")
        lines.append("")
    return lines


def eviction_table(eviction):
    lines = [f"Cross-instance eviction delay: {eviction['messages'] - eviction['warmup']:,} messages per variant after "
             f"{eviction['warmup']} of warm-up, one every {eviction['periodMicros'] / 1000:g} ms (µs, wall clock of one host)", ""]
    lines.append("| variant | p50 | p90 | p99 | p99.9 | max | seen |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for v in eviction["variants"]:
        lines.append(f"| {EVICTION_LABELS.get(v['name'], v['name'])} | {v['p50Micros']:,} | {v['p90Micros']:,} | "
                     f"{v['p99Micros']:,} | {v['p999Micros']:,} | {v['maxMicros']:,} | {v['count']:,} |")
    lines.append("")
    return lines


def stampede_table(stampede):
    calls = stampede["peers"] * stampede["threadsPerPeer"]
    lines = [f"Cold-key stampede: {stampede['peers']} JVMs × {stampede['threadsPerPeer']} threads call one cold key at "
             f"once ({calls:,} calls a round), the method takes {stampede['bodyMillis']} ms; {stampede['rounds']} "
             f"measured rounds per variant after {stampede['warmupRounds']} of warm-up "
             "(loader calls: how many times the method ran, across the fleet; wait: each call's time, ms)", ""]
    lines.append("| variant | loader calls, total | per round, mean | per round, max | wait p50 | wait p99 | wait max |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for v in stampede["variants"]:
        lines.append(f"| {STAMPEDE_LABELS.get(v['name'], v['name'])} | {v['loaderCallsTotal']:,} | "
                     f"{v['loaderCallsMean']:,.2f} | {v['loaderCallsMax']:,} | {v['p50Micros'] / 1000:,.1f} | "
                     f"{v['p99Micros'] / 1000:,.1f} | {v['maxMicros'] / 1000:,.1f} |")
    lines.append("")
    return lines


def startup_table(startup):
    lines = [f"Startup: time from process start to the first served `GET {startup['firstRequest']}` "
             f"(median of {startup['rounds']} interleaved runs each)", ""]
    lines.append("| variant | median ms | overhead ms | min ms | max ms | median ms to READY line |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for v in startup["variants"]:
        runs = sorted(v["firstRequestMs"])
        lines.append(f"| {STARTUP_LABELS.get(v['name'], v['name'])} | {v['medianFirstRequestMs']:,.0f} | "
                     f"{v['overheadMs']:+,.0f} | {runs[0]:,.0f} | {runs[-1]:,.0f} | {v['medianReadyMs']:,.0f} |")
    lines.append("")
    return lines


def targets(results, startup, eviction=None):
    lines = ["Targets of issue 4", "", "| target | measured | |", "|---|---|---|"]

    def verdict(ok):
        return "met" if ok else "**missed**"

    if results:
        for t in sorted({t for (p, _, t) in results if p == L1}):
            weft = results.get((L1, "weft", t))
            raw = results.get((L1, "caffeineHandBuiltKey", t))
            spring = results.get((L1, "springCacheable", t))
            if weft and raw:
                ratio = weft["ns"] / raw["ns"]
                lines.append(f"| L1 hit ≤ 1.3 × raw Caffeine, key built by hand ({t} thread{'s' if t > 1 else ''}) | "
                             f"{weft['ns']:.1f} / {raw['ns']:.1f} ns = {ratio:.2f} × | {verdict(ratio <= 1.3)} |")
                if weft["bytes"] is not None and raw["bytes"] is not None:
                    extra = weft["bytes"] - raw["bytes"]
                    lines.append(f"| L1 hit allocates ≤ the key + 32 B ({t} thread{'s' if t > 1 else ''}) | "
                                 f"{weft['bytes']:.0f} B vs key {raw['bytes']:.0f} B ({extra:+.0f} B) | {verdict(extra <= 32)} |")
            if weft and spring:
                ratio = spring["ns"] / weft["ns"]
                lines.append(f"| L1 hit ≥ 8 × faster than Spring `@Cacheable` ({t} thread{'s' if t > 1 else ''}) | "
                             f"{spring['ns']:,.0f} / {weft['ns']:.1f} ns = {ratio:.1f} × | {verdict(ratio >= 8)} |")
    if results:
        weft = results.get((L2, "weft", 1))
        floor = results.get((L2, "floorLettuceGetJackson", 1))
        if weft and floor:
            ratio = weft["ns"] / floor["ns"]
            lines.append(f"| L2 hit ≤ 1.15 × raw Lettuce `GET` + Jackson | {weft['ns']:.1f} / {floor['ns']:.1f} µs"
                         f" = {ratio:.2f} × | {verdict(ratio <= 1.15)} |")
    if results:
        batch = results.get((BATCH, "weftBatchOf100", 1))
        singles = results.get((BATCH, "weft100Singles", 1))
        if batch and singles:
            ratio = batch["ns"] / singles["ns"]
            lines.append(f"| fully L1-cached batch of 100 ≤ 1.3 × 100 single L1 hits (issue 16) | {batch['ns']:,.0f} / "
                         f"{singles['ns']:,.0f} ns = {ratio:.2f} × | {verdict(ratio <= 1.3)} |")
    if eviction:
        by = {v["name"]: v for v in eviction["variants"]}
        if {"weft", "xadd-xread"} <= by.keys():
            w, f = by["weft"], by["xadd-xread"]
            for key, name, bound in (("p50Micros", "p50", 1.5), ("p99Micros", "p99", 2.0)):
                ratio = w[key] / f[key] if f[key] > 0 else float("inf")
                lines.append(f"| eviction delay {name} ≤ {bound:g} × `XADD`→`XREAD` | {w[key]:,} / {f[key]:,} µs"
                             f" = {ratio:.2f} × | {verdict(ratio <= bound)} |")
        if {"weft-call", "weft-round-trip"} <= by.keys():
            w, f = by["weft-call"]["p50Micros"], by["weft-round-trip"]["p50Micros"]
            ratio = w / f if f > 0 else float("inf")
            lines.append(f"| invalidating call p50 ≤ 1.2 × one Redis round trip (issue 14) | {w:,} / {f:,} µs"
                         f" = {ratio:.2f} × | {verdict(ratio <= 1.2)} |")
            if "del-xadd-call" in by:
                d = by["del-xadd-call"]["p50Micros"]
                lines.append(f"| (beside it, the same commands without Weft: `DEL` + `XADD` in one write) | {d:,} / {f:,} µs"
                             f" = {d / f if f > 0 else float('inf'):.2f} × (Weft / that: {w / d if d > 0 else float('inf'):.2f} ×) | — |")
    if startup:
        by = {v["name"]: v["overheadMs"] for v in startup["variants"]}
        if {"weft", "bytebuddy-noop"} <= by.keys():
            ratio = by["weft"] / by["bytebuddy-noop"] if by["bytebuddy-noop"] > 0 else float("inf")
            lines.append(f"| startup overhead ≤ 0.5 × bare `AgentBuilder`'s | {by['weft']:+.0f} / {by['bytebuddy-noop']:+.0f} ms"
                         f" = {ratio:.2f} × | {verdict(ratio <= 0.5)} |")
        if {"weft-disabled", "empty-premain"} <= by.keys():
            ratio = by["weft-disabled"] / by["empty-premain"] if by["empty-premain"] > 0 else float("inf")
            lines.append(f"| `weft.enabled=false` overhead ≤ 1.5 × empty `premain`'s | {by['weft-disabled']:+.0f} / "
                         f"{by['empty-premain']:+.0f} ms = {ratio:.2f} × | {verdict(ratio <= 1.5)} |")
    lines.append("")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jmh", help="JMH JSON written by io.weft.benchmarks.Suite")
    parser.add_argument("--startup", help="startup JSON written by io.weft.benchmarks.startup.Startup")
    parser.add_argument("--eviction", help="eviction-delay JSON written by io.weft.benchmarks.eviction.Eviction")
    parser.add_argument("--stampede", help="cold-key stampede JSON written by io.weft.benchmarks.stampede.Stampede")
    parser.add_argument("--smoke", action="store_true", help="a smoke run: print the tables, judge no target")
    args = parser.parse_args()
    if not args.jmh and not args.startup and not args.eviction and not args.stampede:
        parser.error("give --jmh, --startup, --eviction and/or --stampede")
    results = load_jmh(args.jmh) if args.jmh else {}
    startup = None
    eviction = None
    if args.eviction:
        with open(args.eviction) as f:
            eviction = json.load(f)
    stampede = None
    if args.stampede:
        with open(args.stampede) as f:
            stampede = json.load(f)
    if args.startup:
        with open(args.startup) as f:
            startup = json.load(f)
    out = []
    if args.smoke:
        out += ["SMOKE RUN: each benchmark ran once, briefly, unwarmed: these numbers only show that it started.", ""]
    if results:
        jdk = next(iter(results.values()))["jdk"]
        out.append(f"JMH forks: {jdk.strip()}")
        out.append("")
        out += jmh_tables(results)
    if startup:
        out += startup_table(startup)
    if eviction:
        out += eviction_table(eviction)
    if stampede:
        out += stampede_table(stampede)
    if not args.smoke and (results or startup or eviction):
        out += targets(results, startup, eviction)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
