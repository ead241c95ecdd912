package io.weft.agent.ops;

import io.weft.agent.config.AgentInfo;
import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.CacheSystem;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.cache.PgConnector;
import io.weft.agent.cache.SharedConnector;
import io.weft.agent.store.pg.PgCleanup;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventReader;
import io.weft.agent.events.InvalidationPublisher;
import io.weft.agent.metrics.CacheStats;
import io.weft.agent.metrics.InvalidationOrigin;
import io.weft.agent.metrics.LoadTimes;
import io.weft.agent.metrics.RefreshOutcome;
import io.weft.agent.store.ErrorReason;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.SharedStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the operations views show, read once: the agent, each cache, Redis and the event streams.
 * Metrics, health, the status page and JMX all render from it. Taking one reads counters and walks the
 * L1 once (for the entries per cache); it never calls Redis.
 */
public final class Snapshot {

    /** Health of the whole agent or of one part of it. */
    public enum Status {
        /** Working as configured. */
        UP,
        /** Working, but not fully: caching is off, or Redis is unreachable and the JVM runs on L1 alone. */
        DEGRADED,
        /** Not working: caching could not start, or (for a part) Redis does not answer. */
        DOWN,
        /** A part that is switched off, or not configured (Redis without {@code weft.redis.uri}). */
        OFF
    }

    public final String version;
    public final int javaFeature;
    public final boolean started;
    public final boolean agentEnabled;
    public final String weavingFailure;
    public final int wovenMethods;
    public final long l1Size;
    /** The L1 tag index's mappings (an entry once per tag it carries). */
    public final long l1TagIndexMappings;
    public final long l1MaxSize;
    public final long invalidationsSent;
    public final long invalidationsReceived;
    public final long invalidationsReplayed;
    /** Tags this JVM invalidated ({@code @InvalidateCache(tags)}), and tags of events from elsewhere it applied. */
    public final long tagInvalidationsSent;
    public final long tagInvalidationsReceived;
    public final List<CacheView> caches;
    public final RedisView redis;
    /** The database table's cleanup and size, with {@code weft.store.uri} once connected; else {@code null}. */
    public final StoreView store;
    public final Status status;
    public final List<String> reasons;

    private Snapshot(Parts parts, WeftConfig config, Switches switches, String weavingFailure, boolean countEntries) {
        this.version = AgentInfo.version();
        this.javaFeature = Runtime.version().feature();
        this.started = parts != null;
        this.agentEnabled = switches.agentEnabled();
        this.weavingFailure = weavingFailure;
        this.l1MaxSize = config.l1MaxSize();
        List<CacheView> views = new ArrayList<>();
        if (parts != null) {
            CacheRuntime runtime = parts.runtime;
            this.wovenMethods = parts.methods.size();
            Map<String, Long> sizes = countEntries ? runtime.l1SizesByCache() : Map.of();
            for (NamedCache cache : parts.caches.caches()) {
                views.add(new CacheView(cache, switches.cacheEnabled(cache), sizes.getOrDefault(cache.name(), 0L),
                        countEntries ? runtime.hotKeys(cache, HOT_KEYS_SHOWN) : List.of()));
            }
            this.l1Size = runtime.l1Size();
            this.l1TagIndexMappings = runtime.l1TagIndexMappings();
            this.invalidationsSent = runtime.invalidationsSent();
            this.invalidationsReceived = runtime.invalidationsReceived();
            this.invalidationsReplayed = runtime.invalidationsReplayed();
            this.tagInvalidationsSent = runtime.tagInvalidationsSent();
            this.tagInvalidationsReceived = runtime.tagInvalidationsReceived();
        } else {
            this.wovenMethods = 0;
            this.l1Size = 0;
            this.l1TagIndexMappings = 0;
            this.invalidationsSent = 0;
            this.invalidationsReceived = 0;
            this.invalidationsReplayed = 0;
            this.tagInvalidationsSent = 0;
            this.tagInvalidationsReceived = 0;
        }
        this.caches = Collections.unmodifiableList(views);
        String sharedUri = config.redisUri() != null ? config.redisUri() : config.storeUri();
        this.redis = sharedUri == null ? null : new RedisView(parts == null ? null : parts.redis.get(), sharedUri,
                config.redisUri() != null ? "Redis" : "PostgreSQL");
        SharedConnector shared = parts == null ? null : parts.redis.get();
        this.store = shared instanceof PgConnector ? new StoreView((PgConnector) shared) : null;
        List<String> why = new ArrayList<>();
        Status overall = Status.UP;
        if (weavingFailure != null && parts == null) {
            overall = Status.DOWN;
            why.add("caching could not start: " + weavingFailure);
        }
        if (!agentEnabled) {
            overall = worst(overall, Status.DEGRADED);
            why.add("caching is switched off for the agent");
        }
        if (redis != null && redis.status != Status.UP) {
            overall = worst(overall, Status.DEGRADED);
            why.add(redis.reason);
        }
        this.status = overall;
        this.reasons = Collections.unmodifiableList(why);
    }

    /**
     * Reads {@code parts} (null before the first annotated class was woven).
     *
     * @param countEntries whether to walk the L1 to count each cache's entries (else they read 0)
     */
    static Snapshot take(Parts parts, WeftConfig config, Switches switches, String weavingFailure,
            boolean countEntries) {
        return new Snapshot(parts, config, switches, weavingFailure, countEntries);
    }

    /** How many of each cache's hottest keys a snapshot shows. */
    static final int HOT_KEYS_SHOWN = 3;

    /** What a snapshot reads: the parts of a {@link CacheSystem} (tests build them without a dispatcher). */
    static final class Parts {
        final CacheRegistry caches;
        final CacheRuntime runtime;
        final MethodTable methods;
        final Supplier<SharedConnector> redis;

        Parts(CacheRegistry caches, CacheRuntime runtime, MethodTable methods, Supplier<SharedConnector> redis) {
            this.caches = caches;
            this.runtime = runtime;
            this.methods = methods;
            this.redis = redis;
        }

        static Parts of(CacheSystem system) {
            // a class, not a lambda: made on the way to the first woven call
            return new Parts(system.caches(), system.runtime(), system.methods(), new Supplier<SharedConnector>() {
                @Override
                public SharedConnector get() {
                    return system.shared();
                }
            });
        }
    }

    static Status worst(Status a, Status b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The cache called {@code name}, or null. */
    public CacheView cache(String name) {
        for (CacheView cache : caches) {
            if (cache.name.equals(name)) {
                return cache;
            }
        }
        return null;
    }

    /** One cache's switches and statistics. */
    public static final class CacheView {
        public final String name;
        /** Lookups happen (its own switch and the agent's are on). */
        public final boolean active;
        /** Its own switch. */
        public final boolean enabled;
        public final long l1Hits;
        public final long l2Hits;
        public final long misses;
        public final double hitRatio;
        public final long loads;
        public final long loadFailures;
        public final long loadNanosTotal;
        public final long loadP50Nanos;
        public final long loadP95Nanos;
        public final long loadP99Nanos;
        /** Loads per {@link LoadTimes} bucket. */
        public final long[] loadBuckets;
        public final long evictedBySize;
        public final long expired;
        public final long invalidated;
        /** Entries evicted by this instance's own invalidations, and by events read from the streams. */
        public final long invalidatedBySent;
        public final long invalidatedByReceived;
        public final long l2Unreadable;
        public final long l2NotStored;
        public final long compressed;
        public final long compressionSaved;
        public final long staleStoresDiscarded;
        public final long loadWaitTimeouts;
        public final long leaseWaits;
        public final long leaseWaitTimeouts;
        public final long staleServed;
        public final long warmed;
        /** Calls of batch methods (SPEC §13). */
        public final long batchCalls;
        /** Elements of batch calls found in L1, in Redis, in another call's load, and loaded by the call's method. */
        public final long batchL1Elements;
        public final long batchL2Elements;
        public final long batchJoinedElements;
        public final long batchLoadedElements;
        /** Background reloads ({@code refreshAfter}) by {@link RefreshOutcome}, indexed by its ordinal. */
        public final long[] refreshes;
        public final long l1Entries;
        /** The keys with the most hits in this JVM's L1, most first (read with the entries, else empty). */
        public final List<String> hotKeys;

        CacheView(NamedCache cache, boolean enabled, long l1Entries, List<String> hotKeys) {
            CacheStats stats = cache.stats();
            LoadTimes times = stats.loadTimes();
            this.name = cache.name();
            this.active = cache.enabled();
            this.enabled = enabled;
            // misses first: a lookup counted between two reads shows as a hit rather than as a lost miss
            this.misses = stats.misses();
            this.l1Hits = stats.l1Hits();
            this.l2Hits = stats.l2Hits();
            long lookups = l1Hits + l2Hits + misses;
            this.hitRatio = lookups == 0 ? 0 : (double) (l1Hits + l2Hits) / lookups;
            this.loadBuckets = times.bucketCounts();
            long n = 0;
            for (long count : loadBuckets) {
                n += count;
            }
            this.loads = n;
            this.loadNanosTotal = times.totalNanos();
            this.loadP50Nanos = times.quantileNanos(0.5);
            this.loadP95Nanos = times.quantileNanos(0.95);
            this.loadP99Nanos = times.quantileNanos(0.99);
            this.loadFailures = stats.loadFailures();
            this.evictedBySize = stats.sizeEvictions();
            this.expired = stats.expirations();
            this.invalidated = stats.invalidations();
            this.invalidatedBySent = stats.invalidations(InvalidationOrigin.SENT);
            this.invalidatedByReceived = stats.invalidations(InvalidationOrigin.RECEIVED);
            this.l2Unreadable = stats.l2Unreadable();
            this.l2NotStored = stats.l2NotStored();
            this.compressed = stats.compressed();
            this.compressionSaved = stats.compressionSaved();
            this.staleStoresDiscarded = stats.staleStoresDiscarded();
            this.loadWaitTimeouts = stats.loadWaitTimeouts();
            this.leaseWaits = stats.leaseWaits();
            this.leaseWaitTimeouts = stats.leaseWaitTimeouts();
            this.staleServed = stats.staleServed();
            this.warmed = stats.warmed();
            this.batchCalls = stats.batchCalls();
            this.batchL1Elements = stats.batchL1Elements();
            this.batchL2Elements = stats.batchL2Elements();
            this.batchJoinedElements = stats.batchJoinedElements();
            this.batchLoadedElements = stats.batchLoadedElements();
            this.refreshes = new long[RefreshOutcome.values().length];
            for (RefreshOutcome outcome : RefreshOutcome.values()) {
                refreshes[outcome.ordinal()] = stats.refreshes(outcome);
            }
            this.l1Entries = l1Entries;
            this.hotKeys = hotKeys;
        }

        public long hits() {
            return l1Hits + l2Hits;
        }

        /** Mean load time in nanoseconds, or 0 before the first load. */
        public long loadMeanNanos() {
            return loads == 0 ? 0 : loadNanosTotal / loads;
        }
    }

    /**
     * The shared level's table in PostgreSQL: its size as of the last cleanup, what the cleanups deleted, and the
     * writes dropped.
     */
    public static final class StoreView {
        /** Rows in the entries table (the planner's estimate), or -1 before the size was read. */
        public final long entries;
        /** The entries table's size on disk with its indexes, or -1 before it was read. */
        public final long bytes;
        /** Expired entries deleted by cleanups. */
        public final long expiredDeleted;
        public final long cleanups;
        /** How long the last cleanup took, or -1 before one. */
        public final long lastCleanupMillis;
        /** Stores, releases and renewals not sent: too many were waiting, or one waited longer than a lease. */
        public final long writesDropped;

        StoreView(PgConnector pg) {
            PgCleanup cleanup = pg.cleanup();
            this.entries = cleanup.entries();
            this.bytes = cleanup.bytes();
            this.expiredDeleted = cleanup.expiredDeleted();
            this.cleanups = cleanup.runs();
            this.lastCleanupMillis = cleanup.lastRunMillis();
            this.writesDropped = pg.store().writesDropped();
        }
    }

    /**
     * The shared level as this JVM sees it (Redis, or PostgreSQL with {@code weft.store.uri}): its circuit
     * breaker, the event reader and the publisher.
     */
    public static final class RedisView {
        /** What holds the shared level: {@code Redis} or {@code PostgreSQL}. */
        public final String kind;
        /** The URI without its password. */
        public final String uri;
        /** False while the connection is being set up (or could not be set up). */
        public final boolean connected;
        public final Status status;
        public final String reason;
        public final String breakerState;
        public final long failures;
        public final long rejections;
        public final long failovers;
        /** Failed calls of the store, the publisher and the reader, by {@link ErrorReason} label, in declaration order. */
        public final Map<String, Long> errors;
        public final boolean readerUp;
        public final boolean readerPositioned;
        public final List<String> streams;
        public final long lagMillis;
        public final long eventsApplied;
        public final long malformedEntries;
        public final long gapClears;
        public final long readFailures;
        public final long published;
        public final long publishPending;
        public final long publishFailures;
        public final long publishOverflows;

        /** @param kind what holds the shared level: {@code Redis} or {@code PostgreSQL} */
        RedisView(SharedConnector connector, String configuredUri, String kind) {
            this.kind = kind;
            this.connected = connector != null;
            if (connector == null) {
                this.uri = Redaction.uri(configuredUri);
                this.status = Status.DOWN;
                this.reason = kind + " " + uri + " is not connected yet";
                this.breakerState = "CLOSED";
                this.failures = 0;
                this.rejections = 0;
                this.failovers = 0;
                this.errors = errorCounts(null);
                this.readerUp = false;
                this.readerPositioned = false;
                this.streams = List.of();
                this.lagMillis = 0;
                this.eventsApplied = 0;
                this.malformedEntries = 0;
                this.gapClears = 0;
                this.readFailures = 0;
                this.published = 0;
                this.publishPending = 0;
                this.publishFailures = 0;
                this.publishOverflows = 0;
                return;
            }
            SharedStore store = connector.store();
            EventReader reader = connector.reader();
            InvalidationPublisher publisher = connector.publisher();
            this.uri = connector.redactedUri();
            this.breakerState = store.state().name();
            this.failures = store.failures();
            this.rejections = store.rejections();
            this.failovers = connector.failovers();
            this.errors = errorCounts(connector.errors());
            this.readerUp = reader.connected();
            this.readerPositioned = reader.positioned();
            this.streams = reader.streams();
            this.lagMillis = reader.lagMillis();
            this.eventsApplied = reader.eventsApplied();
            this.malformedEntries = reader.malformedEntries();
            this.gapClears = reader.gapClears();
            this.readFailures = reader.readFailures();
            this.published = publisher.published();
            this.publishPending = publisher.pending();
            this.publishFailures = publisher.failures();
            this.publishOverflows = publisher.overflows();
            String reply = connector.errors().recentReply();
            if (!readerUp || "OPEN".equals(breakerState)) {
                this.status = Status.DOWN;
                String failing = "OPEN".equals(breakerState) ? "circuit breaker open" : "event reader failing";
                this.reason = reply != null
                        ? kind + " " + uri + " fails (" + failing + "); its last error reply: " + reply
                                + "; caching goes on in L1 only"
                        : kind + " " + uri + " does not answer"
                                + ("OPEN".equals(breakerState) || readFailures > 0 ? " (" + failing + ")" : " yet")
                                + "; caching goes on in L1 only";
            } else if (!"CLOSED".equals(breakerState)) {
                this.status = Status.DEGRADED;
                this.reason = kind + " " + uri + " is being probed after failures (circuit breaker " + breakerState + ")"
                        + (reply != null ? "; its last error reply: " + reply : "");
            } else if (reply != null) {
                this.status = Status.DEGRADED;
                this.reason = kind + " " + uri + " rejects Weft's commands: " + reply
                        + "; caching goes on in L1 where it fails";
            } else {
                this.status = Status.UP;
                this.reason = null;
            }
        }

        private static Map<String, Long> errorCounts(RedisErrors errors) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (ErrorReason reason : ErrorReason.values()) {
                counts.put(reason.label(), errors == null ? 0 : errors.count(reason));
            }
            return Collections.unmodifiableMap(counts);
        }

        /**
         * Whether Redis answers and accepts Weft's commands: the event reader's last read succeeded, the breaker
         * is closed, and no error reply came in the last minute.
         */
        public boolean up() {
            return status == Status.UP;
        }
    }
}
