package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4, §5: a value lives its method's TTL in Redis ({@code PX}), whatever the shorter life of its L1 copy
 * ({@code weft.l1.ttl}): other instances read it there long after this one's L1 let it go.
 */
class SharedLevelTtlTest {

    private RedisSharedLevel level;

    @BeforeEach
    void start() throws InterruptedException {
        level = new RedisSharedLevel(Duration.ofSeconds(2), new CircuitBreaker("ttl test"));
    }

    @AfterEach
    void stop() {
        level.close();
    }

    @Test
    void aValueLivesItsMethodsTtlInRedisNotItsL1Ttl() {
        DeclaredMethod declared = new DeclaredMethod(RedisSharedLevel.class.getName(), "find",
                List.of("java.lang.String"), List.of("id"), getClass().getClassLoader());
        CachedMethod method = new CachedMethod(declared, new CacheRegistry().cache("books", true),
                (args, result) -> "books:" + args[0], new LoaderScopes().of(getClass().getClassLoader()),
                TimeUnit.MINUTES.toMillis(10), TimeUnit.SECONDS.toNanos(1), false, true, ResultShape.PLAIN, null,
                List.of(), false, 0);

        SharedLevel.Found miss = level.shared.lookup(method, "books:1", null);
        level.shared.store(method, "books:1", "one", miss.lease);

        Await.until("the value in Redis", () -> level.exists("ns:books:1"));
        long pttl = level.redis.admin().pttl("ns:books:1");
        assertTrue(pttl > TimeUnit.MINUTES.toMillis(9) && pttl <= TimeUnit.MINUTES.toMillis(10),
                "PX is the method's 10 minutes, not the L1's second: " + pttl + " ms");
    }
}
