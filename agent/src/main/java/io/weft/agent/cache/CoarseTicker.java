package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.store.Background;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The L1's clock: a reading costs a volatile read instead of {@link System#nanoTime} (which a hit would
 * otherwise pay once in Caffeine's expiry check and again for an entry's own deadline). A daemon thread
 * ({@code weft-clock}) stores {@code System.nanoTime()} every millisecond while the clock is read, and parks
 * when it was not read for a second; the first reading after that takes the system's time itself and wakes
 * the thread. So a reading is about a millisecond behind at most (an entry may outlive its TTL by that much),
 * and an idle JVM pays nothing.
 */
final class CoarseTicker implements Ticker {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Ticks without a reading before the thread parks: about a second. */
    private static final int IDLE_TICKS = 1_000;

    private final Thread thread;
    private volatile long now = System.nanoTime();
    /** Whether the clock was read since the thread's last tick. */
    private volatile boolean read;
    /** Whether the thread has stopped ticking (or is about to): a reading must take the system's time. */
    private volatile boolean parked;

    private CoarseTicker() {
        thread = Background.daemon(new Runnable() {
            @Override
            public void run() {
                tick();
            }
        }, "weft-clock");
    }

    /** A clock whose thread has started. */
    static CoarseTicker start() {
        CoarseTicker ticker = new CoarseTicker();
        ticker.thread.start();
        return ticker;
    }

    @Override
    public long read() {
        if (!read) {
            // the thread sets parked, then looks at read; a reader sets read, then looks at parked: one of the two
            // sees the other's write, so the thread never parks while a reader relies on its ticks
            if (parked) {
                return wake();
            }
            read = true;
            if (parked) {
                return wake();
            }
        }
        return now;
    }

    /** Whether the thread has stopped ticking for want of readings. */
    boolean idle() {
        return parked;
    }

    private long wake() {
        long time = System.nanoTime();
        now = time;
        parked = false;
        read = true;
        LockSupport.unpark(thread);
        return time;
    }

    private void tick() {
        int idle = 0;
        while (true) {
            LockSupport.parkNanos(this, TICK_NANOS);
            now = System.nanoTime();
            if (read) {
                read = false;
                idle = 0;
            } else if (++idle >= IDLE_TICKS) {
                parked = true;
                if (!read) {
                    while (parked) {
                        LockSupport.park(this);
                    }
                }
                parked = false;
                idle = 0;
            }
        }
    }
}
