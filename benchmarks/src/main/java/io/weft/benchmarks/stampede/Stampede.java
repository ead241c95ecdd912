package io.weft.benchmarks.stampede;

import static io.weft.benchmarks.PeerJvms.pct;

import io.weft.benchmarks.PeerJvms;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cold-key stampede across a fleet (issue 15, SPEC §12), a plain Java program: for each variant it starts
 * {@code --peers} JVMs ({@link StampedePeer}) on one private Redis, each with {@code --threads} callers; every round
 * all the callers of the fleet ask for the same cold key at once (released together by a {@code GO} line on each
 * peer's standard input), whose method body sleeps {@code --body-ms}. It reports how many times the body ran per
 * round across the fleet (the loader calls) and the percentiles of each call's wait:
 * <ul>
 * <li>{@code weft}: the agent with its defaults: fleet-wide single flight under the key's Redis lease, the other
 * instances wait up to {@code weft.lease.wait} (1 s) for the value;</li>
 * <li>{@code weft-lease-1ms}: the agent with {@code -Dweft.lease.wait=1ms}, the shortest: each JVM's own single
 * flight only (the instances without the lease give up waiting at once and run the body);</li>
 * <li>{@code no-agent}: the same program without the agent: every call runs the body.</li>
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.stampede.Stampede --redis redis://127.0.0.1:PORT \
 *      --agent /abs/agent/target/weft-agent.jar --out stampede.json [--rounds 20] [--warmup-rounds 5] [--peers 4]
 *      [--threads 32] [--body-ms 200] [--variants weft,weft-lease-1ms,no-agent]
 * </pre>
 */
public final class Stampede {

    private static final String[] VARIANTS = {"weft", "weft-lease-1ms", "no-agent"};
    /** Longest wait for a peer to start (agent, Redis connection) or to finish a round. */
    private static final long LIMIT_SECONDS = 120;

    private Stampede() {
    }

    public static void main(String[] argv) throws Exception {
        PeerJvms.Options options = PeerJvms.Options.parse(argv, "[--rounds N] [--warmup-rounds W] [--peers P]"
                + " [--threads T] [--body-ms MS] [--variants " + String.join(",", VARIANTS) + "]",
                "rounds", "warmup-rounds", "peers", "threads", "body-ms", "variants");
        int rounds = options.integer("rounds", 20);
        int warmupRounds = options.integer("warmup-rounds", 5);
        int peers = options.integer("peers", 4);
        int threads = options.integer("threads", 32);
        long bodyMillis = options.integer("body-ms", 200);
        List<String> variants = List.of(options.get("variants", String.join(",", VARIANTS)).split(","));
        if (rounds < 1 || peers < 1 || threads < 1 || !List.of(VARIANTS).containsAll(variants)) {
            throw new IllegalArgumentException("--rounds, --peers and --threads must be at least 1; --variants among "
                    + String.join(",", VARIANTS));
        }
        List<String> json = new ArrayList<>();
        for (String variant : variants) {
            json.add(run(variant, options, peers, threads, bodyMillis, warmupRounds, rounds));
        }
        PeerJvms.writeResult(options, List.of("\"peers\": " + peers, "\"threadsPerPeer\": " + threads,
                "\"rounds\": " + rounds, "\"warmupRounds\": " + warmupRounds, "\"bodyMillis\": " + bodyMillis), json);
    }

    /** A peer JVM: its process, its standard input, and the lines it printed that the coordinator waits for. */
    private record Peer(String name, Process process, OutputStream stdin, BlockingQueue<String> lines) {

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        /** The next line starting with {@code prefix}; fails when the peer exits or takes longer than the limit. */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException(name + " exited (code " + process.exitValue() + ") before "
                            + prefix);
                }
            }
            throw new IllegalStateException(name + " printed no " + prefix + " line within " + LIMIT_SECONDS + " s");
        }
    }

    /** Runs one variant's rounds on a fresh fleet; prints and returns (as JSON) its summary. */
    private static String run(String variant, PeerJvms.Options options, int peerCount, int threads, long bodyMillis,
            int warmupRounds, int rounds) throws Exception {
        PeerJvms.flushPrivateRedis(options.redis());
        List<String> jvm = new ArrayList<>(List.of(options.java(), "-Xms64m", "-Xmx256m"));
        if (!variant.equals("no-agent")) {
            jvm.addAll(List.of("-javaagent:" + new File(options.agent()).getAbsolutePath(),
                    "-Dweft.redis.uri=" + options.redis()));
        }
        if (variant.equals("weft-lease-1ms")) {
            jvm.add("-Dweft.lease.wait=1ms");
        }
        jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), StampedePeer.class.getName(),
                variant.equals("no-agent") ? "plain" : "weft", Integer.toString(threads)));
        long started = System.nanoTime();
        List<Peer> peers = new ArrayList<>();
        try {
            for (int p = 0; p < peerCount; p++) {
                List<String> command = new ArrayList<>(jvm);
                command.addAll(List.of(Integer.toString(p), Long.toString(bodyMillis)));
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                String name = variant + " peer " + p;
                PeerJvms.pump(process, name,
                        line -> (line.equals("READY") || line.startsWith("ROUND ")) && lines.add(line));
                peers.add(new Peer(name, process, process.getOutputStream(), lines));
            }
            for (Peer peer : peers) {
                peer.await("READY");
            }
            int[] runs = new int[rounds];
            long[] waits = new long[rounds * peerCount * threads];
            long[] spreads = new long[rounds];
            int count = 0;
            for (int r = 0; r < warmupRounds + rounds; r++) {
                for (Peer peer : peers) {
                    peer.send("GO " + r);
                }
                int bodyRuns = 0;
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                List<long[]> roundWaits = new ArrayList<>();
                for (Peer peer : peers) {
                    long[] f = Arrays.stream(peer.await("ROUND ").split(" ")).skip(2).mapToLong(Long::parseLong)
                            .toArray();
                    bodyRuns += (int) f[0];
                    first = Math.min(first, f[1]);
                    last = Math.max(last, f[2]);
                    long[] w = Arrays.copyOfRange(f, 3, f.length);
                    if (Arrays.stream(w).anyMatch(wait -> wait < 0)) {
                        throw new IllegalStateException(peer.name() + ": a call failed in round " + r);
                    }
                    roundWaits.add(w);
                }
                if (r < warmupRounds) {
                    continue;
                }
                runs[r - warmupRounds] = bodyRuns;
                spreads[r - warmupRounds] = last - first;
                for (long[] w : roundWaits) {
                    System.arraycopy(w, 0, waits, count, w.length);
                    count += w.length;
                }
            }
            for (Peer peer : peers) {
                peer.send("EXIT");
            }
            for (Peer peer : peers) {
                if (!peer.process().waitFor(30, TimeUnit.SECONDS) || peer.process().exitValue() != 0) {
                    throw new IllegalStateException(peer.name() + " did not exit cleanly");
                }
            }
            return summarize(variant, runs, Arrays.copyOf(waits, count), spreads, (System.nanoTime() - started) / 1e9);
        } finally {
            for (Peer peer : peers) {
                peer.process().destroyForcibly();
            }
        }
    }

    private static String summarize(String variant, int[] runs, long[] waits, long[] spreads, double seconds) {
        Arrays.sort(waits);
        Arrays.sort(spreads);
        int total = Arrays.stream(runs).sum();
        int min = Arrays.stream(runs).min().orElse(0);
        int max = Arrays.stream(runs).max().orElse(0);
        double mean = (double) total / runs.length;
        System.out.printf(Locale.ROOT, "%-15s loader calls per round: total %d over %d rounds, mean %.2f, min %d, max %d"
                        + " | call wait p50 %.1f ms p99 %.1f ms max %.1f ms (%d calls) | start spread p50 %.1f ms"
                        + " (%.1f s)%n", variant, total, runs.length, mean, min, max, pct(waits, 50) / 1e3,
                pct(waits, 99) / 1e3, waits[waits.length - 1] / 1e3, waits.length, pct(spreads, 50) / 1e3, seconds);
        return String.format(Locale.ROOT, "    {\"name\": \"%s\", \"loaderCallsTotal\": %d, \"loaderCallsMean\": %.3f,"
                        + " \"loaderCallsMin\": %d, \"loaderCallsMax\": %d, \"loaderCallsPerRound\": [%s], \"calls\": %d,"
                        + " \"minMicros\": %d, \"p50Micros\": %d, \"p90Micros\": %d, \"p99Micros\": %d, \"maxMicros\": %d,"
                        + " \"startSpreadP50Micros\": %d, \"startSpreadMaxMicros\": %d, \"seconds\": %.1f}",
                variant, total, mean, min, max,
                Arrays.stream(runs).mapToObj(Integer::toString).collect(Collectors.joining(", ")), waits.length,
                waits[0], pct(waits, 50), pct(waits, 90), pct(waits, 99), waits[waits.length - 1],
                pct(spreads, 50), spreads[spreads.length - 1], seconds);
    }
}
