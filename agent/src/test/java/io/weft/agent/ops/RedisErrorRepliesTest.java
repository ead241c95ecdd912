package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KillArgs;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.RedisConnector;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.ops.testing.PromText;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.ErrorReason;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Error replies of a real {@code redis-server} are failures (SPEC §11): they open the L2 circuit breaker as
 * timeouts do, {@code /health} gives Redis's own words, and {@code weft_redis_errors_total} counts them by
 * reason. Each test breaks a working Redis the way operators do.
 */
class RedisErrorRepliesTest {

    private static final String NS = "errors:";

    private final OpsFixture fixture = new OpsFixture();

    private RedisConnector connect(RedisFixture redis) {
        WeftConfig config = config(redis);
        RedisConnector connector = RedisConnector.connect(fixture.runtime, config);
        Await.until("the event reader reads", () -> connector.reader().connected());
        return connector;
    }

    private static WeftConfig config(RedisFixture redis) {
        return OpsFixture.config("weft.redis.uri", redis.uri(), "weft.redis.timeout", "2s", "weft.namespace", NS);
    }

    /** Looks up fresh keys (each would take a lease: a write) until the breaker opens. */
    private static void lookUpUntilTheBreakerOpens(RedisStore store) {
        Await.until(Duration.ofSeconds(15), "the breaker opens", () -> {
            String key = NS + "k:" + UUID.randomUUID();
            store.lookup(key, store.leaseKey(key), "token", 30_000);
            return store.state() == CircuitBreaker.State.OPEN;
        });
    }

    private Snapshot snapshot(RedisFixture redis, RedisConnector connector) {
        Snapshot.Parts parts = new Snapshot.Parts(fixture.caches, fixture.runtime, new MethodTable(), () -> connector);
        return Snapshot.take(parts, config(redis), new Switches(), null, false);
    }

    /** Health and metrics say that Redis fails with {@code reply}, counted under {@code reason}. */
    private static void assertReported(Snapshot snapshot, String reason, String reply) {
        assertEquals(Snapshot.Status.DOWN, snapshot.redis.status, snapshot.redis.reason);
        assertEquals(Snapshot.Status.DEGRADED, snapshot.status);
        assertTrue(snapshot.redis.reason.contains(reply) && snapshot.redis.reason.contains("circuit breaker open"),
                snapshot.redis.reason);
        assertTrue(snapshot.reasons.contains(snapshot.redis.reason), snapshot.reasons.toString());
        assertTrue(HealthJson.render(snapshot, -1).contains("\"" + reason + "\":" + snapshot.redis.errors.get(reason)));
        PromText metrics = PromText.parse(PrometheusText.render(snapshot));
        assertTrue(metrics.value("weft_redis_errors_total", "reason", reason) > 0,
                metrics.family("weft_redis_errors_total").samples.toString());
        assertEquals(0, metrics.value("weft_redis_up"));
        assertEquals(1, metrics.value("weft_redis_breaker_state", "state", "open"));
    }

    @Test
    void outOfMemoryOpensTheBreakerAndSaysSoUntilMemoryIsFreed() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.startLocal(null));
            RedisConnector connector = closer.later(connect(redis));
            redis.admin().configSet("maxmemory-policy", "noeviction");
            redis.admin().configSet("maxmemory", "1");

            lookUpUntilTheBreakerOpens(connector.store());

            assertReported(snapshot(redis, connector), "oom", "OOM command not allowed when used memory > 'maxmemory'");
            redis.admin().configSet("maxmemory", "0");
            Await.until(Duration.ofSeconds(15), "the breaker closes once Redis takes writes again", () -> {
                String key = NS + "k:" + UUID.randomUUID();
                return connector.store().lookup(key, connector.store().leaseKey(key), "token", 30_000) != null;
            });
            assertEquals("CLOSED", snapshot(redis, connector).redis.breakerState);
        }
    }

    @Test
    void aPasswordSetUnderARunningAgentShowsAsNoauthOnReconnect() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.startLocal(null));
            RedisConnector connector = closer.later(connect(redis));
            redis.admin().configSet("requirepass", "changed-" + UUID.randomUUID());
            redis.admin().clientKill(KillArgs.Builder.typeNormal()); // every client but the admin connection

            lookUpUntilTheBreakerOpens(connector.store());
            Await.until("a reconnection refused with NOAUTH is counted",
                    () -> connector.errors().count(ErrorReason.NOAUTH) > 0);

            assertReported(snapshot(redis, connector), "noauth", "NOAUTH");
        }
    }

    @Test
    void aReplicaAsTheTargetShowsAsReadonly() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture master = closer.later(RedisFixture.startLocal(null));
            RedisFixture replica = closer.later(RedisFixture.startLocal(null));
            replica.admin().replicaof(master.host(), master.port());
            RedisConnector connector = closer.later(connect(replica));

            lookUpUntilTheBreakerOpens(connector.store());

            assertReported(snapshot(replica, connector), "readonly", "READONLY You can't write against a read only replica.");
        }
    }
}
