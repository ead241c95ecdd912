package io.weft.agent.cache;

import io.weft.agent.log.WeftLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Deletes of the shared level kept to be sent later (keys, prefixes and tags), at most {@code bound} of them, each
 * with the generation of the failure that last kept it: a retry forgets one only if no delete of it was kept again
 * since the retry was sent ({@link #retry}). Deleting more than was invalidated only costs misses, while a dropped
 * delete lets the old value be read back; so when more than {@code bound} wait, the keys and prefixes that share a
 * head (the text up to and including the first {@code :}) are replaced by their longest common prefix that ends with
 * a {@code :} ({@code book:1}, {@code book:2} → {@code book:}). Only when that leaves no room (the rest cannot be
 * widened: keys without a {@code :} or under Weft's own names, tags) are the latest deletes dropped, with a warning
 * naming them.
 */
final class KeptDeletes {

    private static final int NAMED_IN_WARNINGS = 5;
    /** How many kept keys a retry deletes in one command (one round trip). */
    static final int KEYS_PER_DELETE = 500;

    private final int bound;
    private final String topic;
    private final String overflow;
    private final Map<String, Long> keys = new ConcurrentHashMap<>();
    private final Map<String, Long> prefixes = new ConcurrentHashMap<>();
    private final Map<String, Long> tags = new ConcurrentHashMap<>();
    /** One counter for all: an item forgotten and kept again never gets back a generation a retry saw before. */
    private final AtomicLong generations = new AtomicLong();

    /**
     * @param topic names the rate-limited warnings
     * @param overflow what the warnings say happened when more than {@code bound} deletes wait
     */
    KeptDeletes(int bound, String topic, String overflow) {
        this.bound = bound;
        this.topic = topic;
        this.overflow = overflow;
    }

    /** The keys and prefixes of one head while widening, and the prefix that covers them all. */
    private static final class Group {
        String cover;
        int members;
        /** Whether one of them was kept before the call that widens. */
        boolean older;

        void add(String item, boolean keptBefore) {
            cover = cover == null ? item : commonPrefix(cover, item); // from the second item on, ends with ':'
            members++;
            older |= keptBefore;
        }
    }

    /** Keeps deletes of {@code keys}, of every key under {@code prefixes} and of the entries of {@code tags}. */
    synchronized void keep(List<String> keys, List<String> prefixes, List<String> tags) {
        long added = generations.incrementAndGet();
        long again = generations.incrementAndGet();
        put(this.keys, keys, added, again);
        put(this.prefixes, prefixes, added, again);
        put(this.tags, tags, added, again);
        if (size() <= bound) {
            return;
        }
        Map<String, Group> widened = widen(added);
        List<String> dropped = size() > bound ? dropLatest(keys, prefixes, tags, added, widened) : List.of();
        if (!widened.isEmpty()) {
            WeftLog.warnRateLimited(topic + ".widened", overflow + ": the deletes of "
                    + widened.values().stream().mapToInt(group -> group.members).sum() + " keys and prefixes were"
                    + " widened to the prefixes " + named(widened.values().stream().map(group -> group.cover)
                    .collect(Collectors.toList())) + ", which cover them (every entry under them is deleted: misses,"
                    + " never old values)");
        }
        if (!dropped.isEmpty()) {
            WeftLog.warnRateLimited(topic + ".dropped", overflow + ", and widening leaves no room (the rest are keys"
                    + " without ':' or under Weft's own names, and tags): the deletes of " + named(dropped) + " are"
                    + " dropped, so the shared level may serve what they invalidated to every instance until it"
                    + " expires");
        }
    }

    /**
     * When widening left no room: forgets the deletes that the call being kept (at generation {@code added}) brought,
     * and the prefixes {@code widened} from them only (taken out of it); returns them.
     */
    private List<String> dropLatest(List<String> keys, List<String> prefixes, List<String> tags, long added,
            Map<String, Group> widened) {
        Set<String> gone = new HashSet<>();
        for (Map.Entry<String, Group> group : widened.entrySet()) {
            if (!group.getValue().older) {
                this.prefixes.remove(group.getValue().cover);
                gone.add(group.getKey());
            }
        }
        widened.keySet().removeAll(gone);
        List<String> dropped = new ArrayList<>();
        drop(this.keys, keys, added, gone, dropped);
        drop(this.prefixes, prefixes, added, gone, dropped);
        drop(this.tags, tags, added, Set.of(), dropped);
        return dropped;
    }

    /** Keeps {@code items} at generation {@code added}, or {@code again} for those already kept. */
    private static void put(Map<String, Long> kept, List<String> items, long added, long again) {
        for (String item : items) {
            kept.compute(item, (k, before) -> before == null || before == added ? added : again);
        }
    }

    /**
     * Forgets the {@code items} of {@code kept} still kept as they were added (at generation {@code added}), into
     * {@code dropped} with those widened into the prefix of a head that is {@code gone}.
     */
    private static void drop(Map<String, Long> kept, List<String> items, long added, Set<String> gone,
            List<String> dropped) {
        for (String item : items) {
            String head = head(item);
            if (kept.remove(item, added) || head != null && gone.contains(head)) {
                dropped.add(item);
            }
        }
    }

    /**
     * Replaces the keys and prefixes of each head shared by two or more of them with the prefix that covers them,
     * kept at a new generation before they go, so that each stays covered throughout; returns those groups by head.
     */
    private Map<String, Group> widen(long added) {
        Map<String, Group> groups = new HashMap<>();
        group(keys, added, groups);
        group(prefixes, added, groups);
        groups.values().removeIf(group -> group.members < 2);
        long generation = generations.incrementAndGet();
        groups.values().forEach(group -> prefixes.put(group.cover, generation));
        forgetCovered(keys, groups, false);
        forgetCovered(prefixes, groups, true);
        return groups;
    }

    private static void group(Map<String, Long> kept, long added, Map<String, Group> groups) {
        for (Map.Entry<String, Long> item : kept.entrySet()) {
            String head = head(item.getKey());
            if (head != null) {
                groups.computeIfAbsent(head, h -> new Group()).add(item.getKey(), item.getValue() != added);
            }
        }
    }

    /** Forgets the items of {@code kept} that a group's prefix covers (in {@code prefixes}, not the prefix itself). */
    private static void forgetCovered(Map<String, Long> kept, Map<String, Group> groups, boolean prefixes) {
        for (String item : kept.keySet()) {
            String head = head(item);
            Group group = head == null ? null : groups.get(head);
            if (group != null && !(prefixes && item.equals(group.cover))) {
                kept.remove(item);
            }
        }
    }

    /**
     * The text of {@code item} up to and including its first {@code :}; null when it has none or is the head of Weft's
     * own keys (event streams, tag and warm sets: {@link ReservedNames}), never widened into.
     */
    private static String head(String item) {
        int separator = item.indexOf(':');
        if (separator < 0) {
            return null;
        }
        return ReservedNames.underOwnHead(item) ? null : item.substring(0, separator + 1);
    }

    /** The longest common prefix of {@code a} and {@code b} that ends with a {@code :} (both share a head). */
    private static String commonPrefix(String a, String b) {
        int common = 0;
        while (common < a.length() && common < b.length() && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        return a.substring(0, a.lastIndexOf(':', common - 1) + 1);
    }

    private static String named(List<String> items) {
        String named = items.stream().limit(NAMED_IN_WARNINGS).collect(Collectors.joining(", "));
        int more = items.size() - NAMED_IN_WARNINGS;
        return more > 0 ? named + " and " + more + " more" : named;
    }

    /** Whether {@code key} has a delete kept, itself or by a prefix. */
    boolean covers(String key) {
        if (keys.containsKey(key)) {
            return true;
        }
        for (String prefix : prefixes.keySet()) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Retries every delete kept: the keys {@value #KEYS_PER_DELETE} at a time ({@code deleteKeys}), then each prefix
     * and tag ({@code deletePrefix}, {@code deleteTag}); each says whether it went through. One that went through is
     * forgotten only if it was not kept again meanwhile: a delete of the same item that failed while this one was
     * under way (another invalidation, after a write this one may have preceded) stays kept.
     */
    void retry(Predicate<List<String>> deleteKeys, Predicate<String> deletePrefix, Predicate<String> deleteTag) {
        List<Map.Entry<String, Long>> chunk = new ArrayList<>(KEYS_PER_DELETE);
        for (Map.Entry<String, Long> key : keys.entrySet()) {
            chunk.add(Map.entry(key.getKey(), key.getValue()));
            if (chunk.size() == KEYS_PER_DELETE) {
                retryKeys(chunk, deleteKeys);
            }
        }
        if (!chunk.isEmpty()) {
            retryKeys(chunk, deleteKeys);
        }
        retry(prefixes, deletePrefix);
        retry(tags, deleteTag);
    }

    /** Deletes the keys of {@code chunk} in one call, forgets those still kept at the generation sent, and empties it. */
    private void retryKeys(List<Map.Entry<String, Long>> chunk, Predicate<List<String>> deleteKeys) {
        List<String> sent = new ArrayList<>(chunk.size());
        chunk.forEach(key -> sent.add(key.getKey()));
        if (deleteKeys.test(sent)) {
            chunk.forEach(key -> keys.remove(key.getKey(), key.getValue()));
        }
        chunk.clear();
    }

    private static void retry(Map<String, Long> kept, Predicate<String> delete) {
        for (Map.Entry<String, Long> item : kept.entrySet()) {
            long generation = item.getValue();
            if (delete.test(item.getKey())) {
                kept.remove(item.getKey(), generation);
            }
        }
    }

    /** Whether no delete is kept. */
    boolean isEmpty() {
        return keys.isEmpty() && prefixes.isEmpty() && tags.isEmpty();
    }

    private int size() {
        return keys.size() + prefixes.size() + tags.size();
    }

    /** The keys kept. */
    List<String> keys() {
        return new ArrayList<>(keys.keySet());
    }

    /** The prefixes kept. */
    List<String> prefixes() {
        return new ArrayList<>(prefixes.keySet());
    }

    /** The tags kept. */
    List<String> tags() {
        return new ArrayList<>(tags.keySet());
    }
}
