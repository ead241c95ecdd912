package io.weft.agent.events;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the event streams (SPEC §6) on one daemon thread ({@code weft-events-reader}) over its own
 * connection, with {@code XREAD BLOCK 1000 COUNT 100 STREAMS <namespace>events:cache.invalidated
 * <namespace>events:<type>… <ids>}, and tells the {@link EvictionSink} what each entry asks for:
 * <ul>
 * <li>entries whose source is this instance: nothing (it evicted before publishing);
 * <li>a clear-all event ({@code "clear_all": true}): {@code clearAll};
 * <li>an event of another Weft instance (its source has the form of {@link InstanceIds}): {@code evictKeys(keys,
 *     false)}, {@code evictPrefixes(prefixes, false)} and {@code evictTags(tags, false)} (L1 only: the writer deleted
 *     them from Redis);
 * <li>any other event (a foreign one): its {@code keys} and those rendered by the templates of its type mapped by
 *     {@code weft.events.<type>}, {@code evictKeys(keys, true)}, and {@code evictPrefixes(prefixes, true)} and
 *     {@code evictTags(tags, true)} (L1 and Redis);
 * <li>a foreign event that names nothing to evict (an unmapped type without keys): nothing. A malformed entry is
 *     skipped, counted and logged (rate-limited).
 * </ul>
 * A Weft event of a mapped type arrives on two streams and is applied twice, which is harmless.
 *
 * <p>It starts at the end of each stream (the id of its last entry, rather than {@code $}, so that
 * nothing appended between two reads is missed) and remembers the last entry read per stream. When a
 * read failed (a lost connection), it first checks that no stream was trimmed past that entry, lost (Redis
 * restarted without its data), or lost that entry (a replica that never received it became the master), and if
 * one was, clears L1 and logs why. It then goes on after the last entry read, or from the stream's end when that
 * is now before it. A read that brought as many entries of a stream as a trim leaves ({@code weft.stream.maxlen},
 * or a full batch) may have followed one (the reader stalled while the stream was trimmed past where it was):
 * that stream is checked from where that read started, before the next read. Plain {@code XREAD} leaves
 * nothing behind in Redis.
 *
 * <p>On a Redis Cluster the streams may hash to different slots, which one {@code XREAD} cannot name: the
 * reader then keeps one {@code XREAD} per slot in flight, each on a connection of its own (a blocked read holds
 * its connection), applies each reply as it comes and sends that slot's next read at once, so that an entry never
 * waits for another slot's read to end its block; positioning and gap checks then go over one more connection.
 *
 * <p>Entries that evict from L1 only (events of Weft instances, clear-all events) are applied on Lettuce's thread
 * as the reply arrives, saving a thread hand-off; from the first entry that must also delete in Redis,
 * the rest of the reply is applied on the reader's thread, in order.
 */
public final class StreamReader extends DispatchingReader {

    private static final long BLOCK_MILLIS = 1000;
    private static final int COUNT = 100;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(BLOCK_MILLIS + 2000);

    private final List<String> streams;
    private final List<Group> groups;
    /** Positioning and gap checks: the single group's connection, or one of its own beside several groups'. */
    private final LazyConnection<String, String> control;
    private final StreamCursor cursor;
    /** How many entries of one stream a read brings, at least, when it may have followed a trim past the cursor. */
    private final long trimmedReadLength;

    /**
     * @param namespace {@code weft.namespace}
     * @param streamMaxLen {@code weft.stream.maxlen}: a trimmed stream keeps at least as many entries
     * @param instanceId this instance's id: events with this source are skipped
     * @param mapping the foreign event types read, and their key templates
     */
    public StreamReader(RedisEndpoint endpoint, String namespace, long streamMaxLen, String instanceId,
            ForeignEventMapping mapping, EvictionSink sink) {
        super(endpoint.redacted(), endpoint.errors(), instanceId, mapping, sink);
        List<String> names = new ArrayList<>();
        names.add(EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED));
        for (String type : mapping.types()) {
            String stream = EventStreams.key(namespace, type);
            if (!names.contains(stream)) {
                names.add(stream);
            }
        }
        this.streams = List.copyOf(names);
        List<Group> bySlot = new ArrayList<>();
        for (List<String> group : endpoint.cluster() ? bySlot(streams) : List.of(streams)) {
            bySlot.add(new Group(group, new LazyConnection<>(endpoint, StringCodec.UTF8, READ_TIMEOUT)));
        }
        this.groups = List.copyOf(bySlot);
        this.control = groups.size() == 1 ? groups.get(0).connection
                : new LazyConnection<>(endpoint, StringCodec.UTF8, READ_TIMEOUT);
        this.cursor = new StreamCursor(streams);
        this.trimmedReadLength = Math.min(COUNT, streamMaxLen);
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
        RedisClusterCommands<String, String> redis = control.get()
                .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).sync();
        if (!cursor.positioned()) {
            cursor.position(redis, cachingForMillis());
        } else if (checkGaps || cursor.checksPending()) {
            clearIfGaps(cursor.findGaps(redis));
        }
        readSucceeded();
        boolean behind = readOnce();
        readSucceeded();
        return behind;
    }

    /**
     * Sends the read of each group that has none in flight, waits until one is answered (each at most
     * {@link #READ_TIMEOUT} from when it was sent), and applies the entries of every answered read; returns whether
     * one came back full (the reader may be behind). Reads not answered yet stay in flight for the next round.
     */
    private boolean readOnce() throws Exception {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[groups.size()];
        long deadline = Long.MAX_VALUE;
        for (int i = 0; i < inFlight.length; i++) {
            Group group = groups.get(i);
            if (group.read == null) {
                group.read = send(group);
            }
            inFlight[i] = group.read.applied;
            deadline = Math.min(deadline, group.read.sentNanos + READ_TIMEOUT.toNanos());
        }
        try {
            CompletableFuture.anyOf(inFlight).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // which read failed or timed out is found below
        }
        boolean behind = false;
        for (Group group : groups) {
            Read read = group.read;
            if (read.applied.isDone()) {
                group.read = null;
                behind |= applyRest(read);
            } else if (System.nanoTime() - read.sentNanos >= READ_TIMEOUT.toNanos()) {
                group.read = null;
                group.connection.discard(read.link);
                throw new TimeoutException("no reply to XREAD of " + group.streams + " within " + READ_TIMEOUT);
            }
        }
        return behind;
    }

    /** Sends one {@code XREAD BLOCK} of a group's streams from the cursor; what needs no Redis is applied on arrival. */
    private Read send(Group group) throws Exception {
        RedisLink<String, String> link = group.connection.get().get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long sent = System.nanoTime();
        StreamOffset<String>[] from = cursor.offsets(group.streams);
        CompletableFuture<List<StreamMessage<String, String>>> reply = link.async()
                .xread(XReadArgs.Builder.block(BLOCK_MILLIS).count(COUNT), from)
                .toCompletableFuture();
        return new Read(link, sent, from, reply, reply.thenApply(this::applyWithoutRedis));
    }

    /**
     * Applies, on this thread and in order, the entries of an answered read that were not applied on arrival, and
     * asks for a gap check of each stream it brought enough entries of to have followed a trim; returns whether it
     * came back full.
     */
    private boolean applyRest(Read read) throws Exception {
        int applied = read.applied.get();
        List<StreamMessage<String, String>> entries = read.reply.join();
        for (StreamMessage<String, String> entry : entries.subList(applied, entries.size())) {
            dispatcher.dispatch(entry.getStream(), entry.getId(), entry.getBody());
            cursor.advance(entry.getStream(), entry.getId());
        }
        if (entries.size() >= trimmedReadLength) {
            for (StreamOffset<String> from : read.from) {
                if (entries.stream().filter(e -> e.getStream().equals(from.getName())).count() >= trimmedReadLength) {
                    cursor.checkSince(from.getName(), from.getOffset());
                }
            }
        }
        return entries.size() >= COUNT;
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

    /** The streams of one {@code XREAD} (one slot), its connection, and its read in flight (the reader's thread's). */
    private static final class Group {
        final List<String> streams;
        final LazyConnection<String, String> connection;
        Read read;

        Group(List<String> streams, LazyConnection<String, String> connection) {
            this.streams = streams;
            this.connection = connection;
        }
    }

    /**
     * A read sent: on which connection and when, where in each stream it started, its reply, and how many of its
     * entries were applied on arrival.
     */
    private static final class Read {
        final RedisLink<String, String> link;
        final long sentNanos;
        final StreamOffset<String>[] from;
        final CompletableFuture<List<StreamMessage<String, String>>> reply;
        final CompletableFuture<Integer> applied;

        Read(RedisLink<String, String> link, long sentNanos, StreamOffset<String>[] from,
                CompletableFuture<List<StreamMessage<String, String>>> reply, CompletableFuture<Integer> applied) {
            this.link = link;
            this.sentNanos = sentNanos;
            this.from = from;
            this.reply = reply;
            this.applied = applied;
        }
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
        for (Group group : groups) {
            group.connection.close();
        }
        control.close();
    }

    @Override
    protected long closeWaitMillis() {
        return READ_TIMEOUT.toMillis();
    }
}
