package io.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The startup line masks the Redis password as every other log line and view does. */
class WeftAgentTest {

    private static String redisPart(String uri) {
        return WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of("weft.redis.uri", uri), Map.of())));
    }

    @Test
    void aPasswordWithAnAtSignIsMaskedWhole() {
        String line = redisPart("redis://weft:s3cr@tPass@host:6379");
        assertTrue(line.startsWith("L2 on redis://****@host:6379 (timeout "), line);
        assertFalse(line.contains("tPass"), line);
    }

    @Test
    void userAndPasswordAreMaskedAndTheHostShown() {
        assertTrue(redisPart("rediss://:s3cret@cache.example.com:6380/2").startsWith(
                "L2 on rediss://****@cache.example.com:6380/2 "));
        assertTrue(redisPart("redis-sentinel://weft:p/w@10.0.0.1:26379,10.0.0.2:26379#m").startsWith(
                "L2 on redis-sentinel://****@10.0.0.1:26379,10.0.0.2:26379#m "));
        assertTrue(redisPart("redis://127.0.0.1:6379").startsWith("L2 on redis://127.0.0.1:6379 "));
        assertEquals("L2 off (weft.redis.uri unset); events off",
                WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of(), Map.of()))));
    }

    /** SPEC §9's L2 status: a shared level that a configuration error refused is not said to be unset. */
    @Test
    void aRefusedSettingIsNotCalledUnset() {
        String refused = "L2 off (a configuration error refused its setting); events off";
        assertEquals(refused, redisPart("127.0.0.1:6379"));
        assertEquals(refused, WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of("weft.redis.uri",
                "redis://127.0.0.1:6379", "weft.store.uri", "jdbc:postgresql://127.0.0.1:5432/app"), Map.of()))));
        assertEquals(refused, WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of("weft.store.uri",
                "postgresql://127.0.0.1:5432/app"), Map.of()))));
    }

    @Test
    void theLineNamesEveryStreamReadByItsKey() {
        String line = WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of("weft.redis.uri",
                "redis://127.0.0.1:6379", "weft.namespace", "ns:", "weft.events.book.updated", "book:{id}"), Map.of())));

        assertTrue(line.endsWith("; events on streams ns:events:cache.invalidated, ns:events:book.updated"), line);
    }

    @Test
    void aDatabaseAsTheSharedLevelIsNamedWithItsPasswordMasked() {
        String line = WeftAgent.sharedLevel(new WeftConfig(ConfigSources.of(Map.of("weft.store.uri",
                "jdbc:postgresql://127.0.0.1:5432/app?user=weft&password=s3cret"), Map.of())));

        assertTrue(line.startsWith("L2 on PostgreSQL jdbc:postgresql://127.0.0.1:5432/app?user=weft&password=****"
                + " (table "), line);
        assertFalse(line.contains("s3cret"), line);
    }
}
