package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.LogCapture;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A value in Redis that no longer fits its method's type (a field's type changed) is deleted and loaded again; the
 * warning says where in the JSON it failed, never what the value was (SPEC §8: cached values stay out of logs).
 */
class UnreadableValueLogTest {

    /** The type as it is now: {@code ssn} was a String when the value was written. */
    record Person(int ssn, String name) {
    }

    /** The cached method's body: its declared type is what values are read from Redis as. */
    static Person find(String id) {
        return null;
    }

    @Test
    void theWarningNamesTheFieldAndNotTheValue() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                RedisEndpoint endpoint = new RedisEndpoint(redis.uri());
                RedisStore store = new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("unreadable test"));
                LogCapture log = new LogCapture()) {
            SharedLevel shared = new SharedLevel(store, new ValueCodecs(1 << 20, 0), "ns:", Duration.ofSeconds(1));
            DeclaredMethod declared = new DeclaredMethod(getClass().getName(), "find", List.of("java.lang.String"),
                    List.of("id"), getClass().getClassLoader());
            CachedMethod method = new CachedMethod(declared, new CacheRegistry().cache("people", true),
                    (args, result) -> "people:" + args[0], new LoaderScopes().of(getClass().getClassLoader()), 60_000,
                    TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(), false, 0);
            assertTrue(store.awaitOpen(Duration.ofSeconds(10)), "the store's connection opens");
            redis.admin().set("ns:people:1", "{\"ssn\":\"123-45-6789\",\"name\":\"Ada Lovelace\"}");

            SharedLevel.Found found = shared.lookup(method, "people:1", null);

            assertFalse(found.hit);
            assertEquals(1, method.cache().stats().l2Unreadable());
            Await.until("the unreadable value is deleted", () -> redis.admin().exists("ns:people:1") == 0);
            String text = log.text();
            assertTrue(text.contains("cannot be read back") && text.contains("InvalidFormatException at $.ssn"), text);
            assertFalse(text.contains("123-45-6789"), text);
            assertFalse(text.contains("Ada"), text);
        }
    }
}
