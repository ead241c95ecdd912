package io.weft.agent.store;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to a {@link RedisEndpoint}, opened on first use and opened again when opening it
 * failed or it was {@link #discard discarded}. Once open, Lettuce reconnects it by itself. Nobody waits
 * here: callers get a future and decide how long to wait for it.
 */
public final class LazyConnection<K, V> implements AutoCloseable {

    private final RedisEndpoint endpoint;
    private final RedisCodec<K, V> codec;
    private final Duration commandTimeout;
    private volatile CompletableFuture<StatefulRedisConnection<K, V>> current;
    private boolean closed;

    /** @param commandTimeout how long each command on the connection may take before it fails */
    public LazyConnection(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration commandTimeout) {
        this.endpoint = endpoint;
        this.codec = codec;
        this.commandTimeout = commandTimeout;
    }

    /** The open connection, or the attempt to open it (started now if there is none or the last one failed). */
    public CompletableFuture<StatefulRedisConnection<K, V>> get() {
        CompletableFuture<StatefulRedisConnection<K, V>> connection = current;
        if (connection != null && !connection.isCompletedExceptionally()) {
            return connection;
        }
        return open();
    }

    private synchronized CompletableFuture<StatefulRedisConnection<K, V>> open() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection to " + endpoint.redacted() + " closed"));
        }
        if (current == null || current.isCompletedExceptionally()) {
            current = endpoint.connect(codec, commandTimeout);
        }
        return current;
    }

    /** Closes the current connection, if it is {@code broken}, so that the next {@link #get} opens a new one. */
    public synchronized void discard(StatefulRedisConnection<K, V> broken) {
        CompletableFuture<StatefulRedisConnection<K, V>> connection = current;
        if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()
                && connection.join() == broken) {
            current = null;
            broken.closeAsync();
        }
    }

    /** Closes the connection (also one still being opened); later {@link #get} calls fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.thenAccept(StatefulRedisConnection::closeAsync);
            current = null;
        }
    }
}
