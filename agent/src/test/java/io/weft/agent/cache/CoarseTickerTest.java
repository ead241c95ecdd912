package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoarseTickerTest {

    private final CoarseTicker ticker = CoarseTicker.start();

    @Test
    void readingsFollowTheSystemClockWithoutGoingBack() {
        long first = ticker.read();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long last = first;
        while (System.nanoTime() < end) {
            long reading = ticker.read();
            assertTrue(reading >= last, "a reading went back by " + (last - reading) + " ns");
            assertTrue(reading <= System.nanoTime(), "a reading ahead of the system clock");
            last = reading;
        }
        long advanced = last;
        Await.until("the readings advance", () -> ticker.read() > advanced);
    }

    @Test
    void theFirstReadingAfterTheClockWentIdleIsTheSystemTimeNotTheTimeItParkedAt() {
        Await.until(Duration.ofSeconds(10), "the clock parks when nothing reads it", ticker::idle);
        long before = System.nanoTime();
        long reading = ticker.read();
        assertTrue(reading >= before, "the reading is " + (before - reading) + " ns behind the system clock");
        assertTrue(!ticker.idle(), "the reading woke the clock");
        Await.until("it ticks again", () -> ticker.read() > reading);
    }
}
