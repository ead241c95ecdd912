package io.weft.agent.store;

import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to a {@link RedisEndpoint}, opened on first use and opened again when opening it
 * failed or it was {@link #discard discarded}. Once open, Lettuce reconnects it by itself. Getting it
 * never waits: callers get a future and decide how long to wait for it; opening runs on a background thread.
 */
public final class LazyConnection<K, V> implements AutoCloseable {

    /**
     * Where connections are opened: opening loads client classes and may resolve names, which must not
     * happen on (and pin) a caller's thread. One daemon thread, gone when idle.
     */
    private static final Executor OPENER = Background.singleThread("weft-redis-open");

    private final RedisEndpoint endpoint;
    private final RedisCodec<K, V> codec;
    private final Duration commandTimeout;
    private volatile CompletableFuture<RedisLink<K, V>> current;
    private boolean closed;

    /** @param commandTimeout how long each command on the connection may take before it fails */
    public LazyConnection(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration commandTimeout) {
        this.endpoint = endpoint;
        this.codec = codec;
        this.commandTimeout = commandTimeout;
    }

    /** The open connection, or the attempt to open it (started now if there is none or the last one failed). */
    public CompletableFuture<RedisLink<K, V>> get() {
        CompletableFuture<RedisLink<K, V>> connection = current;
        if (connection != null && !connection.isCompletedExceptionally()) {
            return connection;
        }
        return open();
    }

    /** The connection if it is open right now, else {@code null}; never waits and never opens one. */
    public RedisLink<K, V> ifOpen() {
        CompletableFuture<RedisLink<K, V>> connection = current;
        if (connection == null || !connection.isDone() || connection.isCompletedExceptionally()) {
            return null;
        }
        RedisLink<K, V> open = connection.getNow(null);
        return open != null && open.isOpen() ? open : null;
    }

    private synchronized CompletableFuture<RedisLink<K, V>> open() {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("connection to " + endpoint.redacted() + " closed"));
        }
        if (current == null || current.isCompletedExceptionally()) {
            current = CompletableFuture.supplyAsync(() -> endpoint.connect(codec, commandTimeout), OPENER)
                    .thenCompose(opening -> opening);
        }
        return current;
    }

    /** Closes the current connection, if it is {@code broken}, so that the next {@link #get} opens a new one. */
    public synchronized void discard(RedisLink<K, V> broken) {
        CompletableFuture<RedisLink<K, V>> connection = current;
        if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()
                && connection.join() == broken) {
            current = null;
            broken.closeAsync();
        }
    }

    /**
     * Closes the connection, waiting up to a second for that (a connection still being opened is closed
     * once open); later {@link #get} calls fail.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (current == null) {
            return;
        }
        CompletableFuture<Void> closing = current.thenCompose(RedisLink::closeAsync);
        current = null;
        try {
            closing.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // not open (yet), or slow to close: it closes in the background
        }
    }
}
