package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.events.InvalidationEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The invalidations this instance sent to Redis lately: the last {@code maxEntries} of them, none older
 * than {@code maxAgeNanos}. After a failover they are sent again, since the old master may have
 * acknowledged them without passing them on to the replica that replaced it. They include the deletes it made
 * for foreign events it read (another service's, whose keys it rendered): those have no event of their own.
 */
final class RecentInvalidations {

    /**
     * One invalidation sent: the keys, prefixes and tags deleted in Redis, and the event announcing it; {@code null}
     * for the deletes made for a foreign event, which this instance did not publish (a replay publishes nothing).
     */
    static final class Sent {
        final long atNanos;
        final List<String> keys;
        final List<String> prefixes;
        final List<String> tags;
        final InvalidationEvent event;

        Sent(long atNanos, List<String> keys, List<String> prefixes, List<String> tags, InvalidationEvent event) {
            this.atNanos = atNanos;
            this.keys = keys;
            this.prefixes = prefixes;
            this.tags = tags;
            this.event = event;
        }
    }

    private final int maxEntries;
    private final long maxAgeNanos;
    private final Ticker clock;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();

    /** @param clock the system's but in tests */
    RecentInvalidations(int maxEntries, long maxAgeNanos, Ticker clock) {
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
    }

    /**
     * Remembers an invalidation just sent ({@code event} {@code null}: deletes made for a foreign event), forgetting
     * the oldest ones beyond the bounds.
     */
    synchronized void add(List<String> keys, List<String> prefixes, List<String> tags, InvalidationEvent event) {
        long now = clock.read();
        sent.addLast(new Sent(now, keys, prefixes, tags, event));
        if (sent.size() > maxEntries) {
            sent.removeFirst();
        }
        dropOlderThan(now - maxAgeNanos);
    }

    /** The invalidations sent within the bounds, oldest first. */
    synchronized List<Sent> recent() {
        dropOlderThan(clock.read() - maxAgeNanos);
        return new ArrayList<>(sent);
    }

    private void dropOlderThan(long oldest) {
        while (!sent.isEmpty() && sent.peekFirst().atNanos - oldest < 0) {
            sent.removeFirst();
        }
    }
}
