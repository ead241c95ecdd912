package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared level's warm-up runs a real miss through Redis (the lookup script, then the store script under the lease
 * it took) on the connecting thread, so that no caller's thread loads those classes (SPEC §10), and leaves nothing in
 * Redis. {@code VirtualThreadsTest} checks the classes; this checks the round trips and what they leave.
 */
class SharedLevelWarmUpTest {

    private RedisSharedLevel level;

    @BeforeEach
    void start() throws InterruptedException {
        level = new RedisSharedLevel(Duration.ofSeconds(2), new CircuitBreaker("warm-up test"));
        level.redis.admin().configResetstat();
    }

    @AfterEach
    void stop() {
        level.close();
    }

    @Test
    void theWarmUpLooksUpAndStoresUnderItsLeaseAndLeavesNothing() {
        level.shared.warmUp("weft:host-1-0123abcd");

        // the lookup script SETs the lease; the store script, finding it, SETs the value and DELetes the lease
        Await.until("the lookup took the lease and the store under it ran", () -> level.redis.calls("del") == 1);
        assertEquals(2, level.redis.calls("set"), "the lease and the value were set");
        Await.until("the warm-up's value is gone", () -> level.redis.admin().dbsize() == 0);
    }
}
