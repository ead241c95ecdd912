package io.weft.agent.events;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.LazyConnection;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.RedisLink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Appends invalidation events to the streams (SPEC §6) over its own connection, never making
 * {@link #publish} wait for Redis. Each event is appended with {@code XADD <stream> MAXLEN ~ <maxLen> *
 * type <type> event <json>} to {@code <namespace>events:cache.invalidated} and, when its type is another,
 * to {@code <namespace>events:<type>} too: two commands (on a cluster the streams may live on different
 * nodes), both sent before either reply is awaited.
 *
 * <p>When the connection is open and nothing is queued or being sent, the caller's thread sends the event
 * itself without waiting for the reply (one thread hand-off less between a write and the other instances'
 * evictions). Otherwise the event is queued, and one daemon thread ({@code weft-events-publisher}) sends
 * the queue in order, up to 100 events per round trip. While Redis cannot be reached, events stay queued
 * (in order, at most {@code bufferCapacity}) and are sent once it can, retrying every 50 ms to 2 s. When
 * more are queued, they are all replaced by one {@linkplain InvalidationEvent#clearAll clear-all event},
 * and events are dropped until it is sent (a batch already under way may still go out before it). An
 * event whose append may have been applied is sent again after a failure, so receivers may see an event
 * twice; evicting is idempotent.
 */
public final class EventPublisher implements InvalidationPublisher {

    private static final int BATCH = 100;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final LazyConnection<String, String> connection;
    private final String redacted;
    private final RedisErrors errors;
    private final String namespace;
    private final String allStream;
    private final XAddArgs append;
    private final int bufferCapacity;
    private final long timeoutMillis;
    private final PublishBuffer buffer;
    private final Thread thread;
    private final LongAdder published = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param namespace {@code weft.namespace}
     * @param maxLen {@code weft.stream.maxlen}, the approximate length bound of each stream
     * @param bufferCapacity how many events are kept while Redis cannot be reached
     * @param timeout bound on each round trip to Redis, and on the wait for queued events at {@link #close}
     * @param instanceId this instance's id, the source of the clear-all event
     */
    public EventPublisher(RedisEndpoint endpoint, String namespace, long maxLen, int bufferCapacity, Duration timeout,
            String instanceId) {
        this.connection = new LazyConnection<>(endpoint, StringCodec.UTF8, timeout);
        this.redacted = endpoint.redacted();
        this.errors = endpoint.errors();
        this.namespace = namespace;
        this.allStream = EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED);
        this.append = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
        this.bufferCapacity = bufferCapacity;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.buffer = new PublishBuffer(bufferCapacity, () -> InvalidationEvent.clearAll(instanceId));
        this.thread = new Thread(this::run, "weft-events-publisher");
        this.thread.setDaemon(true);
    }

    /** Opens the connection and starts the publishing thread; events published before are queued until then. */
    public void start() {
        connection.get();
        thread.start();
    }

    /** Sends {@code event} without waiting for Redis, or queues it; returns at once. */
    @Override
    public void publish(InvalidationEvent event) {
        RedisLink<String, String> open = connection.ifOpen();
        if (open != null && buffer.startDirect()) {
            sendDirectly(open, event);
            return;
        }
        if (!buffer.add(event)) {
            WeftLog.warnRateLimited("events.overflow", "more than " + bufferCapacity + " invalidation events could not"
                    + " be published to " + redacted + "; they are replaced by one clear-all event");
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (running) {
            List<InvalidationEvent> batch;
            try {
                batch = buffer.peek(BATCH, 1000);
            } catch (InterruptedException e) {
                continue;
            }
            if (batch.isEmpty()) {
                continue;
            }
            RedisLink<String, String> c = null;
            try {
                c = connection.get().get(timeoutMillis, TimeUnit.MILLISECONDS);
                send(c, batch);
                buffer.remove(batch);
                published.add(batch.size());
                backoff = MIN_BACKOFF_MILLIS;
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                failures.increment();
                errors.note(e);
                if (c != null) {
                    connection.discard(c);
                }
                WeftLog.warnRateLimited("events.publish", "cannot publish invalidation events to " + redacted + " ("
                        + FailureText.of(e) + "); keeping " + buffer.size() + " of them (at most " + bufferCapacity
                        + ") and retrying");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    // close() interrupts; the loop condition decides
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** Sends one event from the caller's thread; the reply arrives on Lettuce's thread. */
    private void sendDirectly(RedisLink<String, String> c, InvalidationEvent event) {
        try {
            append(c.async(), event).whenComplete((appended, failure) -> {
                if (failure == null) {
                    published.increment();
                } else {
                    failures.increment();
                    errors.note(failure);
                }
                buffer.endDirect(failure == null ? null : event);
            });
        } catch (RuntimeException e) {
            failures.increment();
            errors.note(e);
            buffer.endDirect(event);
        }
    }

    private void send(RedisLink<String, String> c, List<InvalidationEvent> batch) throws Exception {
        RedisClusterAsyncCommands<String, String> redis = c.async();
        CompletableFuture<?>[] appends = new CompletableFuture<?>[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            appends[i] = append(redis, batch.get(i));
        }
        CompletableFuture.allOf(appends).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Sends the {@code XADD}s of one event, both before either reply; completes when both are applied. */
    private CompletableFuture<?> append(RedisClusterAsyncCommands<String, String> redis, InvalidationEvent event) {
        String json = EventJson.encode(event);
        CompletableFuture<String> all = redis.xadd(allStream, append, "type", event.type(), "event", json)
                .toCompletableFuture();
        if (event.type().equals(EventStreams.CACHE_INVALIDATED)) {
            return all;
        }
        return CompletableFuture.allOf(all, redis.xadd(EventStreams.key(namespace, event.type()), append, "type",
                event.type(), "event", json).toCompletableFuture());
    }

    /** Waits up to {@code timeout} until every queued event is published; returns whether they are. */
    @Override
    public boolean awaitPublished(Duration timeout) throws InterruptedException {
        return buffer.awaitEmpty(timeout.toMillis());
    }

    /** Events queued, not yet published. */
    @Override
    public int pending() {
        return buffer.size();
    }

    /** Events published (each counted once, however many streams it went to). */
    @Override
    public long published() {
        return published.sum();
    }

    /** Round trips that failed (each retried). */
    @Override
    public long failures() {
        return failures.sum();
    }

    /** How many times the buffer overflowed into a clear-all event. */
    @Override
    public long overflows() {
        return buffer.overflows();
    }

    /** Events not published because a clear-all event replaced them. */
    @Override
    public long dropped() {
        return buffer.dropped();
    }

    /** Waits up to the timeout for queued events to go out, then stops the thread and closes the connection. */
    @Override
    public void close() {
        try {
            if (thread.isAlive()) {
                buffer.awaitEmpty(timeoutMillis);
            }
            running = false;
            buffer.wakeUp();
            thread.interrupt();
            thread.join(timeoutMillis + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connection.close();
        }
    }

}
