package io.weft.agent.cache;

import io.weft.agent.config.Durations;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.InstanceIds;
import io.weft.agent.events.StreamReader;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.FailoverWatch;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects a {@link CacheRuntime} to Redis: the shared level, the event publisher and the event reader.
 * Nothing here waits for Redis, so an unreachable Redis at start costs nothing but a warning; the
 * connections are opened in the background and reopened as Redis comes and goes.
 */
public final class RedisConnector implements SharedConnector {

    /** Events kept while Redis is unreachable before a clear-all replaces them. */
    static final int PUBLISH_BUFFER = 10_000;

    private final StreamReader reader;
    private final RedisStore store;
    private final EventPublisher publisher;
    private final RedisEndpoint endpoint;
    private final FailoverWatch failovers;
    private final WarmStart warm;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisConnector(StreamReader reader, RedisStore store, EventPublisher publisher, RedisEndpoint endpoint,
            FailoverWatch failovers, WarmStart warm) {
        this.reader = reader;
        this.warm = warm;
        this.store = store;
        this.publisher = publisher;
        this.endpoint = endpoint;
        this.failovers = failovers;
    }

    /** Starts the Redis side of {@code runtime} as {@code config} says. */
    public static RedisConnector connect(CacheRuntime runtime, WeftConfig config) {
        return SharedLevels.openWithExitHook("weft-redis-close", runtime, () -> open(runtime, config));
    }

    private static RedisConnector open(CacheRuntime runtime, WeftConfig config) {
        String instanceId = InstanceIds.create();
        // Relocated by the shade plugin to io.weft.shaded.netty.noUnsafe: only our Netty copy avoids
        // sun.misc.Unsafe (Java 24+ warns about it); the application's own Netty is untouched.
        System.setProperty("io.netty.noUnsafe", "true");
        RedisEndpoint endpoint = new RedisEndpoint(config.redisUri(), config.redisCluster());
        RedisStore store = new RedisStore(endpoint, config.redisTimeout(), new CircuitBreaker("L2"));
        EventPublisher publisher = new EventPublisher(endpoint, config.namespace(), config.streamMaxLen(),
                PUBLISH_BUFFER, config.redisTimeout(), instanceId);
        StreamReader reader = new StreamReader(endpoint, config.namespace(), config.streamMaxLen(),
                instanceId, ForeignEventMapping.parse(config.eventTemplates()), runtime);
        // opened before the runtime uses it, so that lookups do not wait for the connection (a miss meanwhile
        // is stored once connected): a Redis that refuses connections fails this at once
        awaitOpen(store, OPEN_WAIT);
        ValueCodecs codecs = new ValueCodecs(config.maxValueBytes(), config.compressMinBytes());
        SharedLevel shared = new SharedLevel(store, codecs, config.namespace(), config.leaseWait());
        shared.warmUp(instanceId);
        RedisStore.loadRaceClasses();
        runtime.connect(shared, publisher, instanceId, bound -> caughtUp(store, reader, bound));
        WarmStart warm = config.warm() ? runtime.startWarmStarts(config.warmKeys(), config.warmInterval()) : null;
        warmUp(instanceId, store);
        publisher.start();
        reader.start();
        FailoverWatch failovers = watchFailovers(endpoint, config.redisTimeout(), runtime);
        WeftLog.info("L2 on " + endpoint.redacted() + (endpoint.cluster() ? " (Redis Cluster)" : "") + " (timeout "
                + Durations.format(config.redisTimeout()) + "); reading " + String.join(", ", reader.streams())
                + " as instance " + instanceId);
        return new RedisConnector(reader, store, publisher, endpoint, failovers, warm);
    }

    /** How long the connector waits for the store's first connection before the runtime uses the store anyway. */
    static final Duration OPEN_WAIT = Duration.ofSeconds(2);

    /** Waits up to {@code bound} for the store's first connection (one attempt); whatever the outcome, returns. */
    static void awaitOpen(RedisStore store, Duration bound) {
        try {
            store.open().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Redis is down or slow to answer: the store's breaker and bounded calls take it from here
        }
    }

    /**
     * Waits up to {@code bound} until {@code reader} has applied every entry that the streams hold now (read on
     * the store's connection: the reader's own is blocked in {@code XREAD}); polls, on a background thread.
     */
    static boolean caughtUp(RedisStore store, StreamReader reader, Duration bound) throws InterruptedException {
        Map<String, String> ends = store.lastEntryIds(reader.streams());
        if (ends == null) {
            return false;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        while (!reader.hasApplied(ends)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Starts sending the recent invalidations again whenever the Redis master changes (SPEC §11). */
    static FailoverWatch watchFailovers(RedisEndpoint endpoint, Duration timeout, CacheRuntime runtime) {
        FailoverWatch watch = new FailoverWatch(endpoint, timeout, change -> {
            int replayed = runtime.replayRecentInvalidations();
            WeftLog.warn("Redis failover on " + endpoint.redacted() + ": " + change + "; sent the " + replayed
                    + " invalidations of the last " + SharedLevelConnection.RECENT_AGE.toSeconds()
                    + " s again, and the deletes made for other services' events meanwhile, which the old master may"
                    + " not have passed on");
        });
        watch.start();
        return watch;
    }

    /**
     * Stops reading, sends the events still queued (waiting at most the timeout) and closes the connections;
     * a shutdown hook does it at exit.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        failovers.close();
        if (warm != null) {
            warm.close();
        }
        reader.close();
        publisher.close();
        store.close();
        endpoint.close();
    }

    /** Warms up the event codec ({@link SharedLevels#warmUpEvents}) and a cluster's lease tags. */
    private static void warmUp(String instanceId, RedisStore store) {
        store.leaseKey("weft:warm-up");
        SharedLevels.warmUpEvents(instanceId);
    }

    @Override
    public String kind() {
        return "Redis";
    }

    @Override
    public StreamReader reader() {
        return reader;
    }

    @Override
    public RedisStore store() {
        return store;
    }

    @Override
    public EventPublisher publisher() {
        return publisher;
    }

    /** Changes of the Redis master seen (failovers). */
    @Override
    public long failovers() {
        return failovers.failovers();
    }

    /** The Redis URI without its password. */
    @Override
    public String redactedUri() {
        return endpoint.redacted();
    }

    /** The failed calls of the store, the publisher and the reader, by reason, and Redis's last error reply. */
    @Override
    public RedisErrors errors() {
        return endpoint.errors();
    }
}
