package io.weft.agent.events;

import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.RedisErrors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every {@link InvalidationPublisher} shares, wherever it appends (Redis Streams, a database table): the
 * events queue in a {@link PublishBuffer} (in order, at most {@code bufferCapacity}, then one clear-all event
 * replaces them), and one daemon thread ({@code weft-events-publisher}) sends the queue, up to 100 events per
 * round trip ({@link #send}), retrying every 50 ms to 2 s while the store cannot be reached; so
 * {@link #publish} never waits for it. An event whose append may have been applied is sent again after a
 * failure, so receivers may see an event twice; evicting is idempotent.
 */
public abstract class BufferedPublisher implements InvalidationPublisher {

    private static final int BATCH = 100;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    /** The events waiting to be sent. */
    protected final PublishBuffer buffer;
    private final String target;
    private final RedisErrors errors;
    private final int bufferCapacity;
    private final long timeoutMillis;
    private final Thread thread;
    private final LongAdder published = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;
    private volatile PendingDeletes deletes = PendingDeletes.NONE;

    /**
     * @param target where events go, for logs (the redacted URI)
     * @param errors where failed sends are counted by reason
     * @param bufferCapacity how many events are kept while the store cannot be reached
     * @param timeout the bound on each round trip, and on the wait for queued events at {@link #close}
     * @param instanceId this instance's id, the source of the clear-all event
     */
    protected BufferedPublisher(String target, RedisErrors errors, int bufferCapacity, Duration timeout,
            String instanceId) {
        this.target = target;
        this.errors = errors;
        this.bufferCapacity = bufferCapacity;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.buffer = new PublishBuffer(bufferCapacity, () -> InvalidationEvent.clearAll(instanceId));
        this.thread = Background.daemon(this::run, "weft-events-publisher");
    }

    /**
     * Appends {@code batch} (at most 100 events, in order), waiting at most {@link #timeoutMillis} for the store;
     * a connection that failed is dropped here, before the exception reaches the retry.
     */
    protected abstract void send(List<InvalidationEvent> batch) throws Exception;

    /** Closes the publisher's own connection, if it has one; called last by {@link #close}. */
    protected abstract void closeConnection();

    /** The bound on each round trip, in ms. */
    protected final long timeoutMillis() {
        return timeoutMillis;
    }

    /** Starts the publishing thread; events published before are queued until then. */
    protected final void startThread() {
        thread.start();
    }

    /** Queues {@code event} for the publishing thread; returns at once. */
    protected final void queue(InvalidationEvent event) {
        if (!buffer.add(event)) {
            WeftLog.warnRateLimited("events.overflow", "more than " + bufferCapacity + " invalidation events could not"
                    + " be published to " + target + "; they are replaced by one clear-all event");
        }
    }

    @Override
    public void sendAfter(PendingDeletes deletes) {
        this.deletes = deletes;
    }

    /**
     * Whether an event may be sent now, outside the queue ({@link PublishBuffer#startDirect}): not while some of the
     * shared level's deletes wait (then the queue holds it until they went through).
     */
    protected final boolean mayGoDirect() {
        return !deletes.any();
    }

    /**
     * Counts an event sent outside the queue, the direct send {@code started} ({@link PublishBuffer#startDirect}); a
     * failed one is queued again.
     */
    protected final void directSendEnded(long started, InvalidationEvent event, Throwable failure) {
        if (failure == null) {
            published.increment();
        } else {
            failures.increment();
            errors.note(failure);
        }
        buffer.endDirect(started, failure == null ? null : event);
    }

    /** Ends a direct send that never went out: the event goes to the front of the queue, not counted as a failure. */
    protected final void directSendCancelled(long started, InvalidationEvent event) {
        buffer.endDirect(started, event);
    }

    @Override
    public void publish(InvalidationEvent event) {
        queue(event);
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
            try {
                if (!deletes.retry()) {
                    WeftLog.warnRateLimited("events.held", "holding " + buffer.size() + " invalidation event(s) until"
                            + " the deletes that failed before them go through (their instances would read the old"
                            + " values back)");
                    backoff = pause(backoff);
                    continue;
                }
                send(batch);
                published.add(batch.size()); // counted before the queue empties, so awaitPublished implies it
                buffer.remove(batch);
                backoff = MIN_BACKOFF_MILLIS;
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                failures.increment();
                errors.note(e);
                WeftLog.warnRateLimited("events.publish", "cannot publish invalidation events to " + target + " ("
                        + FailureText.of(e) + "); keeping " + buffer.size() + " of them (at most " + bufferCapacity
                        + ") and retrying");
                backoff = pause(backoff);
            }
        }
    }

    /** Sleeps {@code backoff} ms (or until {@link #close}); returns the next, doubled up to 2 s. */
    private static long pause(long backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
            // close() interrupts; the loop condition decides
        }
        return Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }

    @Override
    public boolean awaitPublished(Duration timeout) throws InterruptedException {
        return buffer.awaitEmpty(timeout.toMillis());
    }

    @Override
    public int pending() {
        return buffer.size();
    }

    @Override
    public long published() {
        return published.sum();
    }

    @Override
    public long failures() {
        return failures.sum();
    }

    @Override
    public long overflows() {
        return buffer.overflows();
    }

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
            closeConnection();
        }
    }
}
