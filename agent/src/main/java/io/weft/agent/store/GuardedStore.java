package io.weft.agent.store;

import io.weft.agent.log.WeftLog;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every {@link SharedStore} does around each call, whatever the store: a {@link CircuitBreaker} makes calls
 * fail at once while the store keeps failing (a refused call is counted as a rejection), and a failure is
 * counted, noted by reason in the endpoint's {@link RedisErrors}, reported to the breaker and logged
 * (rate-limited, per command).
 */
public abstract class GuardedStore implements SharedStore {

    private final String name;
    private final String logKey;
    private final CircuitBreaker breaker;
    private final RedisErrors errors;
    private final LongAdder failures = new LongAdder();
    private final LongAdder rejections = new LongAdder();

    /**
     * @param name the store as logs name it ({@code Redis redis://…})
     * @param logKey what the rate-limited warnings of each command are keyed by, before the command
     */
    protected GuardedStore(String name, String logKey, CircuitBreaker breaker, RedisErrors errors) {
        this.name = name;
        this.logKey = logKey;
        this.breaker = breaker;
        this.errors = errors;
    }

    /** Whether a call may go to the store now; when not (the breaker is open), counts a rejection. */
    protected final boolean admit() {
        if (breaker.tryAcquire()) {
            return true;
        }
        rejections.increment();
        return false;
    }

    /** Reports that the store answered. */
    protected final void succeeded() {
        breaker.onSuccess();
    }

    /** Reports that {@code command} failed: counted, noted by reason, told the breaker, logged. */
    protected final void failed(String command, Throwable failure) {
        failed(command, failure, true);
    }

    /**
     * Reports that {@code command}, sent past the breaker (it neither asked the breaker nor tells it: a lease's
     * release), failed: counted, noted by reason and logged as any failure.
     */
    protected final void failedPastBreaker(String command, Throwable failure) {
        failed(command, failure, false);
    }

    private void failed(String command, Throwable failure, boolean toBreaker) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        failures.increment();
        errors.note(cause);
        if (toBreaker) {
            breaker.onFailure();
        }
        WeftLog.warnRateLimited(logKey + command, name + ": " + command + " failed (" + FailureText.of(cause)
                + "); the cache goes on without it");
    }

    @Override
    public CircuitBreaker.State state() {
        return breaker.state();
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    @Override
    public long rejections() {
        return rejections.sum();
    }
}
