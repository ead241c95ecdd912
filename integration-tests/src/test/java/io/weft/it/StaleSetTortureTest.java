package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.Postgres;
import io.weft.it.support.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
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
 */
class StaleSetTortureTest {

    private static final int KEYS = 3;
    private static final long PROPAGATION_BOUND_MILLIS = 1000;
    private static final double MIN_READER_HIT_RATIO = 0.8;

    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWrite() throws Exception {
        try (RedisFixture redis = RedisFixture.start()) {
            torture(redis(redis.uri(), false), "", "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":", 8, 5);
        }
    }

    /** The same with the shared level in PostgreSQL (SPEC §14), in a table of its own: the lease is a column there. */
    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWriteOnPostgreSql() throws Exception {
        String table = Postgres.randomTable();
        try {
            torture(Map.of("weft.store.uri", Postgres.URL, "weft.store.table", table, "weft.store.timeout", "2s"),
                    " on PostgreSQL", "torture-" + UUID.randomUUID().toString().substring(0, 8) + ":", 8, 5);
        } finally {
            Postgres.drop(table);
        }
    }

    private static Map<String, String> redis(String uri, boolean cluster) {
        return Map.of("weft.redis.uri", uri, "weft.redis.cluster", String.valueOf(cluster), "weft.redis.timeout", "2s");
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
            Path writerLog = torture(redis(cluster.uri(List.of(cluster.nodes().get(0))), true), " on a cluster", namespace,
                    7, 3);
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
     * with the {@code shared} level's settings, checks what they did, and returns the writer's log.
     */
    private static Path torture(Map<String, String> shared, String label, String namespace, int readerSeconds,
            int writerSeconds) throws Exception {
        Path classes = TestApps.compile("torture", List.of("-g"), Paths.sampleAppJar());
        Path dir = Files.createTempDirectory(Paths.workDir(), "torture");
        Path readerLog = dir.resolve("reader.log");
        Path writerLog = dir.resolve("writer.log");
        String table = "weft_torture_" + namespace.replaceAll("[^a-z0-9]", "");
        setUp(classes, table, "create", CrossInstanceTest.POSTGRES, String.valueOf(KEYS));
        Supplier<AppJvm.Builder> app = () -> {
            AppJvm.Builder builder = AppJvm.builder().property("weft.namespace", namespace)
                    .property("torture.table", table).classpath(classes, Paths.sampleAppJar());
            shared.forEach(builder::property);
            return builder;
        };
        try (AppJvm reader = start(app, "reader", readerSeconds, readerLog)) {
            reader.awaitStdout("READY"::equals, Duration.ofSeconds(60));
            Map<String, String> w;
            try (AppJvm writer = start(app, "writer", writerSeconds, writerLog)) {
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
                    + " %d stale reads (bound %d ms)%n", label, reads, hitRatio, writes,
                    discarded, stale, PROPAGATION_BOUND_MILLIS);
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
