package io.weft.agent.cache;

import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.log.WeftLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The shared level's lifecycle as callers see it: absent (L1 only), being connected (a miss waits for it a
 * bounded time; invalidations are kept to be sent once it is up), connected, or abandoned. Invalidations
 * kept while connecting are sent first on connect (Redis deletes, then events), so no lookup can read a key
 * from Redis that an earlier invalidation should have deleted.
 */
final class SharedLevelConnection {

    private static final int MAX_DEFERRED = 10_000;
    /** Bounds of the invalidations kept to be sent again after a failover (docs/design.md, "Failovers"). */
    static final int RECENT_ENTRIES = 10_000;
    static final Duration RECENT_AGE = Duration.ofSeconds(30);

    private final CountDownLatch connected = new CountDownLatch(1);
    private final List<Deferred> deferred = new ArrayList<>();
    private final RecentInvalidations recent = new RecentInvalidations(RECENT_ENTRIES, RECENT_AGE.toNanos(),
            System::nanoTime);
    private volatile long connectWaitNanos;
    private volatile SharedLevel l2;
    private volatile EventPublisher events;
    private volatile String instanceId;

    /** An invalidation to send: what to delete in Redis and announce. */
    static final class Deferred {
        final String event;
        final List<String> keys;
        final List<String> prefixes;
        final Map<String, Object> arguments;

        Deferred(String event, List<String> keys, List<String> prefixes, Map<String, Object> arguments) {
            this.event = event;
            this.keys = keys;
            this.prefixes = prefixes;
            this.arguments = arguments;
        }
    }

    /** Redis is being connected: until {@link #connect} (or for at most {@code bound} per call) a miss waits for it. */
    void connecting(Duration bound) {
        this.connectWaitNanos = bound.toNanos();
    }

    /** Redis could not be set up: misses stop waiting for it, deferred invalidations are dropped. */
    void abandoned() {
        synchronized (deferred) {
            connectWaitNanos = 0;
            deferred.clear();
        }
        connected.countDown();
    }

    /** Connects the shared level and the publisher, after sending what was deferred meanwhile. */
    void connect(SharedLevel shared, EventPublisher publisher, String instance) {
        this.instanceId = instance;
        this.events = publisher;
        while (true) {
            List<Deferred> batch;
            synchronized (deferred) {
                if (deferred.isEmpty()) {
                    this.l2 = shared;
                    break;
                }
                batch = new ArrayList<>(deferred);
                deferred.clear();
            }
            for (Deferred invalidation : batch) {
                shared.evict(invalidation.keys, invalidation.prefixes);
                publish(invalidation);
            }
        }
        connected.countDown();
    }

    /** The shared level, waiting a bounded time while it is being connected; {@code null} for L1 only. */
    SharedLevel awaitShared() {
        SharedLevel shared = l2;
        if (shared == null && connectWaitNanos > 0) {
            try {
                connected.await(connectWaitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shared = l2;
        }
        return shared;
    }

    /** The shared level if connected, without waiting; {@code null} otherwise. */
    SharedLevel shared() {
        return l2;
    }

    /**
     * Keeps {@code invalidation} for {@link #connect} while Redis is being connected.
     *
     * @return the shared level if it was connected meanwhile (the caller sends it all now), else {@code null}
     */
    SharedLevel deferUnlessConnected(Deferred invalidation) {
        synchronized (deferred) {
            if (l2 != null) {
                return l2;
            }
            if (connectWaitNanos == 0) {
                return null;
            }
            if (deferred.size() < MAX_DEFERRED) {
                deferred.add(invalidation);
            } else {
                WeftLog.warnRateLimited("deferred.full", "more than " + MAX_DEFERRED + " invalidations were made"
                        + " while Redis was being connected; further ones evict L1 only and send no event");
            }
            return null;
        }
    }

    /** Publishes an invalidation's event (once connected), remembering the invalidation for {@link #recent}. */
    void publish(Deferred invalidation) {
        InvalidationEvent event = InvalidationEvent.invalidation(invalidation.event, invalidation.keys,
                invalidation.prefixes, invalidation.arguments, instanceId);
        recent.add(invalidation.keys, invalidation.prefixes, event);
        events.publish(event);
    }

    /** The invalidations sent to Redis in the last 30 s (at most 10,000), oldest first. */
    List<RecentInvalidations.Sent> recent() {
        return recent.recent();
    }

    /** Publishes an event again, as it was (same id and time). */
    void republish(InvalidationEvent event) {
        events.publish(event);
    }
}
