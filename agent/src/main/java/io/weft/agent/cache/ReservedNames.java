package io.weft.agent.cache;

import io.weft.agent.events.EventStreams;
import io.weft.agent.store.LeaseKeys;
import java.util.List;
import java.util.function.Predicate;

/**
 * Weft's own names in a namespace's Redis key space, which rendered keys share: the event streams
 * ({@code events:<type>}), the member sets of tags ({@code weft-tag:<tag>}), the records of most-hit keys
 * ({@code weft-warm:<cache>}) and the leases of value keys ({@code <key>:weft-lease}, in each form of
 * {@link LeaseKeys}). A rendered key that is one of them is kept out of the shared level: a value stored there
 * would replace the structure (SET replaces a key of any type), and a delete would delete it.
 */
public final class ReservedNames {

    /** What the names of Weft's own structures start with after the namespace. */
    private static final List<String> HEADS = List.of(EventStreams.KEY_PREFIX, SharedLevel.TAG_SET,
            SharedLevel.WARM_SET);
    /** The reserved names, for messages: {@code events:, weft-tag:, weft-warm:, :weft-lease}. */
    public static final String LISTED = String.join(", ", HEADS) + ", " + LeaseKeys.SUFFIX;

    private ReservedNames() {
    }

    /** Whether the rendered {@code key} (namespace excluded) is one of Weft's own names, a lease's included. */
    public static boolean isReserved(String key) {
        return underOwnHead(key) || key.contains(LeaseKeys.SUFFIX);
    }

    /** Whether {@code key} (namespace excluded) starts with the head of an event stream, a tag set or a warm set. */
    static boolean underOwnHead(String key) {
        for (String head : HEADS) {
            if (key.startsWith(head)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every key rendered from a template made of {@code literals} (placeholders between them, the first
     * before any) is reserved, whatever the arguments: its first literal is, or another contains a lease's suffix.
     */
    public static boolean everyKeyReserved(List<String> literals) {
        if (isReserved(literals.get(0))) {
            return true;
        }
        for (String literal : literals) {
            if (literal.contains(LeaseKeys.SUFFIX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells whether a Redis key is one of Weft's own structures in {@code namespace} (a stream, a tag set or a warm
     * set), which a prefix invalidation must never delete; leases are not: they go with the keys under the prefix.
     */
    static Predicate<String> ownStructures(String namespace) {
        return redisKey -> redisKey.startsWith(namespace) && underOwnHead(redisKey.substring(namespace.length()));
    }
}
