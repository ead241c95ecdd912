package io.weft.agent.cache;

import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.log.WeftLog;
import io.weft.agent.metrics.InvalidationOrigin;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Carries out invalidations: renders the keys, prefixes and tags of an {@code @InvalidateCache}, deletes them
 * from Redis, then from L1 (marking loads in flight), and publishes the event; and applies the evictions of the
 * events it reads (for those of other services, in Redis too).
 */
final class Invalidator {

    /** Longest a replay waits for the shared level's connection to be open again after a failover. */
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(10);

    private final LocalCache l1;
    private final SingleFlight flights;
    private final SharedLevelConnection redis;
    private final LongAdder sent = new LongAdder();
    private final LongAdder tagsSent = new LongAdder();

    Invalidator(LocalCache l1, SingleFlight flights, SharedLevelConnection redis) {
        this.l1 = l1;
        this.flights = flights;
        this.redis = redis;
    }

    /**
     * Evicts from Redis and then from L1, synchronously, and publishes the event for the other instances (for keys
     * on one Redis server, sent right behind the delete on its connection: one round trip in all).
     * Redis goes first: evicting L1 first would let a miss in between copy the old value from Redis back
     * into L1 after the eviction.
     */
    void invalidate(Invalidation invalidation, Object[] args, Object result) {
        SharedLevelConnection.Deferred rendered = new SharedLevelConnection.Deferred(invalidation.event(),
                KeyRenderer.renderAll(invalidation.keys(), args, result),
                prefixes(invalidation, args, result),
                KeyRenderer.renderAll(invalidation.tags(), args, result),
                argumentsByName(invalidation.payloadNames(), args));
        SharedLevel shared = redis.awaitShared();
        if (shared == null) {
            shared = redis.deferUnlessConnected(rendered);
        }
        // keys only, on one Redis: the event rides the delete's connection, right behind it
        boolean published = shared != null && redis.evictAndPublish(shared, rendered);
        if (shared != null && !published) {
            shared.evict(rendered.keys, rendered.prefixes, rendered.tags);
        }
        evictLocal(rendered.keys, rendered.prefixes, rendered.tags, InvalidationOrigin.SENT);
        if (shared != null && !published) {
            redis.publish(rendered);
        }
        sent.increment();
        tagsSent.add(rendered.tags.size());
    }

    /**
     * The rendered prefixes without the empty ones ({@code prefixes = "{tenant}"} with an empty tenant), each
     * warned about (rate-limited): an empty prefix would evict every key, in Redis (the whole namespace) and in the
     * L1 of every instance. The rest of the invalidation goes on.
     */
    private static List<String> prefixes(Invalidation invalidation, Object[] args, Object result) {
        String owner = invalidation.declared().owner();
        return nonEmpty(KeyRenderer.renderAll(invalidation.prefixes(), args, result), "invalidate.emptyPrefix:" + owner,
                () -> "a call of " + owner + " rendered an empty @InvalidateCache prefix, which would evict every key:"
                        + " that prefix is skipped, its other keys, prefixes and tags are evicted");
    }

    /** {@code prefixes} without the empty ones, warning (rate-limited, under {@code logKey}) when there were some. */
    private static List<String> nonEmpty(List<String> prefixes, String logKey, Supplier<String> warning) {
        if (!prefixes.contains("")) {
            return prefixes;
        }
        WeftLog.warnRateLimited(logKey, warning.get());
        return prefixes.stream().filter(prefix -> !prefix.isEmpty()).collect(Collectors.toList());
    }

    /**
     * Applies an event read from the streams: evicts its keys, prefixes and tags from L1, and first (as
     * {@link #invalidate}: Redis first) from Redis when {@code alsoL2}, for a foreign event (another service wrote
     * it and deleted nothing here). Those deletes are remembered, so that a failover sends them again (SPEC §11),
     * without an event. An empty prefix is not deleted in Redis, where it would delete every key: warned about.
     */
    void evictRead(List<String> keys, List<String> prefixes, List<String> tags, boolean alsoL2) {
        SharedLevel shared = alsoL2 ? redis.shared() : null;
        if (shared != null) {
            redis.evictForForeignEvent(shared, keys, nonEmpty(prefixes, "events.emptyPrefix", () -> "a foreign event"
                    + " asked to evict an empty prefix, which would delete every key in Redis: it is evicted from L1"
                    + " only, its other keys, prefixes and tags from Redis too"), tags);
        }
        evictLocal(keys, prefixes, tags, InvalidationOrigin.RECEIVED);
    }

    /**
     * Sends again the invalidations of the last seconds (a new master may never have received them): deletes
     * in Redis, then evicts L1 (a lookup since the failover may have copied an old value back) and publishes
     * the same events again, once the shared level's connection is open again (waiting up to 10 s; what still
     * fails is kept and retried as in an outage). The deletes made for foreign events are sent again likewise, but
     * publish nothing (the event was another service's). Returns how many of this instance's invalidations were sent
     * (each with its event); none without a connected shared level.
     */
    int replay() {
        SharedLevel shared = redis.shared();
        if (shared == null) {
            return 0;
        }
        try {
            // the change may be seen on another connection first: deletes sent before this one is back would fail
            shared.store().awaitOpen(REPLAY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int republished = 0;
        for (RecentInvalidations.Sent invalidation : redis.recent()) {
            shared.evict(invalidation.keys, invalidation.prefixes, invalidation.tags);
            evictLocal(invalidation.keys, invalidation.prefixes, invalidation.tags,
                    invalidation.event != null ? InvalidationOrigin.SENT : InvalidationOrigin.RECEIVED);
            if (invalidation.event != null) {
                redis.republish(invalidation.event);
                republished++;
            }
        }
        return republished;
    }

    /** Evicts keys, prefixes and tags from L1, counted as invalidations of {@code origin} in their caches. */
    private void evictLocal(List<String> keys, List<String> prefixes, List<String> tags, InvalidationOrigin origin) {
        for (String key : keys) {
            evictLocal(key, origin);
        }
        for (String prefix : prefixes) {
            evictLocalPrefix(prefix, origin);
        }
        for (String tag : tags) {
            flights.markTag(tag);
            l1.removeTag(tag, origin);
        }
    }

    /** Evicts one key from L1 in every loader's scope, first marking its loads in flight. */
    void evictLocal(String key, InvalidationOrigin origin) {
        flights.markKey(key);
        l1.remove(key, origin);
    }

    /** Evicts every L1 key that starts with {@code prefix}, marking loads in flight likewise. */
    void evictLocalPrefix(String prefix, InvalidationOrigin origin) {
        flights.markPrefix(prefix);
        l1.removePrefix(prefix, origin);
    }

    /** Empties the L1, marking every load in flight. */
    void clearLocal() {
        flights.markAll();
        l1.clear();
    }

    /** Invalidations this instance made (each one event). */
    long sent() {
        return sent.sum();
    }

    /** Tags this instance's invalidations evicted. */
    long tagsSent() {
        return tagsSent.sum();
    }

    private static Map<String, Object> argumentsByName(List<String> names, Object[] args) {
        Map<String, Object> named = new LinkedHashMap<>();
        for (int i = 0; i < args.length && i < names.size(); i++) {
            named.put(names.get(i), args[i]);
        }
        return named;
    }
}
