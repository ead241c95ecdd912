package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lettuce.core.KillArgs;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 on a real Redis Cluster (three masters, three replicas, {@code cluster-node-timeout} 1 s), reached
 * through one seed node (the writer's another master, the other instance's the master that is killed): the
 * master of a cached key is killed ({@code kill -9}) right after it acknowledged
 * an invalidation that its replica never got. While the replica is promoted, calls go on, each Redis wait
 * bounded by {@code weft.redis.timeout}; afterwards values are stored on and read from the new master, and
 * the instance that invalidated counted the failover and sent the lost delete again, and the other instance,
 * whose last event was lost with the master (the stream's), cleared its L1.
 */
class ClusterFailoverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(250);
    /** What a call may take beyond the timeout: running the "method", scheduling on 2 busy cores. */
    /** Far beyond any wait the calls may make ({@code TIMEOUT}): a call that takes this long hangs on the dead master. */
    private static final Duration HANG = Duration.ofSeconds(5);

    private final String ns = "c" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Closer closer = new Closer();
    private long slowestCallNanos;

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    @Test
    void aDeleteTheKilledMasterNeverReplicatedIsSentAgainAndCallsGoOnThroughThePromotion() {
        RedisClusterFixture cluster = closer.later(RedisClusterFixture.start(Duration.ofSeconds(1)));
        // a book on the master of the invalidation stream: its event is lost with the master too
        RedisFixture master = cluster.masterOf(ns + "events:cache.invalidated");
        String key = cluster.keysOf(master, IntStream.range(0, 100).mapToObj(i -> ns + "books:" + i)
                .collect(Collectors.toList())).get(0);
        String book = key.substring((ns + "books:").length());
        RedisFixture replica = cluster.replicaOf(master);
        RedisFixture seed = cluster.masters().stream().filter(node -> node != master).findFirst().orElseThrow();
        RedisInstance writer = instance(cluster, seed, "writer");
        RedisInstance other = instance(cluster, master, "other"); // seeded with the master that is killed
        // new books in a slot of the master that is killed (a hash tag that it serves), to call while it is down
        String tag = cluster.keysOf(master, IntStream.range(0, 100).mapToObj(i -> "{p" + i + "}")
                .collect(Collectors.toList())).get(0);
        Iterator<String> probes = IntStream.iterate(0, i -> i + 1).mapToObj(i -> tag + i).iterator();

        assertEquals("old", writer.find(book, "old"));
        Await.until("the value is in Redis", () -> master.admin().exists(key) == 1);
        assertEquals("old", other.find(book, "not run: a hit in Redis"));
        assertEquals(1L, master.admin().waitForReplication(1, 5_000), "the replica holds the value");

        // The replica stops taking the master's writes: stalled, and its link cut so nothing is left in flight.
        replica.suspend();
        master.admin().clientKill(KillArgs.Builder.typeSlave());
        writer.save(book);
        assertEquals(0, master.admin().exists(key), "the old master acknowledged the delete");
        Await.until("the other instance read the invalidation", () -> other.reader.eventsApplied() == 1);
        master.kill();
        replica.resume();

        long killed = System.nanoTime();
        String[] stored = new String[1];
        Await.until(Duration.ofSeconds(30), "the replica is promoted and a miss is stored on it", () -> {
            stored[0] = probes.next();
            call(writer, stored[0]);
            return replica.admin().info("replication").contains("role:master")
                    && replica.admin().exists(ns + "books:" + stored[0]) == 1;
        });
        System.out.printf("promoted and storing %d ms after the kill; slowest call %d ms%n",
                (System.nanoTime() - killed) / 1_000_000, slowestCallNanos / 1_000_000);
        // the other instance, seeded with the killed master, may still be finding the new topology (its calls
        // meanwhile go to the method, bounded): it reads a value the writer stored on the new master
        Await.until(Duration.ofSeconds(30), "the other instance reads from the new master", () -> {
            String probe = probes.next();
            call(writer, probe);
            Await.until("the probe is stored", () -> replica.admin().exists(ns + "books:" + probe) == 1);
            return probe.equals(other.find(probe, "not run: a miss on the other instance"));
        });

        Await.until(Duration.ofSeconds(10), "the delete is sent again to the new master",
                () -> replica.admin().exists(key) == 0);
        assertEquals(1, writer.failovers.failovers(), "the writer counted the failover");
        assertEquals(1, writer.runtime.invalidationsReplayed(), "the invalidation of the last 30 s");
        Await.until("the other instance found its stream behind the last entry it read",
                () -> other.reader.gapClears() == 1);
        assertEquals("new", other.find(book, "new"), "the old value is not served");
    }

    private RedisInstance instance(RedisClusterFixture cluster, RedisFixture seed, String id) {
        return closer.later(new RedisInstance(new RedisEndpoint(cluster.uri(List.of(seed)), true), ns, id, TIMEOUT));
    }

    /**
     * Calls the cached method on a book nobody called yet (a miss that may store); it must return its value and not
     * hang on the dead master. The slowest call is noted for the log, not asserted (a loaded machine stretches it).
     */
    private void call(RedisInstance instance, String bookId) {
        long start = System.nanoTime();
        assertEquals(bookId, assertTimeoutPreemptively(HANG, () -> instance.find(bookId, bookId)));
        slowestCallNanos = Math.max(slowestCallNanos, System.nanoTime() - start);
    }
}
