package io.weft.agent.events;

import io.weft.agent.log.WeftLog;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns one stream entry into calls on the {@link EvictionSink}: its own events are skipped (this
 * instance evicted before publishing); a clear-all event clears L1; an event of another Weft instance (its
 * {@code source} has the form of {@link InstanceIds}) evicts its {@code keys}, {@code prefixes} and {@code tags} from
 * L1 only (its writer deleted them in Redis before publishing); any other event is foreign (SPEC §6: another service
 * wrote it, and nobody deleted anything in Redis for it): its {@code keys}, the keys its type's templates render
 * (whether or not it has {@code keys}), its {@code prefixes} and the entries of its {@code tags} are evicted from L1
 * and Redis; an event that names nothing to evict is ignored. A malformed entry (also a foreign event whose payload
 * renders no key: {@link ForeignEventMapping#render} threw), or a sink that throws, is counted and logged
 * (rate-limited) and the next entry is processed. An entry that arrives on two streams (Weft appends typed events
 * to both) is applied twice, which is harmless.
 */
public final class EventDispatcher {

    private final String instanceId;
    /** How this instance's own events end ({@link EventJson#sourceEnding}): they are skipped without being parsed. */
    private final String ownEnding;
    private final ForeignEventMapping mapping;
    private final EvictionSink sink;
    private final LongAdder applied = new LongAdder();
    private final LongAdder own = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder sinkFailures = new LongAdder();
    private final Clock clock;
    private volatile long lagMillis;

    /** @param clock the wall clock that an event's timestamp is compared with, for the lag */
    public EventDispatcher(String instanceId, ForeignEventMapping mapping, EvictionSink sink, Clock clock) {
        this.instanceId = instanceId;
        this.ownEnding = EventJson.sourceEnding(instanceId);
        this.mapping = mapping;
        this.sink = sink;
        this.clock = clock;
    }

    /** Applies one entry. */
    public void dispatch(String stream, String id, Map<String, String> fields) {
        dispatch(stream, id, fields, true);
    }

    /**
     * Applies one entry unless that needs Redis (a foreign event also evicts from Redis) and {@code redisAllowed}
     * is false: then it does nothing and returns false. Lettuce's own threads call it so, as they must never wait
     * for Redis.
     */
    boolean dispatch(String stream, String id, Map<String, String> fields, boolean redisAllowed) {
        InvalidationEvent event;
        try {
            String json = fields.get("event");
            if (json == null) {
                throw new MalformedEventException("no \"event\" field");
            }
            if (EventJson.writtenAs(json, ownEnding)) {
                own.increment();
                return true;
            }
            event = EventJson.decode(json);
        } catch (MalformedEventException e) {
            return skipMalformed(stream, id, e.getMessage());
        }
        if (instanceId.equals(event.source())) {
            own.increment();
            return true;
        }
        boolean foreign = !event.isClearAll() && !InstanceIds.isWeft(event.source());
        if (!redisAllowed && foreign) {
            return false;
        }
        List<String> keys;
        try {
            keys = foreign ? mapping.keysOf(event) : event.keys();
        } catch (IllegalArgumentException e) {
            return skipMalformed(stream, id, "its payload renders no key: " + e.getMessage());
        }
        if (event.timestamp() != null) {
            lagMillis = Math.max(0, clock.millis() - event.timestamp().toEpochMilli());
        }
        try {
            if (!apply(event, stream, id, keys, foreign)) {
                ignored.increment();
                return true;
            }
            applied.increment();
        } catch (Throwable e) { // an Error too: the reader must outlive any one entry
            sinkFailures.increment();
            WeftLog.warnRateLimited("events.sink", "evicting for entry " + id + " of " + stream + " failed: " + e
                    + "; clearing the local cache, which may hold what it invalidates");
            clearAfterFailure(stream, id);
        }
        return true;
    }

    /** Clears L1 when an entry could not be applied: what it invalidates is unknown, and may be in L1. */
    private void clearAfterFailure(String stream, String id) {
        try {
            sink.clearAll("entry " + id + " of " + stream + " could not be applied");
        } catch (Throwable e) {
            WeftLog.warnRateLimited("events.sink.clear", "clearing the local cache failed too: " + e);
        }
    }

    /** Counts and logs (rate-limited) an entry that is skipped as malformed. */
    private boolean skipMalformed(String stream, String id, String reason) {
        malformed.increment();
        WeftLog.warnRateLimited("events.malformed", "skipped malformed entry " + id + " of " + stream + ": " + reason
                + " (" + malformed.sum() + " so far)");
        return true;
    }

    /**
     * Calls the sink for {@code event}; false when a foreign event names nothing to evict (an event of another Weft
     * instance counts as applied whatever it names).
     *
     * @param keys the keys to evict: a Weft event's, or those of a foreign event ({@link ForeignEventMapping#keysOf})
     * @param foreign whether Redis is deleted too: nobody did for a foreign event
     */
    private boolean apply(InvalidationEvent event, String stream, String id, List<String> keys, boolean foreign) {
        if (event.isClearAll()) {
            sink.clearAll("instance " + event.source() + " asked every instance to clear (entry " + id + " of " + stream
                    + "): it could not publish all its invalidations");
            return true;
        }
        if (!keys.isEmpty()) {
            sink.evictKeys(keys, foreign);
        }
        if (!event.prefixes().isEmpty()) {
            sink.evictPrefixes(event.prefixes(), foreign);
        }
        if (!event.tags().isEmpty()) {
            sink.evictTags(event.tags(), foreign);
        }
        return !foreign || !keys.isEmpty() || !event.prefixes().isEmpty() || !event.tags().isEmpty();
    }

    /** Events that evicted something. */
    public long applied() {
        return applied.sum();
    }

    /** This instance's own events, skipped. */
    public long own() {
        return own.sum();
    }

    /** Events that asked for nothing (unmapped foreign types, templates whose fields were missing). */
    public long ignored() {
        return ignored.sum();
    }

    /** Entries that were not events. */
    public long malformed() {
        return malformed.sum();
    }

    /** Calls to the sink that threw. */
    public long sinkFailures() {
        return sinkFailures.sum();
    }

    /** Processing time minus timestamp of the last event processed from another source, in ms. */
    public long lagMillis() {
        return lagMillis;
    }
}
