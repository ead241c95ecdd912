package io.weft.benchmarks.eviction;

import static io.weft.benchmarks.PeerJvms.pct;

import io.weft.benchmarks.PeerJvms;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Cross-instance eviction delay (issue 4, item 4), a plain Java program: for each variant it starts two
 * JVMs ({@link EvictionPeer}) on one private Redis, a writer that writes at a fixed rate and a reader that
 * records when it sees each write, then reports percentiles of (seen − written) after a warm-up:
 * <ul>
 * <li>{@code xadd-xread} (the floor): {@code XADD} → {@code XREAD BLOCK 0} from the last id read;</li>
 * <li>{@code del-xadd}: as {@code xadd-xread}, the {@code XADD} (of an event's size) sent right behind a {@code DEL}
 * of a key and its lease's name on one connection, the call waiting for the {@code DEL}'s reply: what Weft's
 * invalidating call sends, without Weft ({@code del-xadd-call} is that call's floor);</li>
 * <li>{@code pubsub}: {@code PUBLISH} → {@code SUBSCRIBE};</li>
 * <li>{@code weft}: both JVMs with the agent; the writer calls an {@code @InvalidateCache} method, the
 * reader polls the {@code @CacheResult} method until a call misses L1 (seen: when that call started);</li>
 * <li>{@code weft-reloaded}: the same run, until the body of that call ran (after its Redis lookup);</li>
 * <li>{@code weft-pg} (with {@code --postgres}): as {@code weft}, the shared level and the events in PostgreSQL
 * ({@code weft.store.uri}, in tables of the run's own, dropped at its end) instead of Redis.</li>
 * </ul>
 * Beside each variant's delay, its writer's call time (µs): {@code XADD}'s round trip, Weft's invalidating call, and
 * (Redis) a plain {@code DEL} round trip measured in the Weft writer's JVM next to each call.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.eviction.Eviction --redis redis://127.0.0.1:PORT \
 *      --agent /abs/agent/target/weft-agent.jar --out eviction.json [--messages 5000] [--period-us 2000] [--warmup 200]
 *      [--postgres jdbc:postgresql://127.0.0.1:5432/test?user=postgres]
 * </pre>
 */
public final class Eviction {

    private static final String[] VARIANTS = {"xadd-xread", "del-xadd", "pubsub", "weft"};

    private Eviction() {
    }

    public static void main(String[] argv) throws Exception {
        PeerJvms.Options options = PeerJvms.Options.parse(argv, "[--messages N] [--period-us P] [--warmup W]"
                + " [--postgres JDBC-URL]", "messages", "period-us", "warmup", "postgres");
        String postgres = options.get("postgres", null);
        String pgTable = "bench_evict_" + Long.toHexString(System.nanoTime());
        String redis = options.redis();
        String agent = options.agent();
        String java = options.java();
        int messages = options.integer("messages", 5000);
        long periodMicros = Long.parseLong(options.get("period-us", "2000"));
        int warmup = options.integer("warmup", 200);
        if (warmup >= messages) {
            throw new IllegalArgumentException("--warmup must be smaller than --messages");
        }
        String classpath = System.getProperty("java.class.path");
        Path dir = Files.createTempDirectory("weft-eviction");
        List<String> json = new ArrayList<>();
        List<String> variants = new ArrayList<>(Arrays.asList(VARIANTS));
        if (postgres != null) {
            variants.add("weft-pg");
        }
        for (String variant : variants) {
            String mode = variant.equals("xadd-xread") ? "xadd" : variant.startsWith("weft") ? "weft" : variant;
            PeerJvms.flushPrivateRedis(redis);
            List<String> jvm = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m"));
            if (mode.equals("weft")) {
                jvm.addAll(List.of("-javaagent:" + new File(agent).getAbsolutePath(), "-Dweft.l1.ttl=10m"));
                jvm.addAll(variant.equals("weft-pg")
                        ? List.of("-Dweft.store.uri=" + postgres, "-Dweft.store.table=" + pgTable)
                        : List.of("-Dweft.redis.uri=" + redis));
            }
            jvm.addAll(List.of("-cp", classpath, EvictionPeer.class.getName()));
            Path readerLog = dir.resolve(variant + "-reader.txt");
            Path writerLog = dir.resolve(variant + "-writer.txt");
            long started = System.nanoTime();
            long limitSeconds = 60 + messages * periodMicros / 1_000_000;

            List<String> readerCmd = new ArrayList<>(jvm);
            readerCmd.addAll(List.of("reader", mode, redis, Integer.toString(messages), readerLog.toString()));
            Process reader = new ProcessBuilder(readerCmd).redirectErrorStream(true).start();
            CountDownLatch ready = new CountDownLatch(1);
            Thread pump = PeerJvms.pump(reader, variant + " reader", line -> {
                if (line.equals("READY")) {
                    ready.countDown();
                }
                return line.equals("READY") || line.equals("DONE");
            });
            if (!ready.await(limitSeconds, TimeUnit.SECONDS)) {
                reader.destroyForcibly();
                throw new IllegalStateException(variant + ": the reader never became READY");
            }
            List<String> writerCmd = new ArrayList<>(jvm);
            writerCmd.addAll(List.of("writer", mode, redis, Integer.toString(messages), writerLog.toString(),
                    Long.toString(periodMicros)));
            Process writer = new ProcessBuilder(writerCmd).redirectErrorStream(true).start();
            Thread writerPump = PeerJvms.pump(writer, variant + " writer", line -> line.equals("DONE"));
            boolean ok = writer.waitFor(limitSeconds, TimeUnit.SECONDS) && reader.waitFor(limitSeconds, TimeUnit.SECONDS);
            if (!ok) {
                writer.destroyForcibly();
                reader.destroyForcibly();
                throw new IllegalStateException(variant + ": the peers did not finish within " + limitSeconds + " s");
            }
            pump.join(1000);
            writerPump.join(1000);
            if (writer.exitValue() != 0 || reader.exitValue() != 0) {
                throw new IllegalStateException(variant + ": a peer failed (writer exit " + writer.exitValue()
                        + ", reader exit " + reader.exitValue() + ")");
            }
            Map<Integer, Long> sent = read(writerLog);
            double seconds = (System.nanoTime() - started) / 1e9;
            json.add(summarize(variant, sent, read(readerLog), messages, warmup, seconds));
            if (mode.equals("weft")) {
                json.add(summarize(variant + "-reloaded", sent, read(Path.of(readerLog + EvictionPeer.RELOADED)), messages,
                        warmup, seconds));
            }
            if (!mode.equals("pubsub")) {
                // the writer's call itself (µs): Weft's invalidating call beside one XADD round trip
                Map<Integer, Long> calls = read(Path.of(writerLog + EvictionPeer.CALLS));
                Map<Integer, Long> zero = new HashMap<>();
                calls.keySet().forEach(i -> zero.put(i, 0L));
                json.add(summarize(variant + "-call", zero, calls, messages, warmup, seconds));
                if (variant.equals("weft")) {
                    json.add(summarize("weft-round-trip", zero, read(Path.of(writerLog + EvictionPeer.ROUND_TRIPS)),
                            messages, warmup, seconds));
                }
            }
        }
        if (postgres != null) {
            dropTables(postgres, pgTable);
        }
        PeerJvms.writeResult(options, List.of("\"messages\": " + messages, "\"warmup\": " + warmup,
                "\"periodMicros\": " + periodMicros), json);
        for (File f : dir.toFile().listFiles()) {
            f.delete();
        }
        dir.toFile().delete();
    }

    /** Prints and returns (as JSON) the percentiles of seen − sent for the messages after the warm-up. */
    private static String summarize(String variant, Map<Integer, Long> sent, Map<Integer, Long> seen, int messages,
            int warmup, double seconds) {
        long[] delays = new long[messages - warmup];
        int count = 0;
        int missing = 0;
        for (int i = warmup; i < messages; i++) {
            Long s = sent.get(i);
            Long r = seen.get(i);
            if (s == null || r == null) {
                missing++;
            } else {
                delays[count++] = r - s;
            }
        }
        delays = Arrays.copyOf(delays, count);
        Arrays.sort(delays);
        System.out.printf(Locale.ROOT, "%-13s n=%d missing=%d  p50=%d µs p90=%d p99=%d p99.9=%d max=%d  (%.1f s)%n",
                variant, count, missing, pct(delays, 50), pct(delays, 90), pct(delays, 99), pct(delays, 99.9),
                count == 0 ? -1 : delays[count - 1], seconds);
        if (missing > 0) {
            throw new IllegalStateException(variant + ": " + missing + " of " + (messages - warmup)
                    + " measured messages were never seen");
        }
        return String.format(Locale.ROOT, "    {\"name\": \"%s\", \"count\": %d, \"missing\": %d, \"minMicros\": %d,"
                + " \"p50Micros\": %d, \"p90Micros\": %d, \"p99Micros\": %d, \"p999Micros\": %d, \"maxMicros\": %d,"
                + " \"seconds\": %.1f}", variant, count, missing, count == 0 ? -1 : delays[0], pct(delays, 50),
                pct(delays, 90), pct(delays, 99), pct(delays, 99.9), count == 0 ? -1 : delays[count - 1], seconds);
    }

    /** Drops the tables Weft created for the {@code weft-pg} variant. */
    private static void dropTables(String postgres, String table) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(postgres);
                java.sql.Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table + ", " + table + "_tags, " + table + "_events");
        }
    }

    private static Map<Integer, Long> read(Path log) throws IOException {
        Map<Integer, Long> times = new HashMap<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                int space = line.indexOf(' ');
                times.put(Integer.parseInt(line.substring(0, space)), Long.parseLong(line.substring(space + 1)));
            }
        }
        return times;
    }
}
