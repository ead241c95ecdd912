package io.weft.agent.cache;

import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventJson;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.InvalidationEvent;
import io.weft.agent.events.MalformedEventException;
import io.weft.agent.store.Background;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What connecting a shared level takes, whichever it is (Redis or PostgreSQL). */
final class SharedLevels {

    /** How long a JVM that exits waits for a connection still being set up, to send what was invalidated meanwhile. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(3);

    private SharedLevels() {
    }

    /** Connects the shared level that {@code config} names ({@code weft.redis.uri} or {@code weft.store.uri}). */
    static SharedConnector connect(CacheRuntime runtime, WeftConfig config) {
        return config.redisUri() != null ? RedisConnector.connect(runtime, config) : PgConnector.connect(runtime, config);
    }

    /**
     * Opens a connector with {@code open}, after registering a shutdown hook that closes it once it is open
     * (waiting at most 3 s, and only when this JVM invalidated something), so that a JVM that exits while this
     * connects still sends the events of what it invalidated; then stores the values loaded while connecting.
     */
    static <C extends SharedConnector> C openWithExitHook(String hookName, CacheRuntime runtime, Supplier<C> open) {
        CompletableFuture<C> connected = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(Background.daemon(
                () -> closeOnceConnected(connected, runtime::invalidated, EXIT_WAIT), hookName));
        C connector;
        try {
            connector = open.get();
        } catch (RuntimeException | Error e) {
            connected.completeExceptionally(e);
            throw e;
        }
        connected.complete(connector);
        runtime.sendDeferredStores();
        return connector;
    }

    /**
     * At exit: closes the connector (sending what is queued) once it is open, waiting at most {@code wait} for that
     * when invalidations made meanwhile wait to be sent; a JVM with nothing to send exits without waiting for it.
     */
    static void closeOnceConnected(CompletableFuture<? extends SharedConnector> connected, BooleanSupplier waitingToBeSent,
            Duration wait) {
        if (!connected.isDone() && !waitingToBeSent.getAsBoolean()) {
            return; // what was loaded meanwhile only goes unstored: it is not needed for anything to be right
        }
        try {
            connected.get(wait.toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // never connected: nothing was sent that could be flushed
        }
    }

    /**
     * Builds the event JSON machinery once, off the callers' paths, so that the first invalidation is not
     * delayed by class loading (it otherwise took ~150 ms on 2 cores).
     */
    static void warmUpEvents(String instanceId) {
        try {
            EventJson.decode(EventJson.encode(InvalidationEvent.invalidation(EventStreams.CACHE_INVALIDATED,
                    List.of("weft:warm-up"), List.of(), Map.of(), instanceId)));
        } catch (MalformedEventException e) {
            throw new IllegalStateException("the event codec cannot read what it writes", e);
        }
    }
}
