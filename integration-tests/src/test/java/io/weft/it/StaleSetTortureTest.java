package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Debugger;
import io.weft.it.support.Paths;
import io.weft.it.support.Postgres;
import io.weft.it.support.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5, the stale-set race, across two JVMs on three hot rows of PostgreSQL through Weft (L1 + Redis):
 * one JVM only writes (bursts a few milliseconds apart, then quiet gaps longer than the propagation
 * bound; every other burst evicts by the rows' tags instead of their keys, SPEC §13), the other only
 * reads, so the reader's L1 is emptied by the writer's events alone. No read may return a version older
 * than a write that completed in the writer more than the bound before the read began. And the test
 * checks that it tested something: the reader was served from the cache (a minimum hit ratio), and the
 * race happened and was caught (loaded values discarded because an invalidation overlapped their load).
 *
 * <p>How often the random part overlaps a load with a write, and in which order, is up to the machine. So the
 * test then forces the race in the two orders that need different protections ({@link #forceTheRace}), by key and
 * by tag: a load in the reader has read its row and took the key's lease when the writer writes the row and returns
 * from its invalidation, and only then does the load return its old value. Each time the old value must be gone
 * from the reader and from the shared level, and the test checks that each order did happen.
 */
class StaleSetTortureTest {

    private static final int KEYS = 3;
    private static final long PROPAGATION_BOUND_MILLIS = 1000;
    private static final double MIN_READER_HIT_RATIO = 0.8;
    private static final Duration CALL = Duration.ofSeconds(30);
    /**
     * The agent's class that reads the invalidation events (from Redis or PostgreSQL) and applies them, whose
     * {@code readSucceeded} its thread calls between two reads.
     */
    private static final String EVENTS_READER = "io.weft.agent.events.DispatchingReader";

    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWrite() throws Exception {
        try (RedisFixture redis = RedisFixture.start()) {
            torture(new Shared(redis(redis.uri(), false), key -> redis.admin().get(key), (a, b) -> true), "",
                    "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":", 8, 5);
        }
    }

    /** The same with the shared level in PostgreSQL (SPEC §14), in a table of its own: the lease is a column there. */
    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWriteOnPostgreSql() throws Exception {
        String table = Postgres.randomTable();
        try {
            torture(new Shared(Map.of("weft.store.uri", Postgres.URL, "weft.store.table", table, "weft.store.timeout",
                    "2s"), key -> storedInPostgres(table, key), (a, b) -> true), " on PostgreSQL",
                    "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":", 8, 5);
        } finally {
            Postgres.drop(table);
        }
    }

    private static Map<String, String> redis(String uri, boolean cluster) {
        return Map.of("weft.redis.uri", uri, "weft.redis.cluster", String.valueOf(cluster), "weft.redis.timeout", "2s");
    }

    /** The value of {@code key} in Weft's table {@code table}, as text, or null. */
    private static String storedInPostgres(String table, String key) {
        try {
            return Postgres.query("SELECT convert_from(value, 'UTF8') FROM " + table + " WHERE key = '" + key + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A shared level as the agents see it ({@code settings}) and as the test reads it: {@code value} of a key
     * (namespace included) or null, and {@code inOrder}: whether the agent sends the stores of two keys in the order
     * it makes them (on one connection: to one Redis node; PostgreSQL's are written by one thread).
     */
    private record Shared(Map<String, String> settings, Function<String, String> value,
            BiPredicate<String, String> inOrder) {
    }

    /**
     * The same, shortened, on a three-master Redis Cluster seeded with one node, each key on another master. The
     * reader goes on 4 s longer than the writer (whose JVM starts once the reader is ready), so its last loads
     * are stored after the last write: a key in Redis in the end, on its own master, holds the last version.
     */
    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWriteOnACluster() throws Exception {
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            String namespace;
            List<RedisFixture> masters;
            do {
                namespace = "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":";
                String ns = namespace;
                masters = IntStream.range(0, KEYS).mapToObj(k -> cluster.masterOf(ns + "torture:" + k))
                        .collect(Collectors.toList());
            } while (masters.stream().distinct().count() < KEYS);
            Path writerLog = torture(new Shared(redis(cluster.uri(List.of(cluster.nodes().get(0))), true),
                    key -> cluster.masterOf(key).admin().get(key), (a, b) -> cluster.masterOf(a) == cluster.masterOf(b)),
                    " on a cluster", namespace, 7, 3);
            List<TreeMap<Long, Long>> written = lastWrittenVersions(writerLog);
            int stored = 0;
            for (int k = 0; k < KEYS; k++) {
                String value = masters.get(k).admin().get(namespace + "torture:" + k);
                if (value != null) {
                    assertEquals(String.valueOf(written.get(k).lastEntry().getValue()), value, "key " + k);
                    stored++;
                }
            }
            assertTrue(stored > 0, "the reader's last loads are in Redis (unless the writer wrote last)");
        }
    }

    /**
     * Runs the reader for {@code readerSeconds} and, once it is ready, the writer for {@code writerSeconds}, both
     * with the {@code shared} level's settings, then forces the race, checks what they did, and returns the writer's
     * log.
     */
    private static Path torture(Shared shared, String label, String namespace, int readerSeconds, int writerSeconds)
            throws Exception {
        Path classes = TestApps.compile("torture", List.of("-g"), Paths.sampleAppJar());
        Path dir = Files.createTempDirectory(Paths.workDir(), "torture");
        Path readerLog = dir.resolve("reader.log");
        Path writerLog = dir.resolve("writer.log");
        String table = "weft_torture_" + namespace.replaceAll("[^a-z0-9]", "");
        setUp(classes, table, "create", CrossInstanceTest.POSTGRES, String.valueOf(KEYS));
        Supplier<AppJvm.Builder> app = () -> {
            AppJvm.Builder builder = AppJvm.builder().property("weft.namespace", namespace)
                    .property("torture.table", table).classpath(classes, Paths.sampleAppJar());
            shared.settings().forEach(builder::property);
            return builder;
        };
        try (AppJvm reader = start(() -> app.get().debuggable(), "reader", readerSeconds, readerLog)) {
            reader.awaitStdout("READY"::equals, Duration.ofSeconds(60));
            Map<String, String> w;
            int forced;
            long forcing;
            try (AppJvm writer = start(app, "writer", writerSeconds, writerLog)) {
                for (AppJvm side : List.of(reader, writer)) {
                    side.awaitStdout("TORTURED"::equals, Duration.ofSeconds(60));
                }
                long forcingFrom = System.nanoTime();
                forced = forceTheRace(reader, writer, shared, namespace);
                forcing = (System.nanoTime() - forcingFrom) / 1_000_000;
                writer.endInput();
                reader.endInput();
                w = writer.checks(Duration.ofSeconds(60));
            }
            Map<String, String> r = reader.checks(Duration.ofSeconds(60));
            long reads = count(r, "reads");
            long writes = count(w, "writes");
            long hits = count(r, "L1Hits") + count(r, "L2Hits");
            double hitRatio = hits / (double) (hits + count(r, "Misses"));
            long discarded = count(r, "StaleStoresDiscarded") + count(w, "StaleStoresDiscarded");
            long stale = crossInstanceStaleReads(writerLog, readerLog);
            System.out.printf("stale-set torture%s: %d reads (hit ratio %.3f), %d writes, %d stale stores discarded,"
                    + " %d stale reads (bound %d ms); %d forced races caught (in %d ms)%n", label, reads, hitRatio,
                    writes, discarded, stale, PROPAGATION_BOUND_MILLIS, forced, forcing);
            assertTrue(writes >= 20 && reads >= 1000, "the torture ran: " + reads + " reads, " + writes + " writes");
            assertTrue(count(w, "taggedWrites") * 4 >= writes, "about half the bursts evicted by tag: " + w);
            assertEquals(reads, hits + count(r, "Misses"), "every read went through the cache");
            assertTrue(hitRatio >= MIN_READER_HIT_RATIO, "the reader was served from the cache: hit ratio " + hitRatio);
            assertTrue(discarded > 0, "the race happened and was caught: no stale store was discarded");
            assertEquals(0, stale, "reads older than a write completed in the other JVM");
        } finally {
            setUp(classes, table, "drop", CrossInstanceTest.POSTGRES);
        }
        return writerLog;
    }

    /**
     * Forces the stale-set race in the two orders that need different protections, by key and then by tag, on the
     * keys in turn; returns how many rounds passed. Each round holds a load of the reader's after it read its row
     * (and took the key's lease), has the writer write the row and return from its invalidation, and only then lets
     * the load return the old version:
     * <ul>
     * <li>{@link #markDropsThePut}: the reader has applied the write's event before the load returns, so the load is
     * marked, and its put must be dropped: nothing else keeps the old version out of the reader's L1;
     * <li>{@link #leaseRefusesTheStore}: the reader applies the event only after the load returned (a debugger
     * holds its events reader meanwhile), so the put goes into its L1 (until the event comes) and the store goes to the
     * shared level, where the writer has stored the new version since: only the lease keeps the old one out.
     * </ul>
     */
    private static int forceTheRace(AppJvm reader, AppJvm writer, Shared shared, String namespace) throws Exception {
        int round = 0;
        try (Debugger debugger = Debugger.attach(reader)) {
            for (String write : List.of("write", "writeTagged")) {
                markDropsThePut(reader, writer, write, round % KEYS);
                round++;
                leaseRefusesTheStore(reader, writer, debugger, shared, namespace, write, round % KEYS, round);
                round++;
            }
        }
        return round;
    }

    /** The reader has applied the write's event when its load of key k, which read the row before the write, returns. */
    private static void markDropsThePut(AppJvm reader, AppJvm writer, String write, int k) {
        String round = write + " of key " + k + ", its event applied before the load returns: ";
        Load held = Load.of("held", reader.call("hold " + k, CALL), round);
        long written = Long.parseLong(writer.call(write + " " + k, CALL));
        assertEquals(held.version + 1, written, round + "the write came after the held load read the row");
        Load returned = Load.of("returned", reader.call("release event", CALL), round);
        assertEquals(held.version, returned.version, round + "the held load returns the version it read");
        assertEquals(written, Long.parseLong(reader.call("read " + k, CALL)),
                round + "the reader reads the new version (its old one must not stay in L1 after the event)");
        assertEquals(held.discarded + 1, returned.discarded,
                round + "the load was marked by the event and its put dropped: the race happened in this order");
    }

    /**
     * The reader applies the write's event only after its load of key k, which read the row before the write, has
     * returned; meanwhile the writer has read the new version (stored in the shared level under a lease of its own).
     * The reader's events reader is stopped between two reads (none in flight: nothing it reads can arrive and be
     * applied) from before the write until the old load's store is done.
     */
    private static void leaseRefusesTheStore(AppJvm reader, AppJvm writer, Debugger debugger, Shared shared,
            String namespace, String write, int k, int round) throws InterruptedException {
        String of = write + " of key " + k + ", its event held back until the load returned: ";
        String key = namespace + "torture:" + k;
        long received = Long.parseLong(reader.call("received", CALL));
        long writerReceived = Long.parseLong(writer.call("received", CALL));
        long written;
        Load held;
        Load returned;
        try (Debugger.Breakpoint between = debugger.breakpoint(EVENTS_READER, "readSucceeded")) {
            // the hold evicts the key first: its event, the reader's own, ends the read in flight
            held = Load.of("held", reader.call("hold " + k, CALL), of);
            between.awaitStopped(CALL);
            // that event must reach the writer before its read below loads: applied during the load, it would
            // (rightly) keep the load's value out of the shared level, which this round waits for
            Await.until(of + "the writer applied the hold's eviction",
                    () -> Long.parseLong(writer.call("received", CALL)) > writerReceived);
            written = Long.parseLong(writer.call(write + " " + k, CALL));
            assertEquals(held.version + 1, written, of + "the write came after the held load read the row");
            assertEquals(written, Long.parseLong(writer.call("read " + k, CALL)), of + "the writer reads its write");
            Await.until(of + "the writer's read stored in the shared level (under a lease of its own: the write deleted"
                    + " the held load's)",
                    () -> String.valueOf(written).equals(shared.value().apply(key)));
            returned = Load.of("returned", reader.call("release now", CALL), of);
            // a value stored after the load's, in order: once it is there, the load's store has been done
            String barrier = barrierAfter(shared, namespace, key, round);
            reader.call("barrier " + barrier, CALL);
            Await.until(of + "the reader's stores done",
                    () -> shared.value().apply(namespace + "torture-barrier:" + barrier) != null);
            assertEquals(received, Long.parseLong(reader.call("received", CALL)), of + "no event reached the reader yet");
        }
        assertEquals(held.version, returned.version, of + "the held load returns the version it read");
        assertEquals(held.discarded, returned.discarded,
                of + "the load's put went into the reader's L1 (no event had marked it) and its store was sent");
        assertEquals(String.valueOf(written), shared.value().apply(key),
                of + "the shared level holds the new version (the old load stored nothing: its lease was gone)");
        Await.until(of + "the reader applies the write's event",
                () -> Long.parseLong(reader.call("received", CALL)) > received);
        assertEquals(written, Long.parseLong(reader.call("read " + k, CALL)),
                of + "the reader reads the new version once the event is applied");
    }

    /** An id for the reader's {@code barrier} whose key the agent stores in order after {@code key}, new for {@code round}. */
    private static String barrierAfter(Shared shared, String namespace, String key, int round) {
        for (int i = 0; ; i++) {
            String id = round + "-" + i;
            if (shared.inOrder().test(key, namespace + "torture-barrier:" + id)) {
                return id;
            }
        }
    }

    /** A reply {@code <word> <version> discarded=<stale stores discarded so far>} of the reader. */
    private record Load(long version, long discarded) {
        static Load of(String word, String reply, String round) {
            String[] f = reply.split("[ =]");
            assertTrue(f.length == 4 && f[0].equals(word) && f[2].equals("discarded"), round + "expected " + word
                    + " <version> discarded=<count> from the reader, got: " + reply);
            return new Load(Long.parseLong(f[1]), Long.parseLong(f[3]));
        }
    }

    /** Creates or drops this run's table of rows, in a JVM without the agent. */
    private static void setUp(Path classes, String table, String... args) throws Exception {
        try (AppJvm setup = AppJvm.builder().withoutAgent().property("torture.table", table)
                .classpath(classes, Paths.sampleAppJar()).main("app.TortureSetup", args).start()) {
            setup.checks(Duration.ofSeconds(60));
        }
    }

    private static AppJvm start(Supplier<AppJvm.Builder> app, String role, int seconds, Path log) throws IOException {
        return app.get().main("app.Torture", role, CrossInstanceTest.POSTGRES, String.valueOf(KEYS), String.valueOf(seconds),
                log.toString()).start();
    }

    private static long count(Map<String, String> checks, String name) {
        String value = checks.get(name);
        assertNotNull(value, "no CHECK " + name + " in " + checks);
        return Long.parseLong(value);
    }

    /** Per key, the highest version written by each time in {@code writerLog} (its last entry: the last version). */
    private static List<TreeMap<Long, Long>> lastWrittenVersions(Path writerLog) throws IOException {
        List<TreeMap<Long, Long>> versionByTime = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            versionByTime.add(new TreeMap<>());
        }
        for (String line : Files.readAllLines(writerLog)) {
            String[] f = line.split(" ");
            if (f[0].equals("W")) {
                versionByTime.get(Integer.parseInt(f[1])).merge(Long.parseLong(f[3]), Long.parseLong(f[2]), Math::max);
            }
        }
        for (TreeMap<Long, Long> versions : versionByTime) {
            long max = 0;
            for (Map.Entry<Long, Long> e : versions.entrySet()) {
                max = Math.max(max, e.getValue());
                e.setValue(max);
            }
        }
        return versionByTime;
    }

    /** Reads in {@code readerLog} older than a write logged in {@code writerLog} at least the bound before them. */
    private static long crossInstanceStaleReads(Path writerLog, Path readerLog) throws Exception {
        List<TreeMap<Long, Long>> versionByTime = lastWrittenVersions(writerLog);
        long stale = 0;
        for (String line : Files.readAllLines(readerLog)) {
            String[] f = line.split(" ");
            if (f[0].equals("R")) {
                Map.Entry<Long, Long> floor = versionByTime.get(Integer.parseInt(f[1]))
                        .floorEntry(Long.parseLong(f[3]) - PROPAGATION_BOUND_MILLIS);
                if (floor != null && Long.parseLong(f[2]) < floor.getValue()) {
                    stale++;
                }
            }
        }
        return stale;
    }
}
