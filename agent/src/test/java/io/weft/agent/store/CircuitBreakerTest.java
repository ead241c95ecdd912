package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final FakeTicker ticker = new FakeTicker();
    private final CircuitBreaker breaker =
            new CircuitBreaker("test", 3, Duration.ofSeconds(1), Duration.ofSeconds(10), ticker);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquire());
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterThreeConsecutiveFailuresOnly() {
        fail(2);
        breaker.onSuccess();
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());

        fail(1);

        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void letsOneProbeThroughAfterTheCoolDownAndClosesOnItsSuccess() {
        fail(3);
        ticker.advance(Duration.ofMillis(999));
        assertFalse(breaker.tryAcquire());
        ticker.advance(Duration.ofMillis(1));

        assertTrue(breaker.tryAcquire());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
        breaker.onSuccess();

        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aFailedProbeDoublesTheCoolDownUpToTheMaximum() {
        fail(3);
        long[] expectedSeconds = {1, 2, 4, 8, 10, 10};
        for (long seconds : expectedSeconds) {
            ticker.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertFalse(breaker.tryAcquire(), "still cooling down before " + seconds + " s");
            ticker.advance(Duration.ofMillis(1));
            assertTrue(breaker.tryAcquire(), "probe after " + seconds + " s");
            breaker.onFailure();
            assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        }
    }

    @Test
    void aSuccessResetsTheCoolDown() {
        fail(3);
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(breaker.tryAcquire());
        breaker.onFailure();
        ticker.advance(Duration.ofSeconds(2));
        assertTrue(breaker.tryAcquire());
        breaker.onSuccess();

        fail(3);
        ticker.advance(Duration.ofSeconds(1));

        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aProbeThatNeverReportsIsReplacedAfterTheMaximumCoolDown() {
        fail(3);
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(breaker.tryAcquire());
        ticker.advance(Duration.ofSeconds(9));
        assertFalse(breaker.tryAcquire());
        ticker.advance(Duration.ofSeconds(1));

        assertTrue(breaker.tryAcquire());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    }
}
