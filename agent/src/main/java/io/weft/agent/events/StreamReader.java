package io.weft.agent.events;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.weft.agent.store.LazyConnection;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the event streams (SPEC §6) on one daemon thread ({@code weft-events-reader}) over its own
 * connection, with {@code XREAD BLOCK 1000 COUNT 100 STREAMS <namespace>events:cache.invalidated
 * <namespace>events:<type>… <ids>}, and tells the {@link EvictionSink} what each entry asks for:
 * <ul>
 * <li>entries whose source is this instance: nothing (it evicted before publishing);
 * <li>a clear-all event ({@code "clear_all": true}): {@code clearAll};
 * <li>an event with {@code keys} / {@code prefixes}: {@code evictKeys(keys, false)} and
 *     {@code evictPrefixes(prefixes)} (L1 only: the writer deleted them from Redis);
 * <li>an event without them, of a type mapped by {@code weft.events.<type>}: the rendered keys,
 *     {@code evictKeys(keys, true)} (L1 and Redis);
 * <li>anything else: nothing. A malformed entry is skipped, counted and logged (rate-limited).
 * </ul>
 * A Weft event of a mapped type arrives on two streams and is applied twice, which is harmless.
 *
 * <p>It starts at the end of each stream (the id of its last entry, rather than {@code $}, so that
 * nothing appended between two reads is missed) and remembers the last entry read per stream. When a
 * read failed (a lost connection), and when it is behind (a full batch), it first checks that no
 * stream was trimmed past that entry, lost (Redis restarted without its data), or lost that entry (a
 * replica that never received it became the master), and if one was, clears L1 and logs why. It then goes
 * on after the last entry read, or from the stream's end when that is now before it. Plain {@code XREAD} leaves
 * nothing behind in Redis.
 *
 * <p>On a Redis Cluster the streams may hash to different slots, which one {@code XREAD} cannot name: the
 * reader then sends one {@code XREAD} per slot, all at once, and applies their replies in the order of the
 * streams (two reads of streams on the same node wait for each other, so an entry may wait up to one
 * block time longer).
 *
 * <p>Entries that evict from L1 only (Weft's own events, clear-all events) are applied on Lettuce's thread
 * as the reply arrives, saving a thread hand-off; from the first entry that must also delete in Redis,
 * the rest of the reply is applied on the reader's thread, in order.
 */
public final class StreamReader extends DispatchingReader {

    private static final long BLOCK_MILLIS = 1000;
    private static final int COUNT = 100;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(BLOCK_MILLIS + 2000);

    private final LazyConnection<String, String> connection;
    private final List<String> streams;
    private final List<List<String>> reads;
    private final StreamCursor cursor;

    /**
     * @param namespace {@code weft.namespace}
     * @param instanceId this instance's id: events with this source are skipped
     * @param mapping the foreign event types read, and their key templates
     */
    public StreamReader(RedisEndpoint endpoint, String namespace, String instanceId, ForeignEventMapping mapping,
            EvictionSink sink) {
        super(endpoint.redacted(), endpoint.errors(), instanceId, mapping, sink);
        this.connection = new LazyConnection<>(endpoint, StringCodec.UTF8, READ_TIMEOUT);
        List<String> names = new ArrayList<>();
        names.add(EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED));
        for (String type : mapping.types()) {
            String stream = EventStreams.key(namespace, type);
            if (!names.contains(stream)) {
                names.add(stream);
            }
        }
        this.streams = List.copyOf(names);
        this.reads = endpoint.cluster() ? bySlot(streams) : List.of(streams);
        this.cursor = new StreamCursor(streams);
    }

    /** {@code streams} grouped by hash slot, in order: one {@code XREAD} may name streams of one slot only. */
    private static List<List<String>> bySlot(List<String> streams) {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (String stream : streams) {
            groups.computeIfAbsent(SlotHash.getSlot(stream), slot -> new ArrayList<>()).add(stream);
        }
        return List.copyOf(groups.values());
    }

    @Override
    protected boolean readRound(boolean checkGaps) throws Exception {
        RedisLink<String, String> open = connection.get().get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        RedisClusterCommands<String, String> redis = open.sync();
        if (!cursor.positioned()) {
            cursor.position(redis, cachingForMillis());
        } else if (checkGaps) {
            clearIfGaps(cursor.findGaps(redis));
        }
        readSucceeded();
        boolean behind = readOnce(open);
        readSucceeded();
        return behind;
    }

    /**
     * Reads every stream once (one {@code XREAD BLOCK} per entry of {@link #reads}, all sent at once) and
     * applies the entries; returns whether some read came back full (the reader may be behind).
     */
    private boolean readOnce(RedisLink<String, String> open) throws Exception {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        List<CompletableFuture<List<StreamMessage<String, String>>>> replies = new ArrayList<>(reads.size());
        List<CompletableFuture<Integer>> appliedOnArrival = new ArrayList<>(reads.size());
        for (List<String> group : reads) {
            CompletableFuture<List<StreamMessage<String, String>>> read = open.async()
                    .xread(XReadArgs.Builder.block(BLOCK_MILLIS).count(COUNT), cursor.offsets(group))
                    .toCompletableFuture();
            replies.add(read);
            appliedOnArrival.add(read.thenApply(this::applyWithoutRedis));
        }
        boolean behind = false;
        for (int i = 0; i < reads.size(); i++) {
            int applied = appliedOnArrival.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            List<StreamMessage<String, String>> entries = replies.get(i).join();
            for (StreamMessage<String, String> entry : entries.subList(applied, entries.size())) {
                dispatcher.dispatch(entry.getStream(), entry.getId(), entry.getBody());
                cursor.advance(entry.getStream(), entry.getId());
            }
            behind |= entries.size() >= COUNT;
        }
        return behind;
    }

    /** Applies entries up to the first that needs Redis; returns how many were applied. */
    private int applyWithoutRedis(List<StreamMessage<String, String>> entries) {
        int applied = 0;
        for (StreamMessage<String, String> entry : entries) {
            if (!dispatcher.dispatch(entry.getStream(), entry.getId(), entry.getBody(), false)) {
                break;
            }
            cursor.advance(entry.getStream(), entry.getId());
            applied++;
        }
        return applied;
    }

    /** The streams read, in order. */
    @Override
    public List<String> streams() {
        return streams;
    }

    /** Whether the reader has found the end of each stream: events appended from now on will be read. */
    @Override
    public boolean positioned() {
        return cursor.positioned();
    }

    /**
     * Whether every entry up to {@code ends} (each stream's last id, as read from Redis; a stream absent from
     * the map is empty) has been applied.
     */
    public boolean hasApplied(Map<String, String> ends) {
        return cursor.reached(ends);
    }

    @Override
    protected void closeConnection() {
        connection.close();
    }

    @Override
    protected long closeWaitMillis() {
        return READ_TIMEOUT.toMillis();
    }
}
