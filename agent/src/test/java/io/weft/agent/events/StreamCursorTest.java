package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Where the reader starts and goes on in each stream, against streams held here: {@code TIME}, {@code XRANGE} and
 * {@code XREVRANGE} answered as Redis answers them.
 */
class StreamCursorTest {

    /** Redis's clock: 1000 s and 500000 µs, that is 1_000_500 ms. */
    private static final List<String> TIME = List.of("1000", "500000");

    private final Map<String, List<String>> streams = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    private final Map<String, Long> removals = new HashMap<>();
    private final Map<String, String> lastGenerated = new HashMap<>();
    /** What {@code XINFO} answers instead, when set. */
    private RedisCommandExecutionException refusal;

    @SuppressWarnings("unchecked")
    private final RedisClusterCommands<String, String> redis = (RedisClusterCommands<String, String>) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {RedisClusterCommands.class}, (proxy, method, args) -> {
                asked.add(method.getName());
                switch (method.getName()) {
                    case "time":
                        return TIME;
                    case "xrange":
                        return range((String) args[0], (Range<String>) args[1], args.length > 2 ? (Limit) args[2] : null,
                                false);
                    case "xrevrange":
                        return range((String) args[0], (Range<String>) args[1], args.length > 2 ? (Limit) args[2] : null,
                                true);
                    case "xinfoStream":
                        return info((String) args[0]);
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });

    private List<StreamMessage<String, String>> range(String stream, Range<String> range, Limit limit, boolean reversed) {
        List<StreamMessage<String, String>> found = streams.getOrDefault(stream, List.of()).stream()
                .filter(id -> range.getLower().isUnbounded() || StreamCursor.compare(id, range.getLower().getValue()) >= 0)
                .filter(id -> range.getUpper().isUnbounded() || StreamCursor.compare(id, range.getUpper().getValue()) <= 0)
                .map(id -> new StreamMessage<>(stream, id, Map.of("event", "{}")))
                .collect(Collectors.toCollection(ArrayList::new));
        if (reversed) {
            Collections.reverse(found);
        }
        return limit != null && limit.isLimited() ? found.subList(0, (int) Math.min(limit.getCount(), found.size())) : found;
    }

    private void stream(String name, String... ids) {
        streams.put(name, Arrays.asList(ids));
    }

    /** {@code XINFO STREAM}'s reply as Redis 7 gives it, for a stream that held its entries and {@code removed} more. */
    private List<Object> info(String name) {
        if (refusal != null) {
            throw refusal;
        }
        if (!streams.containsKey(name)) {
            throw new RedisCommandExecutionException("ERR no such key");
        }
        List<String> ids = streams.get(name);
        long removed = removals.getOrDefault(name, 0L);
        String last = ids.isEmpty() ? lastGenerated.get(name) : ids.get(ids.size() - 1);
        return List.of("length", (long) ids.size(), "last-generated-id", last, "max-deleted-entry-id", "0-0",
                "entries-added", ids.size() + removed, "recorded-first-entry-id", ids.isEmpty() ? "0-0" : ids.get(0));
    }

    /** A stream that holds {@code ids} after {@code removed} older entries, up to {@code lastRemoved}, were trimmed. */
    private void trimmed(String name, long removed, String lastRemoved, String... ids) {
        stream(name, ids);
        removals.put(name, removed);
        lastGenerated.put(name, lastRemoved);
    }

    private static Map<String, String> offsets(StreamCursor cursor, String... streams) {
        Map<String, String> offsets = new HashMap<>();
        for (StreamOffset<String> offset : cursor.offsets(List.of(streams))) {
            offsets.put(offset.getName(), offset.getOffset());
        }
        return offsets;
    }

    @Test
    void itStartsAtTheEndOfEachStreamAndHasReachedWhatItProcessed() {
        stream("a", "1-0", "5-0");
        StreamCursor cursor = new StreamCursor(List.of("a", "b"));
        assertFalse(cursor.reached(Map.of()), "nothing is reached before the cursor is positioned");

        cursor.position(redis, 0);

        assertEquals(Map.of("a", "5-0", "b", "0-0"), offsets(cursor, "a", "b"));
        assertFalse(asked.contains("time"), "no look-back, no clock");
        assertTrue(cursor.reached(Map.of()));
        assertTrue(cursor.reached(Map.of("a", "5-0", "b", "0-0")));
        assertFalse(cursor.reached(Map.of("a", "5-1")));
        assertFalse(cursor.reached(Map.of("a", "5-0", "b", "1-0")), "every stream counts");
        cursor.advance("a", "10-0");
        assertTrue(cursor.reached(Map.of("a", "9-9")), "ids compare as numbers");
        assertFalse(cursor.reached(Map.of("a", "10-1")));
    }

    @Test
    void aLookBackStartsAfterTheLastEntryOlderThanItAndASecondByRedissClock() {
        // 1_000_500 ms - 10_000 ms looked back - 1_000 ms of margin: the last entry at or before 989500-0
        stream("a", "988000-0", "989499-7", "989500-0", "989500-1", "990000-0");
        stream("b", "989501-0");
        StreamCursor cursor = new StreamCursor(List.of("a", "b"));

        cursor.position(redis, 10_000);

        assertEquals(Map.of("a", "989500-0", "b", "0-0"), offsets(cursor, "a", "b"));
    }

    @Test
    void aStreamThatDoesNotExistYetLostNothing() {
        StreamCursor cursor = new StreamCursor(List.of("a"));
        cursor.position(redis, 0);
        asked.clear();

        assertEquals(List.of(), cursor.findGaps(redis), "a stream that does not exist yet lost nothing");
        assertEquals(List.of("xinfoStream"), asked, "only Redis's counts can tell a trim from a stream's beginning");
    }

    @Test
    void aStreamReadFromItsBeginningHasAGapOnceRedisRemovedEntriesOfItAndEachRemovalIsToldOnce() {
        StreamCursor cursor = new StreamCursor(List.of("a", "b"));
        cursor.position(redis, 0);
        stream("a", "5-0", "6-0");
        trimmed("b", 3, "4-0", "5-0", "6-0");

        assertEquals(List.of("b had entries removed before they were read (trimmed or deleted: 3 in all; its oldest"
                + " entry is now 5-0)"), cursor.findGaps(redis), "a began at 5-0; b's first three entries are gone");
        assertEquals(List.of(), cursor.findGaps(redis), "the same removals, told once");

        trimmed("b", 5, "5-0", "6-0");
        trimmed("a", 2, "6-0");
        assertEquals(List.of("a had entries removed before they were read (trimmed or deleted: 2 in all; it is empty"
                + " now)", "b had entries removed before they were read (trimmed or deleted: 5 in all; its oldest"
                + " entry is now 6-0)"), cursor.findGaps(redis));
        assertEquals(Map.of("a", "0-0", "b", "0-0"), offsets(cursor, "a", "b"), "both are still read from the beginning");
    }

    @Test
    void aLookBackThatFoundNoOlderEntryCountsOnlyRemovalsAfterItsStart() {
        // 1_000_500 ms - 10_000 ms looked back - 1_000 ms of margin: every entry after 989500-0 matters
        stream("a");
        stream("b");
        StreamCursor cursor = new StreamCursor(List.of("a", "b"));
        cursor.position(redis, 10_000);
        trimmed("a", 4, "989000-3");
        trimmed("b", 4, "990000-0");

        assertEquals(List.of("b had entries removed before they were read (trimmed or deleted: 4 in all; it is empty"
                + " now)"), cursor.findGaps(redis), "a's entries were all older than the look-back");
    }

    @Test
    void aRefusedXinfoLeavesTheGapUntoldAndTheCursorWhereItWas() {
        StreamCursor cursor = new StreamCursor(List.of("a"));
        cursor.position(redis, 0);
        trimmed("a", 3, "4-0", "5-0");
        refusal = new RedisCommandExecutionException("NOPERM User weft has no permissions to run the 'xinfo|stream'"
                + " command");

        assertEquals(List.of(), cursor.findGaps(redis));
        assertEquals(Map.of("a", "0-0"), offsets(cursor, "a"));
    }

    @Test
    void aLostLastEntryMovesTheCursorBackOnlyWhenTheStreamNowEndsBeforeIt() {
        stream("a", "1-0", "5-0");
        stream("b", "2-0", "6-0");
        StreamCursor cursor = new StreamCursor(List.of("a", "b"));
        cursor.position(redis, 0);
        stream("a", "1-0", "3-0");
        stream("b", "2-0", "7-0");

        List<String> gaps = cursor.findGaps(redis);

        assertEquals(List.of("a ends at entry 3-0, before entry 5-0 read last (a failover lost entries)",
                "b no longer holds entry 6-0, read last (a failover lost it, or it was deleted)"), gaps);
        assertEquals(Map.of("a", "3-0", "b", "6-0"), offsets(cursor, "a", "b"),
                "entries appended after 3-0 are read; 7-0 is not skipped");
    }
}
