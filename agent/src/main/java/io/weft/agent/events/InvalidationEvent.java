package io.weft.agent.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One event of SPEC §6. On the wire (see {@link EventJson}) it is the {@code event} field of a stream
 * entry:
 *
 * <pre>{"type":"book.updated","payload":{"keys":["storybook:book:42"],"prefixes":[],"bookId":42},
 *  "timestamp":"2026-11-21T10:00:00.123456Z","source":"host-1234-…","event_id":"3f2a…"}</pre>
 *
 * <p>The payload of a Weft invalidation holds {@code keys} and {@code prefixes} (rendered, without the
 * namespace), {@code tags} when it evicts tags, and the method's scalar arguments by name. A clear-all
 * event, which a publisher sends when its buffer overflowed, has type {@code cache.invalidated} and exactly
 * the payload {@code {"clear_all":true}}. Foreign events (other services) may carry any payload (a
 * {@code tags} list among it); their timestamp, source and event id may be missing (null here). Which events are
 * Weft's is told by their source ({@link InstanceIds}), never by their payload.
 */
public final class InvalidationEvent {

    static final String KEYS = "keys";
    static final String PREFIXES = "prefixes";
    static final String TAGS = "tags";
    static final String CLEAR_ALL = "clear_all";

    private final String type;
    private final Map<String, Object> payload;
    private final Instant timestamp;
    private final String source;
    private final String eventId;

    /**
     * An event as read or built; {@code payload} values are JSON values (strings, numbers, booleans,
     * null, lists, maps).
     *
     * @throws IllegalArgumentException when {@code keys}, {@code prefixes} or {@code tags} is present but not a list
     *     of strings
     */
    public InvalidationEvent(String type, Map<String, Object> payload, Instant timestamp, String source, String eventId) {
        this.type = type;
        this.payload = Collections.unmodifiableMap(new LinkedHashMap<>(payload));
        this.timestamp = timestamp;
        this.source = source;
        this.eventId = eventId;
        checkStrings(KEYS);
        checkStrings(PREFIXES);
        checkStrings(TAGS);
    }

    /** A Weft invalidation made now that evicts no tags. */
    public static InvalidationEvent invalidation(String type, List<String> keys, List<String> prefixes,
            Map<String, ?> arguments, String source) {
        return invalidation(type, keys, prefixes, List.of(), arguments, source);
    }

    /**
     * A Weft invalidation made now: payload {@code keys}, {@code prefixes}, {@code tags} (left out when empty),
     * then those {@code arguments} that are scalars (strings, numbers, booleans, UUIDs and enums as their text,
     * nulls); the others are left out, as are arguments named {@code keys}, {@code prefixes}, {@code tags} or
     * {@code clear_all}.
     */
    public static InvalidationEvent invalidation(String type, List<String> keys, List<String> prefixes,
            List<String> tags, Map<String, ?> arguments, String source) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(KEYS, List.copyOf(keys));
        payload.put(PREFIXES, List.copyOf(prefixes));
        if (!tags.isEmpty()) {
            payload.put(TAGS, List.copyOf(tags));
        }
        arguments.forEach((name, value) -> {
            if (!name.equals(KEYS) && !name.equals(PREFIXES) && !name.equals(TAGS) && !name.equals(CLEAR_ALL)
                    && isScalar(value)) {
                payload.put(name, value instanceof UUID || value instanceof Enum<?> ? value.toString() : value);
            }
        });
        return new InvalidationEvent(type, payload, now(), source, UUID.randomUUID().toString());
    }

    /** The event that tells every other instance to empty its L1: payload {@code {"clear_all":true}}. */
    public static InvalidationEvent clearAll(String source) {
        return new InvalidationEvent(EventStreams.CACHE_INVALIDATED, Map.of(CLEAR_ALL, true), now(), source,
                UUID.randomUUID().toString());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean isScalar(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof UUID
                || value instanceof Enum<?> || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof Double || value instanceof Float
                || value instanceof BigInteger || value instanceof BigDecimal;
    }

    private void checkStrings(String field) {
        if (!payload.containsKey(field)) {
            return;
        }
        Object value = payload.get(field);
        if (!(value instanceof List<?>) || !((List<?>) value).stream().allMatch(e -> e instanceof String)) {
            throw new IllegalArgumentException("payload." + field + " is not a list of strings");
        }
    }

    public String type() {
        return type;
    }

    /** The payload, unmodifiable, in its original order. */
    public Map<String, Object> payload() {
        return payload;
    }

    /** When the event was made, or null when a foreign event did not say. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The instance id of the writer, or null when a foreign event did not say. */
    public String source() {
        return source;
    }

    /** The event's id (a UUID from Weft, any string from others), or null. */
    public String eventId() {
        return eventId;
    }

    /** The payload's {@code keys}, or an empty list. */
    @SuppressWarnings("unchecked")
    public List<String> keys() {
        return (List<String>) payload.getOrDefault(KEYS, List.of());
    }

    /** The payload's {@code prefixes}, or an empty list. */
    @SuppressWarnings("unchecked")
    public List<String> prefixes() {
        return (List<String>) payload.getOrDefault(PREFIXES, List.of());
    }

    /** The payload's {@code tags}, or an empty list. */
    @SuppressWarnings("unchecked")
    public List<String> tags() {
        return (List<String>) payload.getOrDefault(TAGS, List.of());
    }

    /** Whether this is a clear-all event ({@code "clear_all": true} in the payload). */
    public boolean isClearAll() {
        return Boolean.TRUE.equals(payload.get(CLEAR_ALL));
    }

    @Override
    public String toString() {
        return EventJson.encode(this);
    }
}
