package io.weft.agent.store;

import io.lettuce.core.RedisCommandExecutionException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * Error replies that mean Weft's commands do not fit the Redis they reach: {@code CROSSSLOT},
 * {@code MOVED} or {@code ASK} that were not followed (a cluster used as one node), {@code CLUSTERDOWN}.
 * Redis answers, so the circuit breaker stays closed, yet caching through Redis does not work: health
 * says so while the last such reply is less than a minute old.
 */
public final class SetupErrors {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final String[] CODES = {"CROSSSLOT", "MOVED", "ASK", "CLUSTERDOWN"};

    private final String hint;
    private final LongSupplier nanoClock;
    private volatile String last;
    private volatile long lastAt;

    /** @param cluster whether Weft uses the endpoint as a cluster (else the reason suggests doing so) */
    public SetupErrors(boolean cluster) {
        this(cluster, System::nanoTime);
    }

    SetupErrors(boolean cluster, LongSupplier nanoClock) {
        this.hint = cluster ? "" : "; if it is a Redis Cluster, set weft.redis.cluster=true";
        this.nanoClock = nanoClock;
    }

    /** Remembers {@code failure} if it is (or wraps) such an error reply; returns whether it was. */
    public boolean note(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
            return false;
        }
        String message = cause.getMessage();
        for (String code : CODES) {
            if (message.startsWith(code + " ")) {
                lastAt = nanoClock.getAsLong();
                last = message;
                return true;
            }
        }
        return false;
    }

    /** The last such reply, and what to do about it, if it came within the last minute; else null. */
    public String recent() {
        String message = last;
        if (message == null || nanoClock.getAsLong() - lastAt > WINDOW.toNanos()) {
            return null;
        }
        return message + hint;
    }
}
