package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.RedisConnector;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.store.ErrorReason;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ACL that docs/operations.md ("Managed Redis") gives Weft's user is enough for everything Weft does on one
 * server, and a command taken away from it shows as {@code NOPERM} in health and metrics.
 */
class RedisAclTest {

    private static final String NS = "acl:";

    @Test
    void theDocumentedCommandsAreAllWeftNeedsAndAMissingOneIsReportedAsNoperm() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.startLocal(null));
            setUser(redis, "on >weft-pw " + RedisFixture.documentedAclRules(NS));
            WeftConfig config = OpsFixture.config("weft.redis.uri", redis.uri("weft", "weft-pw"), "weft.redis.timeout", "2s",
                    "weft.namespace", NS);
            OpsFixture fixture = new OpsFixture();
            RedisConnector connector = closer.later(RedisConnector.connect(fixture.runtime, config));
            Await.until("the event reader reads", () -> connector.reader().connected());
            RedisStore store = connector.store();

            String key = NS + "books:1";
            String lease = "token";
            assertTrue(store.lookup(key, store.leaseKey(key), lease, 30_000).leased());
            assertTrue(store.setIfLeased(key, bytes("[1]"), 60_000, store.leaseKey(key), lease).get());
            assertArrayEquals(bytes("[1]"), store.lookup(key, store.leaseKey(key), "other", 30_000).value());
            store.release(store.leaseKey(NS + "books:2"), lease);
            assertTrue(store.delete(key, store.leaseKey(key)));
            assertEquals(0, store.deleteByPrefix(NS + "books:", spared -> false));
            connector.publisher().publish(InvalidationEvent.invalidation(EventStreams.CACHE_INVALIDATED, List.of("books:1"),
                    List.of(), Map.of(), "another-instance"));
            Await.until("the event is published", () -> connector.publisher().published() == 1);

            Snapshot snapshot = snapshot(fixture, config, connector);
            assertEquals(Snapshot.Status.UP, snapshot.redis.status, snapshot.redis.reason);
            assertTrue(snapshot.redis.errors.values().stream().allMatch(n -> n == 0), snapshot.redis.errors.toString());
            assertTrue(connector.reader().connected());

            setUser(redis, "-evalsha -eval");
            assertNull(store.lookup(key, store.leaseKey(key), lease, 30_000));
            Await.until("NOPERM counted", () -> connector.errors().count(ErrorReason.NOPERM) > 0);
            String reason = snapshot(fixture, config, connector).redis.reason;
            assertNotNull(reason);
            assertTrue(reason.contains("NOPERM"), reason);
        }
    }

    /** {@code ACL SETUSER weft <rules>}. */
    private static void setUser(RedisFixture redis, String rules) {
        redis.setUser("weft", rules);
    }

    private static Snapshot snapshot(OpsFixture fixture, WeftConfig config, RedisConnector connector) {
        Snapshot.Parts parts = new Snapshot.Parts(fixture.caches, fixture.runtime, new MethodTable(), () -> connector);
        return Snapshot.take(parts, config, new Switches(), null, false);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
