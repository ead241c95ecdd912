package io.weft.agent.events;

import java.util.List;

/**
 * What the {@link StreamReader} asks of the cache when events arrive. Keys, prefixes and tags are rendered
 * without {@code weft.namespace}. Called from the reader's thread; an exception is logged and the
 * reader goes on.
 */
public interface EvictionSink {

    /**
     * Evicts {@code keys} from L1 and, when {@code alsoL2}, from Redis: events of Weft instances say {@code false}
     * (the writer already deleted them from Redis); foreign events (their {@code keys} and those their type's
     * templates render) say {@code true}.
     */
    void evictKeys(List<String> keys, boolean alsoL2);

    /**
     * Evicts every entry whose key starts with one of {@code prefixes} from L1 and, when {@code alsoL2}, from Redis (as
     * for {@link #evictKeys}: events of Weft instances say {@code false}, foreign events {@code true}).
     */
    void evictPrefixes(List<String> prefixes, boolean alsoL2);

    /**
     * Evicts the entries carrying one of {@code tags} from L1 and, when {@code alsoL2}, from Redis (as for
     * {@link #evictKeys}: events of Weft instances say {@code false}, foreign events {@code true}).
     */
    void evictTags(List<String> tags, boolean alsoL2);

    /** Empties the L1: events may have been missed, or another instance asked for it. */
    void clearAll(String reason);

    /**
     * How long ago, in milliseconds, this instance first looked up a key whose value it may have cached
     * (0: it has not yet). The reader starts that much before the end of each stream, so that an invalidation
     * published between such a lookup and the reader's start still reaches the cached value.
     */
    long cachingForMillis();
}
