package io.weft.agent.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it, so that expiry and bounded waits are tested without sleeping. */
public final class FakeTicker implements Ticker {

    // not 0: the runtime reads 0 as "no lookup yet"
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves the time forward by {@code by}. */
    public void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
