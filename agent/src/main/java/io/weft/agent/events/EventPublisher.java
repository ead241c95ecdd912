package io.weft.agent.events;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.LazyConnection;
import io.weft.agent.store.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Appends invalidation events to the streams (SPEC §6) over its own connection, without ever making
 * {@link #publish} wait for Redis. Each event is appended with
 * {@code XADD <stream> MAXLEN ~ <maxLen> * type <type> event <json>} to
 * {@code <namespace>events:cache.invalidated} and, when its type is another, to
 * {@code <namespace>events:<type>} too: both commands in one write, so in the same round trip.
 *
 * <p>When nothing is queued and the connection is open, {@link #publish} sends the event from the
 * caller's thread (Lettuce writes it on its event loop) and returns without waiting for the reply; a
 * send that fails is queued. Otherwise the event is queued, and the {@code weft-events-publisher}
 * thread sends queued events in batches of up to 100 per write, in order. Direct sends stop as soon as
 * anything is queued and resume once the queue is empty again, so events made during an outage go out
 * in order after it; an event whose direct send failed is queued behind those queued meanwhile, so
 * after a failure events may arrive out of order (evicting is idempotent and order-independent).
 *
 * <p>While Redis cannot be reached, events stay queued (at most {@code bufferCapacity}) and are sent
 * once it can, retrying every 50 ms to 2 s. When more are queued, they are all replaced by one
 * {@linkplain InvalidationEvent#clearAll clear-all event}, and events are dropped until it is sent (a
 * batch already under way may still go out before it). An event that may have been appended is sent
 * again after a failure, so receivers may see an event twice; evicting is idempotent.
 */
public final class EventPublisher implements AutoCloseable {

    private static final int BATCH = 100;
    /** Direct sends awaiting their reply; beyond this (Redis slow to answer), events are queued. */
    private static final int MAX_DIRECT = 1000;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final LazyConnection<String, String> connection;
    private final String redacted;
    private final String namespace;
    private final String allStream;
    private final XAddArgs append;
    private final int bufferCapacity;
    private final long timeoutMillis;
    private final PublishBuffer buffer;
    private final Thread thread;
    private final LongAdder published = new LongAdder();
    private final LongAdder publishedDirectly = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;
    private volatile boolean started;

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
        this.namespace = namespace;
        this.allStream = EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED);
        this.append = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
        this.bufferCapacity = bufferCapacity;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.buffer = new PublishBuffer(bufferCapacity, () -> InvalidationEvent.clearAll(instanceId));
        this.thread = new Thread(this::run, "weft-events-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts opening the connection and the publishing thread; events published before are queued until then. */
    public void start() {
        connection.get();
        started = true;
        thread.start();
    }

    /**
     * Publishes {@code event} and returns at once: sent now from this thread when nothing is queued and
     * the connection is open (the reply is handled on Lettuce's event loop), queued otherwise.
     */
    public void publish(InvalidationEvent event) {
        if (started && running && sendDirectly(event)) {
            return;
        }
        if (!buffer.add(event)) {
            overflowed();
        }
    }

    private boolean sendDirectly(InvalidationEvent event) {
        StatefulRedisConnection<String, String> c = connection.ifOpen();
        if (c == null || !buffer.tryBeginDirect(MAX_DIRECT)) {
            return false;
        }
        CompletableFuture<Void> sent;
        try {
            sent = send(c, List.of(event));
        } catch (RuntimeException e) {
            failed(e);
            if (!buffer.endDirect(event)) {
                overflowed();
            }
            return true;
        }
        sent.whenComplete((ok, failure) -> {
            if (failure == null) {
                published.increment();
                publishedDirectly.increment();
                buffer.endDirect(null);
            } else {
                failed(failure);
                if (!buffer.endDirect(event)) {
                    overflowed();
                }
            }
        });
        return true;
    }

    private void overflowed() {
        WeftLog.warnRateLimited("events.overflow", "more than " + bufferCapacity + " invalidation events could not"
                + " be published to " + redacted + "; they are replaced by one clear-all event");
    }

    private void failed(Throwable e) {
        failures.increment();
        WeftLog.warnRateLimited("events.publish", "cannot publish invalidation events to " + redacted + " ("
                + cause(e) + "); keeping " + buffer.size() + " of them (at most " + bufferCapacity
                + ") and retrying");
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
            StatefulRedisConnection<String, String> c = null;
            try {
                c = connection.get().get(timeoutMillis, TimeUnit.MILLISECONDS);
                send(c, batch).get(timeoutMillis, TimeUnit.MILLISECONDS);
                buffer.remove(batch);
                published.add(batch.size());
                backoff = MIN_BACKOFF_MILLIS;
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                if (c != null) {
                    connection.discard(c);
                }
                failed(e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    // close() interrupts; the loop condition decides
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /**
     * Writes the {@code XADD}s of {@code events} in one write, without waiting; the future completes
     * when every one was appended, or fails when one failed (Lettuce bounds each by the command
     * timeout; the future also fails after twice that).
     */
    private CompletableFuture<Void> send(StatefulRedisConnection<String, String> c, List<InvalidationEvent> events) {
        List<AsyncCommand<String, String, String>> commands = new ArrayList<>(events.size() * 2);
        for (InvalidationEvent event : events) {
            String json = EventJson.encode(event);
            commands.add(xadd(allStream, event.type(), json));
            if (!event.type().equals(EventStreams.CACHE_INVALIDATED)) {
                commands.add(xadd(EventStreams.key(namespace, event.type()), event.type(), json));
            }
        }
        c.dispatch(commands);
        CompletableFuture<Void> all = commands.size() == 1 ? commands.get(0).thenAccept(id -> { })
                : CompletableFuture.allOf(commands.toArray(new CompletableFuture<?>[0]));
        return all.orTimeout(2 * timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** {@code XADD <stream> MAXLEN ~ <maxLen> * type <type> event <json>}. */
    private AsyncCommand<String, String, String> xadd(String stream, String type, String json) {
        return new AsyncCommand<>(new Command<>(CommandType.XADD, new StatusOutput<>(StringCodec.UTF8),
                xaddArgs(stream, append, type, json)));
    }

    /** The arguments of {@code XADD <stream> <append> * type <type> event <json>} ({@code append} ends with the id). */
    static CommandArgs<String, String> xaddArgs(String stream, XAddArgs append, String type, String json) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).addKey(stream);
        append.build(args);
        return args.addKey("type").addValue(type).addKey("event").addValue(json);
    }

    /** Waits up to {@code timeout} until every queued event is published; returns whether they are. */
    public boolean awaitPublished(Duration timeout) throws InterruptedException {
        return buffer.awaitEmpty(timeout.toMillis());
    }

    /** Events queued or being sent, not yet published. */
    public int pending() {
        return buffer.size();
    }

    /** Events published (each counted once, however many streams it went to). */
    public long published() {
        return published.sum();
    }

    /** Of {@link #published}, those sent from the caller's thread rather than queued. */
    public long publishedDirectly() {
        return publishedDirectly.sum();
    }

    /** Sends that failed (their events are queued and retried). */
    public long failures() {
        return failures.sum();
    }

    /** How many times the buffer overflowed into a clear-all event. */
    public long overflows() {
        return buffer.overflows();
    }

    /** Events not published because a clear-all event replaced them. */
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

    private static Throwable cause(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
