package io.weft.agent.store;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.concurrent.CompletableFuture;

/**
 * An open connection to one Redis server or to a Redis Cluster, seen through the commands both offer
 * ({@link RedisClusterAsyncCommands}, which Lettuce's standalone and cluster APIs both implement). On a
 * cluster, single-key commands go to the node owning the key's slot, a multi-key {@code DEL} is split by
 * slot and {@code SCAN} walks every master (Lettuce's advanced cluster API).
 */
public final class RedisLink<K, V> {

    private final StatefulConnection<K, V> connection;
    private final RedisClusterAsyncCommands<K, V> async;
    private final RedisClusterCommands<K, V> sync;

    private RedisLink(StatefulConnection<K, V> connection, RedisClusterAsyncCommands<K, V> async,
            RedisClusterCommands<K, V> sync) {
        this.connection = connection;
        this.async = async;
        this.sync = sync;
    }

    static <K, V> RedisLink<K, V> of(StatefulRedisConnection<K, V> connection) {
        return new RedisLink<>(connection, connection.async(), connection.sync());
    }

    static <K, V> RedisLink<K, V> of(StatefulRedisClusterConnection<K, V> connection) {
        return new RedisLink<>(connection, connection.async(), connection.sync());
    }

    /** Commands that return futures. */
    public RedisClusterAsyncCommands<K, V> async() {
        return async;
    }

    /** Commands that wait for their reply (at most the connection's command timeout). */
    public RedisClusterCommands<K, V> sync() {
        return sync;
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    public CompletableFuture<Void> closeAsync() {
        return connection.closeAsync();
    }
}
