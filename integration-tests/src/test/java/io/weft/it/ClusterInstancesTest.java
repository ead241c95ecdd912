package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11: two JVMs of the {@code levels} app with the agent on a real Redis Cluster
 * ({@code weft.redis.cluster=true}), whose seed list names one master, not the one that owns the event
 * stream: a value one instance loaded is an L2 hit in the other (the method ran once across both), and an
 * invalidation in one evicts the entry from the other's L1 through that stream.
 */
class ClusterInstancesTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @Test
    void twoInstancesShareValuesAndEvictionsThroughTheCluster() throws Exception {
        String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Path classes = TestApps.compile("levels", List.of("-g"));
        try (RedisClusterFixture cluster = RedisClusterFixture.start()) {
            RedisFixture streamOwner = cluster.masterOf(namespace + "events:cache.invalidated");
            RedisFixture seed = cluster.masters().stream().filter(node -> node != streamOwner).findFirst()
                    .orElseThrow();
            try (AppJvm a = start(cluster, seed, namespace, classes);
                    AppJvm b = start(cluster, seed, namespace, classes)) {
                assertEquals("s-t0 runs=1", a.call("small t0", CALL), "a loads the value");
                String key = namespace + "levels:small:t0";
                RedisFixture owner = cluster.masterOf(key);
                Await.until("the value on its slot's master", () -> owner.admin().exists(key) == 1);
                assertEquals("s-t0 runs=0", b.call("small t0", CALL), "an L2 hit in b: the method ran once in all");
                assertEquals("s-t0 runs=0", b.call("small t0", CALL), "an L1 hit in b");

                assertEquals("touched runs=0", a.call("touch 1", CALL), "a invalidates levels:small:t0");
                Await.until(Duration.ofSeconds(10), "b evicted the entry (its next call runs the method)",
                        () -> b.call("small t0", CALL).equals("s-t0 runs=1"));
            }
        }
    }

    /**
     * A master is killed ({@code kill -9}, {@code cluster-node-timeout} 1 s) after both instances cached a value it
     * held: once its replica is promoted, a value one instance stores on it is an L2 hit in the other, and an
     * invalidation still evicts the value from the other's L1.
     */
    @Test
    void twoInstancesGoOnAcrossAFailover() throws Exception {
        String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Path classes = TestApps.compile("levels", List.of("-g"));
        try (RedisClusterFixture cluster = RedisClusterFixture.start(Duration.ofSeconds(1))) {
            String key = namespace + "levels:small:t0";
            RedisFixture master = cluster.masterOf(key);
            RedisFixture replica = cluster.replicaOf(master);
            RedisFixture seed = cluster.masters().stream().filter(node -> node != master).findFirst().orElseThrow();
            // new keys in a slot of the master that is killed (a hash tag that it serves)
            String tag = cluster.keysOf(master, IntStream.range(0, 100).mapToObj(i -> "{p" + i + "}")
                    .collect(Collectors.toList())).get(0);
            try (AppJvm a = start(cluster, seed, namespace, classes);
                    AppJvm b = start(cluster, seed, namespace, classes)) {
                assertEquals("s-t0 runs=1", a.call("small t0", CALL));
                assertEquals("s-t0 runs=0", b.call("small t0", CALL), "an L2 hit in b");
                assertEquals(1L, master.admin().waitForReplication(1, 5_000), "the replica holds the value");
                master.kill();
                Await.until(Duration.ofSeconds(30), "the replica is promoted",
                        () -> replica.admin().info("replication").contains("role:master"));

                Iterator<String> next = IntStream.iterate(0, i -> i + 1).mapToObj(i -> tag + i).iterator();
                Await.until(Duration.ofSeconds(30), "a value a stores on the promoted replica is an L2 hit in b", () -> {
                    String probe = next.next();
                    a.call("small " + probe, CALL);
                    if (replica.admin().exists(namespace + "levels:small:" + probe) == 0) {
                        return false;
                    }
                    String before = runs(b.call("small t0", CALL));
                    return runs(b.call("small " + probe, CALL)).equals(before);
                });
                String cached = runs(b.call("small t0", CALL));
                assertEquals("touched runs=0", a.call("touch 1", CALL), "a invalidates levels:small:t0");
                Await.until(Duration.ofSeconds(10), "b evicted t0 (its next call runs the method)",
                        () -> !runs(b.call("small t0", CALL)).equals(cached));
            }
        }
    }

    /** The {@code runs=} count of a reply: how often the app ran the method so far. */
    private static String runs(String reply) {
        return reply.substring(reply.indexOf("runs=") + 5);
    }

    private static AppJvm start(RedisClusterFixture cluster, RedisFixture seed, String namespace, Path classes)
            throws Exception {
        AppJvm app = AppJvm.builder().property("weft.redis.uri", cluster.uri(List.of(seed)))
                .property("weft.redis.cluster", "true").property("weft.namespace", namespace)
                .property("weft.redis.timeout", "2s")
                .classpath(classes, Paths.annotationsJar()).main("app.Levels").start();
        app.awaitStderr(line -> line.contains("reading invalidation events"), CALL);
        return app;
    }
}
