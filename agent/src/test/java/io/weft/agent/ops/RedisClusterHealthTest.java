package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.RedisConnector;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /health} and {@code weft_redis_up} on a real Redis Cluster, used as one node and as a cluster. */
class RedisClusterHealthTest {

    private static RedisClusterFixture cluster;
    private static RedisFixture node;
    private static String ns;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterFixture.start();
        node = cluster.masters().get(0);
        // a namespace whose event stream the node owns: the reader works, only other keys are redirected
        do {
            ns = "h" + UUID.randomUUID().toString().substring(0, 8) + ":";
        } while (cluster.masterOf(ns + "events:cache.invalidated") != node);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Snapshot lookUpKeysThenTakeSnapshot(boolean clusterFlag) {
        WeftConfig config = OpsFixture.config("weft.redis.uri", clusterFlag ? cluster.uri(List.of(node)) : node.uri(),
                "weft.redis.cluster", String.valueOf(clusterFlag), "weft.redis.timeout", "2s", "weft.namespace", ns);
        OpsFixture fixture = new OpsFixture();
        try (RedisConnector connector = RedisConnector.connect(fixture.runtime, config)) {
            Await.until("the event reader reads", () -> connector.reader().connected());
            RedisStore store = connector.store();
            for (int i = 0; i < 20; i++) {
                String key = ns + "k:" + i;
                store.lookup(key, store.leaseKey(key), "token", 30_000);
            }
            Snapshot.Parts parts = new Snapshot.Parts(fixture.caches, fixture.runtime, new MethodTable(), () -> connector);
            return Snapshot.take(parts, config, new Switches(), null, false);
        }
    }

    @Test
    void aClusterUsedAsOneNodeIsDegradedAndSaysWhy() {
        Snapshot snapshot = lookUpKeysThenTakeSnapshot(false);
        assertTrue(snapshot.redis.failures > 0, "lookups were refused: CROSSSLOT (the lease key), MOVED (other masters)");
        assertEquals("OPEN", snapshot.redis.breakerState, "error replies are failures");
        assertEquals(Snapshot.Status.DOWN, snapshot.redis.status);
        assertEquals(Snapshot.Status.DEGRADED, snapshot.status);
        assertTrue(snapshot.redis.errors.get("crossslot") + snapshot.redis.errors.get("moved") > 0,
                snapshot.redis.errors.toString());
        String reason = snapshot.redis.reason;
        assertTrue((reason.contains("CROSSSLOT") || reason.contains("MOVED")) && reason.contains("set weft.redis.cluster=true"), reason);
        assertTrue(snapshot.reasons.contains(reason), snapshot.reasons.toString());
        assertTrue(PrometheusText.render(snapshot).contains("\nweft_redis_up 0\n"));
    }

    @Test
    void theSameClusterUsedAsAClusterIsUp() {
        Snapshot snapshot = lookUpKeysThenTakeSnapshot(true);
        assertEquals(0, snapshot.redis.failures);
        assertTrue(snapshot.redis.errors.values().stream().allMatch(n -> n == 0), snapshot.redis.errors.toString());
        assertEquals(Snapshot.Status.UP, snapshot.redis.status, snapshot.redis.reason);
        assertNull(snapshot.redis.reason);
        assertTrue(PrometheusText.render(snapshot).contains("\nweft_redis_up 1\n"));
    }
}
