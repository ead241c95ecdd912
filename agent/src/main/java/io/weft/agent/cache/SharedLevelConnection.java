package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.events.InvalidationPublisher;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.FollowUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The shared level's lifecycle as callers see it: absent (L1 only), being connected (a miss waits for it a
 * bounded time, longer once the server is known to answer; invalidations are kept to be sent once it is up),
 * connected, or abandoned. Invalidations
 * kept while connecting are sent first on connect (Redis deletes, then events), so no lookup can read a key
 * from Redis that an earlier invalidation should have deleted. Beyond 10,000 invalidations, only their deletes
 * are kept ({@link KeptDeletes}, widened to prefixes when many), and one clear-all event stands for their events.
 * Values loaded while connecting are stored once connected ({@link #storeOnceConnected}).
 */
final class SharedLevelConnection {

    /** How many invalidations made while connecting are kept whole; only the deletes of further ones are kept. */
    static final int MAX_DEFERRED = 10_000;
    /** Bounds of the invalidations kept to be sent again after a failover (docs/design.md, "Failovers"). */
    static final int RECENT_ENTRIES = 10_000;
    static final Duration RECENT_AGE = Duration.ofSeconds(30);

    private final CountDownLatch connected = new CountDownLatch(1);
    private final List<Deferred> deferred = new ArrayList<>();
    private volatile boolean invalidatedWhileConnecting;
    /** The deletes of the invalidations beyond {@link #MAX_DEFERRED} (null: none), guarded by {@link #deferred}. */
    private KeptDeletes beyondDeferred;
    private final RecentInvalidations recent = new RecentInvalidations(RECENT_ENTRIES, RECENT_AGE.toNanos(),
            Ticker.systemTicker());
    private volatile long connectWaitNanos;
    /** Whether the server answers, found before the client is set up ({@code null}: not asked). */
    private volatile CompletableFuture<Boolean> answers;
    private volatile SharedLevel l2;
    private volatile InvalidationPublisher events;
    private volatile String instanceId;
    private volatile EventsCaughtUp eventsCaughtUp;
    private final LongAdder deferredStored = new LongAdder();
    private final LongAdder deferredDropped = new LongAdder();
    /** Sends the values loaded while connecting that arrive after the connection: one thread, gone when idle. */
    private final Executor deferredSender = Background.singleThread("weft-deferred-stores");

    /** Waits, bounded, until the event reader has applied every event appended to the streams so far. */
    interface EventsCaughtUp {
        /** @return whether it has; false when that could not be found out in {@code bound} */
        boolean await(Duration bound) throws InterruptedException;
    }

    /** How long sending the deferred stores waits for the event reader; without it they are not sent. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);

    /** An invalidation to send: what to delete in Redis and announce. */
    static final class Deferred {
        final String event;
        final List<String> keys;
        final List<String> prefixes;
        final List<String> tags;
        final Map<String, Object> arguments;

        Deferred(String event, List<String> keys, List<String> prefixes, List<String> tags,
                Map<String, Object> arguments) {
            this.event = event;
            this.keys = keys;
            this.prefixes = prefixes;
            this.tags = tags;
            this.arguments = arguments;
        }
    }

    /**
     * Whether an invalidation was made while connecting ({@link #deferUnlessConnected}): its delete and event may
     * not have been sent until the connector is closed, since {@link #connect} hands them to the publisher (which sends
     * them later) before the connection is even open.
     */
    boolean invalidatedWhileConnecting() {
        return invalidatedWhileConnecting;
    }

    /** Whether Redis is being connected right now (not yet connected, not abandoned). */
    boolean connecting() {
        return l2 == null && connectWaitNanos > 0;
    }

    /**
     * How long a miss waits for the first connection once the server is known to answer: setting up the client
     * (its classes loaded and initialized, a second or more at a JVM's start on two cores) and its first connection
     * ({@code RedisConnector.OPEN_WAIT}, 2 s at most), with room for a slow machine. A caller waits only as long as
     * that takes; a server that does not answer is never waited for longer than {@code weft.redis.timeout}.
     */
    static final Duration FIRST_CONNECTION_WAIT = Duration.ofSeconds(5);

    /** Redis is being connected: until {@link #connect} (or for at most {@code bound} per call) a miss waits for it. */
    void connecting(Duration bound) {
        connecting(bound, null);
    }

    /**
     * As {@link #connecting(Duration)}, with {@code answers} telling, before the client is set up, whether the server
     * answers: a miss waits at most {@code bound} for that answer, then, if it answers, up to
     * {@link #FIRST_CONNECTION_WAIT} for the connection, and if it does not, no longer. So a new instance's first
     * calls read what other instances stored rather than running the method beside a Redis that holds the value.
     */
    void connecting(Duration bound, CompletableFuture<Boolean> answers) {
        this.answers = answers;
        this.connectWaitNanos = bound.toNanos();
    }

    /** Redis could not be set up: misses stop waiting for it, deferred invalidations are dropped. */
    void abandoned() {
        synchronized (deferred) {
            connectWaitNanos = 0;
            invalidatedWhileConnecting = false; // dropped: nothing is left to send
            deferred.clear();
            beyondDeferred = null;
        }
        connected.countDown();
    }

    /**
     * Connects the shared level and the publisher, after sending the invalidations deferred meanwhile.
     * {@code caughtUp} says when the event reader has applied what other instances invalidated so far,
     * which values loaded while connecting must wait for before they are stored ({@link #sendDeferredStores}).
     */
    void connect(SharedLevel shared, InvalidationPublisher publisher, String instance, EventsCaughtUp caughtUp) {
        this.instanceId = instance;
        this.events = publisher;
        if (publisher != null) {
            publisher.sendAfter(shared.pendingDeletes());
        }
        this.eventsCaughtUp = caughtUp;
        while (true) {
            List<Deferred> batch;
            KeptDeletes beyond;
            synchronized (deferred) {
                if (deferred.isEmpty() && beyondDeferred == null) {
                    this.l2 = shared;
                    break;
                }
                batch = new ArrayList<>(deferred);
                deferred.clear();
                beyond = beyondDeferred;
                beyondDeferred = null;
            }
            for (Deferred invalidation : batch) {
                shared.evict(invalidation.keys, invalidation.prefixes, invalidation.tags);
                publish(invalidation);
            }
            if (beyond != null) {
                List<String> keys = beyond.keys();
                List<String> prefixes = beyond.prefixes();
                List<String> tags = beyond.tags();
                shared.evict(keys, prefixes, tags);
                announce(keys, prefixes, tags, InvalidationEvent.clearAll(instance));
            }
        }
        connected.countDown();
    }

    /**
     * Keeps a value loaded while Redis was being connected, to store it once connected (at once, in the
     * background, when that has happened meanwhile); dropped when Redis was given up or too many wait.
     */
    void storeOnceConnected(DeferredStores stores, CachedMethod method, Load load, Object value) {
        if (connectWaitNanos == 0 && l2 == null) {
            return;
        }
        if (!stores.add(method, load, value)) {
            deferredDropped.increment();
            WeftLog.warnRateLimited("deferred.stores.full", "more than " + DeferredStores.MAX + " values were loaded"
                    + " while the shared level was being connected; further ones are not stored in it");
            return;
        }
        if (l2 != null) {
            deferredSender.execute(() -> sendDeferredStores(stores));
        }
    }

    /**
     * Stores the values loaded while Redis was being connected, each under a lease taken now: a key that Redis
     * holds, or whose lease another instance holds, is left as it is. Before storing, waits until the event
     * reader has applied every event appended up to now, so that an invalidation made elsewhere after such a
     * load started has marked it (it is then not stored); invalidations after the lease was taken delete the
     * lease, as for any load (docs/design.md, "Loads made while Redis is being connected"). Waits for Redis:
     * never call it on a caller's thread.
     */
    synchronized void sendDeferredStores(DeferredStores stores) {
        SharedLevel shared = l2;
        List<DeferredStores.Pending> batch = stores.pending();
        if (batch.isEmpty() || shared == null) {
            return;
        }
        try {
            send(batch, shared);
        } finally {
            stores.done(batch);
        }
    }

    private void send(List<DeferredStores.Pending> batch, SharedLevel shared) {
        List<DeferredStores.Pending> leased = new ArrayList<>();
        List<String> leases = new ArrayList<>();
        for (DeferredStores.Pending store : batch) {
            if (store.load.invalidated()) {
                dropInvalidated(store);
                continue;
            }
            SharedLevel.Found found = shared.lookOnce(store.method, store.load.key(), store.load.tags());
            if (!found.hit && found.lease != null) {
                leased.add(store);
                leases.add(found.lease);
            } else {
                deferredDropped.increment();
            }
        }
        boolean caughtUp = false;
        try {
            caughtUp = !leased.isEmpty() && eventsCaughtUp.await(CATCH_UP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < leased.size(); i++) {
            DeferredStores.Pending store = leased.get(i);
            long ttlLeft = store.ttlLeftMillis(System.nanoTime());
            if (caughtUp && !store.load.invalidated() && ttlLeft > 0) {
                shared.store(store.method, store.load.key(), store.value, leases.get(i), ttlLeft);
                deferredStored.increment();
            } else {
                shared.release(store.load.key(), leases.get(i));
                if (store.load.invalidated()) {
                    dropInvalidated(store);
                } else {
                    deferredDropped.increment();
                }
            }
        }
    }

    private void dropInvalidated(DeferredStores.Pending store) {
        deferredDropped.increment();
        store.method.cache().stats().recordStaleStoreDiscarded();
    }

    /** Values loaded while Redis was being connected and stored in it afterwards. */
    long deferredStoresSent() {
        return deferredStored.sum();
    }

    /** Values loaded while Redis was being connected that were not stored (invalidated, present, or too many). */
    long deferredStoresDropped() {
        return deferredDropped.sum();
    }

    /** The shared level, waiting a bounded time while it is being connected; {@code null} for L1 only. */
    SharedLevel awaitShared() {
        SharedLevel shared = l2;
        long bound = connectWaitNanos;
        if (shared == null && bound > 0) {
            try {
                CompletableFuture<Boolean> probe = answers;
                if (probe == null) {
                    connected.await(bound, TimeUnit.NANOSECONDS);
                } else if (probe.get(bound, TimeUnit.NANOSECONDS)) {
                    connected.await(FIRST_CONNECTION_WAIT.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // no answer within the bound: the miss goes on without the shared level
            }
            shared = l2;
        }
        return shared;
    }

    /** How to wait until the event reader has applied what the streams hold now; {@code null} before {@link #connect}. */
    EventsCaughtUp eventsCaughtUp() {
        return eventsCaughtUp;
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
            invalidatedWhileConnecting = true;
            if (deferred.size() < MAX_DEFERRED) {
                deferred.add(invalidation);
            } else {
                if (beyondDeferred == null) {
                    beyondDeferred = new KeptDeletes(MAX_DEFERRED, "deferred.deletes", "more than " + MAX_DEFERRED
                            + " deletes wait for the shared level to be connected, beyond the " + MAX_DEFERRED
                            + " invalidations kept whole");
                }
                beyondDeferred.keep(invalidation.keys, invalidation.prefixes, invalidation.tags);
                WeftLog.warnRateLimited("deferred.full", "more than " + MAX_DEFERRED + " invalidations were made"
                        + " while the shared level was being connected; only the deletes of further ones are kept, and"
                        + " one clear-all event stands for their events");
            }
            return null;
        }
    }

    /** Publishes an invalidation's event (once connected), remembering the invalidation for {@link #recent}. */
    void publish(Deferred invalidation) {
        announce(invalidation.keys, invalidation.prefixes, invalidation.tags, eventOf(invalidation));
    }

    /** Publishes {@code event}, remembering what it announces for {@link #recent}. */
    private void announce(List<String> keys, List<String> prefixes, List<String> tags, InvalidationEvent event) {
        recent.add(keys, prefixes, tags, event);
        events.publish(event);
    }

    /**
     * Deletes the keys of an invalidation of keys only in {@code shared} with its event sent right behind, on the
     * store's connection: one round trip, and no instance reads the event before the keys are gone (issue 14);
     * remembered for {@link #recent}. False, having done nothing, when the store or the publisher cannot (a
     * cluster, a database, events waiting to be sent): then {@link SharedLevel#evict} and {@link #publish}.
     */
    boolean evictAndPublish(SharedLevel shared, Deferred invalidation) {
        if (!invalidation.prefixes.isEmpty() || !invalidation.tags.isEmpty() || !shared.store().sendsFollowUps()) {
            return false;
        }
        InvalidationEvent event = eventOf(invalidation);
        FollowUp append = events.appendAfter(event);
        if (append == null) {
            return false;
        }
        recent.add(invalidation.keys, invalidation.prefixes, invalidation.tags, event);
        shared.evictKeys(invalidation.keys, append);
        return true;
    }

    private InvalidationEvent eventOf(Deferred invalidation) {
        return InvalidationEvent.invalidation(invalidation.event, invalidation.keys, invalidation.prefixes,
                invalidation.tags, invalidation.arguments, instanceId);
    }

    /**
     * Deletes in {@code shared} what a foreign event read from the streams asks for (another service's: this instance
     * rendered its keys), remembered for {@link #recent} without an event: the old master may have acknowledged these
     * deletes without passing them on too, and a replay sends them again but publishes nothing.
     */
    void evictForForeignEvent(SharedLevel shared, List<String> keys, List<String> prefixes, List<String> tags) {
        recent.add(keys, prefixes, tags, null);
        shared.evict(keys, prefixes, tags);
    }

    /**
     * The invalidations sent to Redis in the last 30 s (at most 10,000), oldest first, with the deletes made for
     * foreign events ({@link #evictForForeignEvent}).
     */
    List<RecentInvalidations.Sent> recent() {
        return recent.recent();
    }

    /** Publishes an event again, as it was (same id and time). */
    void republish(InvalidationEvent event) {
        events.publish(event);
    }
}
