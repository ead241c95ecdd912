package io.weft.agent.cache;

import io.lettuce.core.KillArgs;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.RedisSentinelFixture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The chaos run of issue 13, a benchmark rather than a test (run by {@code benchmarks/chaos/sentinel-chaos.sh};
 * its name keeps it out of the test suite). Two instances (each its own runtime, Lettuce client and connections,
 * as {@link RedisInstance}) share a Sentinel-managed Redis (a master, a replica, three Sentinels) and a
 * "database" (a map). One thread per instance reads random keys; the main thread makes 10,000 writes (the
 * database first, then the instance's invalidation), alternating instances. In each of 5 cycles, a quarter
 * into its writes, the replica is stalled for 200 ms with its link cut (so the master acknowledges writes no
 * replica has), then the master is killed ({@code kill -9}) and the replica resumed; the writes go on through
 * the failover. Once the Sentinels have promoted the replica, the killed server has come back as the new
 * replica and both instances have sent their recent invalidations again, with writes stopped, every key is read in both instances
 * and in Redis and compared with the database: the stale reads after the failover settled. Keys still stale
 * 5 s later are lost invalidations.
 */
final class SentinelChaos {

    private static final int CYCLES = 5;
    private static final int WRITES = 10_000;
    private static final int KEYS = 200;
    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final Duration LAG = Duration.ofMillis(200);
    private static final String NS = "chaos:";

    /** Between two reads of a reader thread (200 µs by default: about 5,000 reads a second per instance). */
    private final long readPauseNanos;
    private final Map<String, String> database = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong callFailures = new AtomicLong();
    private final LongAccumulator slowestCallNanos = new LongAccumulator(Math::max, 0);
    private long version;

    private SentinelChaos(long readPauseNanos) {
        this.readPauseNanos = readPauseNanos;
    }

    /** @param args optionally the pause between two reads of a reader thread, in µs ({@code 0}: a busy loop) */
    public static void main(String[] args) throws Exception {
        long pauseMicros = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int lost = new SentinelChaos(pauseMicros * 1000).run();
        System.exit(lost == 0 ? 0 : 1);
    }

    private int run() throws Exception {
        System.out.println("sentinel chaos run, " + Instant.now() + ": " + WRITES + " writes, " + CYCLES
                + " kills of the master, " + KEYS + " keys, weft.redis.timeout " + TIMEOUT.toMillis() + " ms, "
                + readPauseNanos / 1000 + " µs between reads");
        for (int k = 0; k < KEYS; k++) {
            database.put(String.valueOf(k), "v0");
        }
        int staleTotal = 0;
        int lostTotal = 0;
        try (RedisSentinelFixture sentinel = RedisSentinelFixture.start(); Closer closer = new Closer()) {
            List<RedisFixture> servers = List.of(sentinel.master(), sentinel.replica());
            RedisInstance a = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), NS, "a", TIMEOUT));
            RedisInstance b = closer.later(new RedisInstance(new RedisEndpoint(sentinel.uri()), NS, "b", TIMEOUT));
            List<RedisInstance> instances = List.of(a, b);
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                RedisFixture master = current(sentinel, servers);
                RedisFixture replica = servers.get(0) == master ? servers.get(1) : servers.get(0);
                long replayedA = a.runtime.invalidationsReplayed();
                long replayedB = b.runtime.invalidationsReplayed();
                long killedAt = burst(instances, master, replica);
                Await.until(Duration.ofSeconds(60), "the Sentinels promote the replica", quietly(() -> current(sentinel, servers)
                        == replica && replica.admin().info("replication").contains("role:master")));
                long promotedAt = System.nanoTime();
                long failoverMillis = (promotedAt - killedAt) / 1_000_000;
                master.restart();
                Await.until(Duration.ofSeconds(60), "the killed server is back as a replica, in sync",
                        quietly(() -> master.admin().info("replication").contains("master_link_status:up")));
                boolean replayed = awaitQuietly(Duration.ofSeconds(60),
                        () -> a.runtime.invalidationsReplayed() > replayedA && b.runtime.invalidationsReplayed() > replayedB
                                && a.reader.connected() && b.reader.connected());
                long settleMillis = (System.nanoTime() - promotedAt) / 1_000_000;
                int stale = staleKeys(instances, replica);
                int lost = stale;
                if (stale > 0) {
                    Thread.sleep(5_000);
                    lost = staleKeys(instances, replica);
                }
                staleTotal += stale;
                lostTotal += lost;
                System.out.printf("cycle %d: master :%d killed, replica :%d promoted after %d ms; both instances sent their"
                        + " recent invalidations again: %s (%d ms after the promotion; the killed server back as a replica"
                        + " by then);"
                        + " stale keys then: %d; still stale 5 s later (lost invalidations): %d%n",
                        cycle, master.port(), replica.port(), failoverMillis, replayed, settleMillis, stale, lost);
            }
            System.out.printf("total: %d writes, %d calls, %d failed calls, slowest call %d ms, invalidations sent again"
                    + " a=%d b=%d, gap clears a=%d b=%d, stale keys after failovers %d, lost invalidations %d%n",
                    version, calls.get(), callFailures.get(), slowestCallNanos.get() / 1_000_000,
                    a.runtime.invalidationsReplayed(), b.runtime.invalidationsReplayed(), a.reader.gapClears(),
                    b.reader.gapClears(), staleTotal, lostTotal);
        }
        return lostTotal;
    }

    /**
     * One cycle's writes, with a reader per instance running meanwhile; a quarter into them the replica is
     * stalled, and {@link #LAG} later the master is killed and the replica resumed. Returns when the kill was.
     */
    private long burst(List<RedisInstance> instances, RedisFixture master, RedisFixture replica) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> readers = instances.stream().map(instance -> new Thread(() -> {
            while (running.get()) {
                read(instance, String.valueOf(ThreadLocalRandom.current().nextInt(KEYS)));
                if (readPauseNanos > 0) {
                    LockSupport.parkNanos(readPauseNanos);
                }
            }
        }, "chaos-reader")).toList();
        readers.forEach(Thread::start);
        int writes = WRITES / CYCLES;
        long killedAt = 0;
        long stalledAt = 0;
        for (int i = 0; i < writes; i++) {
            if (i == writes / 4) {
                replica.suspend();
                master.admin().clientKill(KillArgs.Builder.typeSlave());
                stalledAt = System.nanoTime();
            }
            if (stalledAt != 0 && killedAt == 0 && System.nanoTime() - stalledAt >= LAG.toNanos()) {
                master.kill();
                replica.resume();
                killedAt = System.nanoTime();
            }
            String key = String.valueOf(ThreadLocalRandom.current().nextInt(KEYS));
            database.put(key, "v" + ++version);
            long start = System.nanoTime();
            instances.get(i % 2).save(key);
            slowestCallNanos.accumulate(System.nanoTime() - start);
            Thread.sleep(2);
        }
        running.set(false);
        for (Thread reader : readers) {
            reader.join();
        }
        return killedAt;
    }

    private Object read(RedisInstance instance, String key) {
        long start = System.nanoTime();
        try {
            return instance.find(key, () -> database.get(key));
        } catch (RuntimeException e) {
            callFailures.incrementAndGet();
            return null;
        } finally {
            calls.incrementAndGet();
            slowestCallNanos.accumulate(System.nanoTime() - start);
        }
    }

    /** Keys that some instance or Redis ({@code master}) holds with another value than the database. */
    private int staleKeys(List<RedisInstance> instances, RedisFixture master) {
        int stale = 0;
        for (int k = 0; k < KEYS; k++) {
            String key = String.valueOf(k);
            String expected = database.get(key);
            String inRedis = master.admin().get(NS + "books:" + key);
            boolean wrong = inRedis != null && !inRedis.equals("\"" + expected + "\"");
            StringBuilder seen = new StringBuilder("key " + key + ": database " + expected + ", Redis " + inRedis);
            for (RedisInstance instance : instances) {
                Object value = read(instance, key);
                wrong |= !expected.equals(value);
                seen.append(", an instance ").append(value);
            }
            if (wrong && stale++ < 3) {
                System.out.println("  stale " + seen);
            }
        }
        return stale;
    }

    private static RedisFixture current(RedisSentinelFixture sentinel, List<RedisFixture> servers) {
        int port = ((InetSocketAddress) sentinel.masterAddress()).getPort();
        return servers.stream().filter(server -> server.port() == port).findFirst().orElseThrow();
    }

    /** {@code condition}, false while it throws (a server's admin connection reconnecting after a restart). */
    private static BooleanSupplier quietly(BooleanSupplier condition) {
        return () -> {
            try {
                return condition.getAsBoolean();
            } catch (RuntimeException e) {
                return false;
            }
        };
    }

    private static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) {
        try {
            Await.until(timeout, "", condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
