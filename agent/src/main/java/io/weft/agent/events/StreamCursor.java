package io.weft.agent.events;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.weft.agent.log.WeftLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the reader is in each stream: the id of the last entry it processed. It starts at the end of
 * each stream (the last entry's id, or {@code 0-0} for a stream that does not exist yet, so that no
 * entry added after the start is missed). Used by the reader thread, and by Lettuce's threads applying
 * the replies of reads that the reader thread waits for (on a cluster, one read per slot, at once).
 */
final class StreamCursor {

    static final String BEGINNING = "0-0";
    /** Added to a look-back: the elapsed time is measured here, the start point on Redis's clock. */
    private static final long LOOK_BACK_MARGIN_MILLIS = 1000;

    private final List<String> streams;
    private final Map<String, String> lastIds = new ConcurrentHashMap<>();
    /** Per stream, where the earliest read not yet checked for gaps started (see {@link #checkSince}). */
    private final Map<String, String> uncheckedSince = new ConcurrentHashMap<>();
    /**
     * Per stream read from its beginning: the entry after which every entry matters ({@code 0-0}, or where a look-back
     * began), and how many entries Redis had removed from it when a gap was last found (see {@link #removedBeyond}).
     */
    private final Map<String, String> floors = new ConcurrentHashMap<>();
    private final Map<String, Long> removalsSeen = new ConcurrentHashMap<>();
    private volatile boolean positioned;

    StreamCursor(List<String> streams) {
        this.streams = List.copyOf(streams);
        streams.forEach(stream -> lastIds.put(stream, BEGINNING));
    }

    /**
     * Moves to the end of every stream, or, when the cache has been looking keys up for {@code lookBackMillis},
     * to the last entry older than that (by Redis's clock, with a second of margin), so that the entries added
     * since the cache's first lookup are read.
     */
    void position(RedisClusterCommands<String, String> redis, long lookBackMillis) {
        Range<String> before = Range.unbounded();
        String floor = BEGINNING;
        if (lookBackMillis > 0) {
            List<String> time = redis.time();
            long redisMillis = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            long from = Math.max(0, redisMillis - lookBackMillis - LOOK_BACK_MARGIN_MILLIS);
            floor = from + "-0";
            before = Range.create(BEGINNING, floor);
        }
        for (String stream : streams) {
            List<StreamMessage<String, String>> last = redis.xrevrange(stream, before, Limit.from(1));
            lastIds.put(stream, last.isEmpty() ? BEGINNING : last.get(0).getId());
            floors.put(stream, floor);
        }
        positioned = true;
    }

    boolean positioned() {
        return positioned;
    }

    /** Whether the entries up to {@code ends} (a last id per stream; absent or {@code 0-0}: none) are processed. */
    boolean reached(Map<String, String> ends) {
        if (!positioned) {
            return false;
        }
        for (String stream : streams) {
            String end = ends.getOrDefault(stream, BEGINNING);
            if (compare(lastIds.get(stream), end) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Where to read {@code group} (some of the streams) from: after the last entry processed. */
    @SuppressWarnings("unchecked")
    StreamOffset<String>[] offsets(List<String> group) {
        return group.stream()
                .map(stream -> StreamOffset.from(stream, lastIds.get(stream)))
                .toArray(StreamOffset[]::new);
    }

    void advance(String stream, String id) {
        lastIds.put(stream, id);
    }

    /**
     * Asks the next {@link #findGaps} to check {@code stream} from {@code from}, where a read that came back long
     * enough to follow a trim started: entries read since then moved the cursor past the gap a trim leaves.
     */
    void checkSince(String stream, String from) {
        uncheckedSince.putIfAbsent(stream, from);
    }

    /** Whether a read asked for a check ({@link #checkSince}) that {@link #findGaps} has not made yet. */
    boolean checksPending() {
        return !uncheckedSince.isEmpty();
    }

    /**
     * Streams in which entries after the last one processed (or after where a read asked to be checked from,
     * {@link #checkSince}) may be gone: trimmed past it; the stream emptied or lost (deleted, or Redis restarted
     * without its data; such a stream is read from its beginning from now on); or the last entry processed gone
     * while older ones remain (a replica that never received it became the master, or it was deleted with {@code
     * XDEL}); or, for a stream read from its beginning, entries that Redis removed from it (trimmed or deleted) and
     * that may have come after where it began to matter. Each is described for the log.
     */
    List<String> findGaps(RedisClusterCommands<String, String> redis) {
        List<String> gaps = new ArrayList<>();
        for (String stream : streams) {
            String last = lastIds.get(stream);
            String since = uncheckedSince.getOrDefault(stream, last);
            uncheckedSince.remove(stream);
            if (since.equals(BEGINNING)) {
                String removed = removedBeyond(redis, stream);
                if (removed != null) {
                    gaps.add(removed);
                }
                continue;
            }
            List<StreamMessage<String, String>> first = redis.xrange(stream, Range.unbounded(), Limit.from(1));
            if (first.isEmpty()) {
                gaps.add(stream + " is empty or gone (deleted, or Redis restarted without its data)");
                lastIds.put(stream, BEGINNING);
                floors.put(stream, BEGINNING);
                removalsSeen.remove(stream);
            } else if (compare(first.get(0).getId(), since) > 0) {
                gaps.add(stream + " was trimmed past entry " + since + " (its oldest entry is " + first.get(0).getId()
                        + ")");
            } else if (redis.xrange(stream, Range.create(last, last)).isEmpty()) {
                gaps.add(lost(redis, stream, last));
            }
        }
        return gaps;
    }

    /**
     * For a stream read from its beginning, where a trim cannot be told from a stream that began there by its entries:
     * whether Redis removed entries from it since the last gap found in it, some of which may have come after its floor
     * (from Redis's own counts, {@code XINFO STREAM}, Redis 7.0 and newer); described for the log, or null. Null too
     * when the stream does not exist, when Redis does not keep those counts, and when {@code XINFO} is refused (warned
     * about): then such a gap goes unseen, as before Redis 7.0.
     */
    private String removedBeyond(RedisClusterCommands<String, String> redis, String stream) {
        Map<String, Object> info;
        try {
            info = pairs(redis.xinfoStream(stream));
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("ERR no such key")) {
                WeftLog.warnRateLimited("events.xinfo", "cannot tell whether entries of " + stream + " were removed"
                        + " before they were read: XINFO STREAM failed (" + e.getMessage() + "); grant +xinfo|stream");
            }
            return null;
        }
        Object added = info.get("entries-added");
        Object held = info.get("length");
        if (!(added instanceof Long) || !(held instanceof Long)) {
            return null;
        }
        long length = (Long) held;
        long removed = (Long) added - length;
        if (removed <= removalsSeen.getOrDefault(stream, 0L)) {
            return null;
        }
        String floor = floors.getOrDefault(stream, BEGINNING);
        String first = String.valueOf(length == 0 ? info.get("last-generated-id") : info.get("recorded-first-entry-id"));
        String maxDeleted = String.valueOf(info.get("max-deleted-entry-id"));
        if (compare(first, floor) <= 0 && compare(maxDeleted, floor) <= 0) {
            return null; // trimmed, and deleted, only up to entries before the floor
        }
        removalsSeen.put(stream, removed);
        return stream + " had entries removed before they were read (trimmed or deleted: " + removed + " in all; "
                + (length == 0 ? "it is empty now)" : "its oldest entry is now " + first + ")");
    }

    /** {@code XINFO STREAM}'s reply, a list of names each followed by its value, as a map. */
    private static Map<String, Object> pairs(List<Object> reply) {
        Map<String, Object> pairs = new HashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            pairs.put(String.valueOf(reply.get(i)), reply.get(i + 1));
        }
        return pairs;
    }

    /**
     * Describes the loss of entry {@code last} of {@code stream}; when the stream now ends before it, goes on
     * from the stream's end, so that entries appended to it from now on are not skipped.
     */
    private String lost(RedisClusterCommands<String, String> redis, String stream, String last) {
        List<StreamMessage<String, String>> end = redis.xrevrange(stream, Range.unbounded(), Limit.from(1));
        String endId = end.isEmpty() ? BEGINNING : end.get(0).getId();
        if (compare(endId, last) < 0) {
            lastIds.put(stream, endId);
            return stream + " ends at entry " + endId + ", before entry " + last + " read last (a failover lost"
                    + " entries)";
        }
        return stream + " no longer holds entry " + last + ", read last (a failover lost it, or it was deleted)";
    }

    /** Orders two stream ids ({@code <ms>-<seq>}). */
    static int compare(String a, String b) {
        int dashA = a.indexOf('-');
        int dashB = b.indexOf('-');
        int byTime = Long.compareUnsigned(Long.parseUnsignedLong(a.substring(0, dashA)),
                Long.parseUnsignedLong(b.substring(0, dashB)));
        return byTime != 0 ? byTime : Long.compareUnsigned(Long.parseUnsignedLong(a.substring(dashA + 1)),
                Long.parseUnsignedLong(b.substring(dashB + 1)));
    }
}
