package io.weft.agent.events;

/** Names of the event streams (SPEC §6). */
public final class EventStreams {

    /** The type every Weft invalidation is appended under, and the stream every instance reads. */
    public static final String CACHE_INVALIDATED = "cache.invalidated";
    /** What every stream's key starts with after {@code weft.namespace}. */
    public static final String KEY_PREFIX = "events:";

    private EventStreams() {
    }

    /** The stream of events of {@code type}: {@code <namespace>events:<type>}. */
    public static String key(String namespace, String type) {
        return namespace + KEY_PREFIX + type;
    }
}
