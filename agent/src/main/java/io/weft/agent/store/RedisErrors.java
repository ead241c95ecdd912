package io.weft.agent.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The failed calls of an endpoint's connections, counted by {@link ErrorReason}, and the last error reply Redis
 * sent in its own words ({@code OOM command not allowed when used memory > 'maxmemory'.}), which health shows
 * while it is less than a minute old. Error replies that say a cluster is used as one node ({@code CROSSSLOT},
 * {@code MOVED}, {@code ASK}, {@code CLUSTERDOWN}) come with what to do about it.
 */
public final class RedisErrors {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final String[] CLUSTER_CODES = {"CROSSSLOT", "MOVED", "ASK", "CLUSTERDOWN"};

    private final String clusterHint;
    private final LongSupplier nanoClock;
    private final LongAdder[] counts = new LongAdder[ErrorReason.values().length];
    private volatile String last;
    private volatile long lastAt;

    /** @param cluster whether Weft uses the endpoint as a cluster (else a cluster's replies suggest doing so) */
    public RedisErrors(boolean cluster) {
        this(cluster, System::nanoTime);
    }

    RedisErrors(boolean cluster, LongSupplier nanoClock) {
        this.clusterHint = cluster ? "" : "; if it is a Redis Cluster, set weft.redis.cluster=true";
        this.nanoClock = nanoClock;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts {@code failure} under its reason and, if it is (or wraps) an error reply, remembers that; returns the reason. */
    public ErrorReason note(Throwable failure) {
        ErrorReason reason = ErrorReason.of(failure);
        counts[reason.ordinal()].increment();
        String reply = ErrorReason.reply(failure);
        if (reply != null) {
            lastAt = nanoClock.getAsLong();
            last = reply;
        }
        return reason;
    }

    /** Failures counted under {@code reason}. */
    public long count(ErrorReason reason) {
        return counts[reason.ordinal()].sum();
    }

    /**
     * The last error reply with its age, and what to do about it when that is clear ({@code MOVED 3999 127.0.0.1:7001
     * (4 s ago); if it is a Redis Cluster, set weft.redis.cluster=true}), if it came within the last minute; else null.
     */
    public String recentReply() {
        String reply = last;
        long age = nanoClock.getAsLong() - lastAt;
        if (reply == null || age > WINDOW.toNanos()) {
            return null;
        }
        String described = reply + " (" + TimeUnit.NANOSECONDS.toSeconds(age) + " s ago)";
        for (String code : CLUSTER_CODES) {
            if (reply.startsWith(code + " ")) {
                return described + clusterHint;
            }
        }
        return described;
    }
}
