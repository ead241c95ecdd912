package io.weft.agent.events;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.weft.agent.store.FollowUp;
import io.weft.agent.store.LazyConnection;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisLink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Appends invalidation events to the streams (SPEC §6) over its own connection, never making
 * {@link #publish} wait for Redis. Each event is appended with {@code XADD <stream> MAXLEN ~ <maxLen> *
 * type <type> event <json>} to {@code <namespace>events:cache.invalidated} and, when its type is another,
 * to {@code <namespace>events:<type>} too: two commands (on a cluster the streams may live on different
 * nodes), both sent before either reply is awaited.
 *
 * <p>When the connection is open and nothing is queued, the caller's thread sends the event
 * itself without waiting for the reply (one thread hand-off less between a write and the other instances'
 * evictions). Otherwise the event is queued and sent by the publishing thread ({@link BufferedPublisher}:
 * in order, bounded, retried while Redis cannot be reached, replaced by a clear-all event on overflow).
 */
public final class EventPublisher extends BufferedPublisher {

    private final LazyConnection<String, String> connection;
    private final String namespace;
    private final String allStream;
    private final XAddArgs append;

    /**
     * @param namespace {@code weft.namespace}
     * @param maxLen {@code weft.stream.maxlen}, the approximate length bound of each stream
     * @param bufferCapacity how many events are kept while Redis cannot be reached
     * @param timeout bound on each round trip to Redis, and on the wait for queued events at {@link #close}
     * @param instanceId this instance's id, the source of the clear-all event
     */
    public EventPublisher(RedisEndpoint endpoint, String namespace, long maxLen, int bufferCapacity, Duration timeout,
            String instanceId) {
        super(endpoint.redacted(), endpoint.errors(), bufferCapacity, timeout, instanceId);
        this.connection = new LazyConnection<>(endpoint, StringCodec.UTF8, timeout);
        this.namespace = namespace;
        this.allStream = EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED);
        this.append = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
    }

    /** Opens the connection and starts the publishing thread; events published before are queued until then. */
    public void start() {
        connection.get();
        startThread();
    }

    /** Sends {@code event} without waiting for Redis, or queues it; returns at once. */
    @Override
    public void publish(InvalidationEvent event) {
        RedisLink<String, String> open = connection.ifOpen();
        long started = open != null && mayGoDirect() ? buffer.startDirect() : PublishBuffer.NOT_DIRECT;
        if (started != PublishBuffer.NOT_DIRECT) {
            sendDirectly(open, event, started);
            return;
        }
        queue(event);
    }

    /** Sends one event from the caller's thread; the reply arrives on Lettuce's thread. */
    private void sendDirectly(RedisLink<String, String> c, InvalidationEvent event, long started) {
        try {
            append(c.async(), event).whenComplete((appended, failure) -> directSendEnded(started, event, failure));
        } catch (RuntimeException e) {
            directSendEnded(started, event, e);
        }
    }

    @Override
    protected void send(List<InvalidationEvent> batch) throws Exception {
        RedisLink<String, String> c = connection.get().get(timeoutMillis(), TimeUnit.MILLISECONDS);
        try {
            RedisClusterAsyncCommands<String, String> redis = c.async();
            CompletableFuture<?>[] appends = new CompletableFuture<?>[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                appends[i] = append(redis, batch.get(i));
            }
            CompletableFuture.allOf(appends).get(timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            connection.discard(c);
            throw e;
        }
    }

    /**
     * A send of {@code event} right behind the store's delete of its keys, on the store's connection (one round trip:
     * the other instances get the event as soon as the keys are gone), when nothing is queued (events stay in
     * order; earlier direct sends may still await their replies); {@code null} otherwise.
     */
    @Override
    public FollowUp appendAfter(InvalidationEvent event) {
        long started = mayGoDirect() ? buffer.startDirect() : PublishBuffer.NOT_DIRECT;
        if (started == PublishBuffer.NOT_DIRECT) {
            return null;
        }
        AtomicBoolean ended = new AtomicBoolean();
        // the first of send and notSent counts (a delete whose connection opened after its wait gave up may still
        // send): the event goes out once, and the direct send ends once
        return new FollowUp() {
            @Override
            public void send(RedisClusterAsyncCommands<String, byte[]> redis) {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
                try {
                    append(redis, event, json -> json.getBytes(StandardCharsets.UTF_8))
                            .whenComplete((appended, failure) -> directSendEnded(started, event, failure));
                } catch (RuntimeException e) {
                    directSendEnded(started, event, e);
                }
            }

            @Override
            public void notSent() {
                if (ended.compareAndSet(false, true)) {
                    directSendCancelled(started, event);
                }
            }
        };
    }

    private CompletableFuture<?> append(RedisClusterAsyncCommands<String, String> redis, InvalidationEvent event) {
        return append(redis, event, Function.identity());
    }

    /**
     * Sends the {@code XADD}s of one event, both before either reply, its texts as {@code value} makes them for the
     * connection's codec; completes when both are applied.
     */
    private <V> CompletableFuture<?> append(RedisClusterAsyncCommands<String, V> redis, InvalidationEvent event,
            Function<String, V> value) {
        Map<String, V> body = new LinkedHashMap<>();
        body.put("type", value.apply(event.type()));
        body.put("event", value.apply(EventJson.encode(event)));
        CompletableFuture<String> all = redis.xadd(allStream, append, body).toCompletableFuture();
        if (event.type().equals(EventStreams.CACHE_INVALIDATED)) {
            return all;
        }
        return CompletableFuture.allOf(all,
                redis.xadd(EventStreams.key(namespace, event.type()), append, body).toCompletableFuture());
    }

    @Override
    protected void closeConnection() {
        connection.close();
    }
}
