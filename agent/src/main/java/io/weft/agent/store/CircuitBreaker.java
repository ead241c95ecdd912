package io.weft.agent.store;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.log.WeftLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops paying Redis timeouts while Redis is down (SPEC §7). After {@code threshold} consecutive
 * failures the breaker opens: calls are refused without touching Redis. Once a cool-down has passed it
 * lets one probe through (half-open); the probe's success closes it, its failure opens it again with
 * the cool-down doubled, up to a maximum. A probe that never reports back is replaced after the
 * maximum cool-down.
 *
 * <p>Use: {@code if (breaker.tryAcquire()) { call; then onSuccess() or onFailure() }}. While closed,
 * {@link #tryAcquire} is one volatile read.
 */
public final class CircuitBreaker {

    /** Whether calls go through. */
    public enum State {
        /** Calls go through. */
        CLOSED,
        /** Calls are refused until the cool-down has passed. */
        OPEN,
        /** One probe call is under way; the others are refused. */
        HALF_OPEN
    }

    private final String name;
    private final int threshold;
    private final long initialCoolDownNanos;
    private final long maxCoolDownNanos;
    private final Ticker ticker;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile State state = State.CLOSED;
    private long coolDownNanos;
    private long openedAt;
    private long probeStartedAt;

    /**
     * A breaker that opens after 3 consecutive failures and probes after 1 s, then 2 s, 4 s … up to 10 s.
     *
     * @param name what is protected, for log lines (never a password)
     */
    public CircuitBreaker(String name) {
        this(name, 3, Duration.ofSeconds(1), Duration.ofSeconds(10), Ticker.systemTicker());
    }

    /** A breaker with explicit settings, reading the time from {@code ticker} (the cool-downs, the lost probe). */
    public CircuitBreaker(String name, int threshold, Duration initialCoolDown, Duration maxCoolDown, Ticker ticker) {
        if (threshold < 1 || initialCoolDown.isNegative() || maxCoolDown.compareTo(initialCoolDown) < 0) {
            throw new IllegalArgumentException("circuit breaker: threshold " + threshold + ", cool-down "
                    + initialCoolDown + " up to " + maxCoolDown);
        }
        this.name = name;
        this.threshold = threshold;
        this.initialCoolDownNanos = initialCoolDown.toNanos();
        this.maxCoolDownNanos = maxCoolDown.toNanos();
        this.ticker = ticker;
        this.coolDownNanos = initialCoolDownNanos;
    }

    /** Whether a call may go to Redis now; when it returns true, report the outcome. */
    public boolean tryAcquire() {
        return state == State.CLOSED || tryProbe();
    }

    private synchronized boolean tryProbe() {
        long now = ticker.read();
        if (state == State.OPEN && now - openedAt >= coolDownNanos
                || state == State.HALF_OPEN && now - probeStartedAt >= maxCoolDownNanos) {
            state = State.HALF_OPEN;
            probeStartedAt = now;
            return true;
        }
        return state == State.CLOSED;
    }

    /** Reports that Redis answered. */
    public void onSuccess() {
        if (state == State.CLOSED) {
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
            return;
        }
        synchronized (this) {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                coolDownNanos = initialCoolDownNanos;
                consecutiveFailures.set(0);
                WeftLog.info(name + " answers again; using it");
            }
        }
    }

    /** Reports that Redis did not answer (in time). */
    public void onFailure() {
        if (state == State.CLOSED && consecutiveFailures.incrementAndGet() < threshold) {
            return;
        }
        synchronized (this) {
            if (state == State.CLOSED && consecutiveFailures.get() >= threshold) {
                open(initialCoolDownNanos);
                WeftLog.warn(name + " failed " + threshold + " times in a row; not calling it for "
                        + Duration.ofNanos(coolDownNanos).toMillis() + " ms, then probing");
            } else if (state == State.HALF_OPEN) {
                open(Math.min(coolDownNanos * 2, maxCoolDownNanos));
                WeftLog.warnRateLimited("breaker:" + name, name + " is still failing; probing it every "
                        + Duration.ofNanos(coolDownNanos).toMillis() + " ms");
            }
        }
    }

    private void open(long coolDown) {
        coolDownNanos = coolDown;
        openedAt = ticker.read();
        state = State.OPEN;
    }

    public State state() {
        return state;
    }
}
