package io.weft.agent.events;

import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.FailureText;
import io.weft.agent.store.RedisErrors;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every {@link EventReader} shares, whatever it reads (Redis Streams, a database table): one daemon
 * thread ({@code weft-events-reader}) that reads round after round ({@link #readRound}), the
 * {@link EventDispatcher} that applies the events, the announcement of the first read, the count and log
 * of failed reads with their backoff (after which the next round checks for gaps), and the clear of L1 when
 * events may have been missed.
 */
public abstract class DispatchingReader implements EventReader {

    /** The first pause after a failed read; it doubles up to {@link #MAX_BACKOFF_MILLIS}. */
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    /** Applies each event read. */
    protected final EventDispatcher dispatcher;
    private final EvictionSink sink;
    private final String source;
    private final RedisErrors errors;
    private final LongAdder readFailures = new LongAdder();
    private final LongAdder gapClears = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean connected;
    private boolean announced;

    /**
     * @param source what is read, for logs (the redacted URI)
     * @param errors where failed reads are counted by reason
     * @param instanceId this instance's id: events with this source are skipped
     * @param mapping the foreign event types read, and their key templates
     */
    protected DispatchingReader(String source, RedisErrors errors, String instanceId, ForeignEventMapping mapping,
            EvictionSink sink) {
        this.source = source;
        this.errors = errors;
        this.sink = sink;
        this.dispatcher = new EventDispatcher(instanceId, mapping, sink, Clock.systemUTC());
        this.thread = Background.daemon(this::run, "weft-events-reader");
    }

    /**
     * Positions the reader (first round), or checks for gaps when {@code checkGaps} (after a failed round, or
     * one that came back full), then reads and applies what came since the last event applied, waiting a
     * bounded time for more; returns whether the reader may be behind (its read came back full).
     *
     * @throws Exception when the store failed; the round is retried after a backoff, checking for gaps
     */
    protected abstract boolean readRound(boolean checkGaps) throws Exception;

    /** Closes the reader's connection, so that a read blocked on it ends; called by {@link #close}, and may be again. */
    protected abstract void closeConnection();

    /** How long {@link #close} waits for the reading thread to end, in ms. */
    protected abstract long closeWaitMillis();

    /** Starts the reading thread. */
    public final void start() {
        thread.start();
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        boolean checkGaps = false;
        while (running) {
            try {
                checkGaps = readRound(checkGaps);
                backoff = MIN_BACKOFF_MILLIS;
            } catch (Throwable e) { // an Error too: nothing restarts this thread, and without it L1 goes stale
                if (!running) {
                    break;
                }
                checkGaps = true;
                backoff = readFailed(e, backoff);
            }
        }
        closeConnection(); // one opened while closing
    }

    /** How long this instance has been caching, for where a reader starts ({@link EvictionSink#cachingForMillis}). */
    protected final long cachingForMillis() {
        return sink.cachingForMillis();
    }

    /** Records a successful read; the first one is logged ({@code reading invalidation events from …}). */
    protected final void readSucceeded() {
        connected = true;
        if (!announced) {
            announced = true;
            WeftLog.info("reading invalidation events from " + source + ": " + String.join(", ", streams()));
        }
    }

    /** Counts a failed read and logs it (rate-limited), then sleeps {@code backoff} ms; returns the next backoff. */
    private long readFailed(Throwable e, long backoff) {
        readFailures.increment();
        errors.note(e);
        connected = false;
        WeftLog.warnRateLimited("events.read", "cannot read events from " + source + " (" + FailureText.of(e)
                + "); retrying, then going on after the last entry read");
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
            // close() interrupts; the reading loop's condition decides
        }
        return Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }

    /** Clears L1, logging why, when {@code gaps} (each where events may have been missed) is not empty. */
    protected final void clearIfGaps(List<String> gaps) {
        if (gaps.isEmpty()) {
            return;
        }
        String reason = "invalidation events may have been missed: " + String.join("; ", gaps);
        WeftLog.warn(reason + "; clearing the local cache");
        gapClears.increment();
        try {
            sink.clearAll(reason);
        } catch (RuntimeException e) {
            WeftLog.warnRateLimited("events.sink", "clearing the local cache failed: " + e);
        }
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public long eventsApplied() {
        return dispatcher.applied();
    }

    @Override
    public long ownEventsSkipped() {
        return dispatcher.own();
    }

    @Override
    public long eventsIgnored() {
        return dispatcher.ignored();
    }

    @Override
    public long malformedEntries() {
        return dispatcher.malformed();
    }

    @Override
    public long sinkFailures() {
        return dispatcher.sinkFailures();
    }

    @Override
    public long gapClears() {
        return gapClears.sum();
    }

    @Override
    public long readFailures() {
        return readFailures.sum();
    }

    @Override
    public long lagMillis() {
        return dispatcher.lagMillis();
    }

    /** Stops the thread and closes its connection. */
    @Override
    public void close() {
        running = false;
        closeConnection();
        thread.interrupt();
        try {
            thread.join(closeWaitMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
