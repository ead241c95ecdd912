package io.weft.agent.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Events waiting to be published, in order, at most {@code capacity} of them. When one more arrives
 * the buffer is replaced by a single clear-all event; until that is published, new events are dropped,
 * because receivers clear everything when it arrives, after those invalidations happened.
 *
 * <p>It also counts the events sent directly by their callers ({@link #tryBeginDirect}), which are
 * allowed only while nothing is queued: a direct send that fails is queued like any other event.
 */
final class PublishBuffer {

    private final int capacity;
    private final Supplier<InvalidationEvent> clearAll;
    private final ArrayDeque<InvalidationEvent> events = new ArrayDeque<>();
    private InvalidationEvent pendingClearAll;
    private int direct;
    private long overflows;
    private long dropped;

    PublishBuffer(int capacity, Supplier<InvalidationEvent> clearAll) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event buffer capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.clearAll = clearAll;
    }

    /** Queues {@code event}; returns false when the buffer overflowed just now. */
    synchronized boolean add(InvalidationEvent event) {
        boolean accepted = queue(event);
        notifyAll();
        return accepted;
    }

    private boolean queue(InvalidationEvent event) {
        boolean overflowed = false;
        if (pendingClearAll != null) {
            dropped++;
        } else if (events.size() == capacity) {
            dropped += events.size() + 1;
            events.clear();
            pendingClearAll = clearAll.get();
            events.add(pendingClearAll);
            overflows++;
            overflowed = true;
        } else {
            events.add(event);
        }
        return !overflowed;
    }

    /**
     * Reserves a direct send: true when nothing is queued and fewer than {@code maxDirect} direct sends
     * are under way. End each reserved send with {@link #endDirect}.
     */
    synchronized boolean tryBeginDirect(int maxDirect) {
        if (!events.isEmpty() || direct >= maxDirect) {
            return false;
        }
        direct++;
        return true;
    }

    /**
     * Ends a direct send; {@code failed}, when not null, is the event that could not be sent, and is
     * queued (as {@link #add} would). Returns false when queueing it overflowed the buffer just now.
     */
    synchronized boolean endDirect(InvalidationEvent failed) {
        direct--;
        boolean accepted = failed == null || queue(failed);
        notifyAll();
        return accepted;
    }

    /** The oldest events (at most {@code max}), waiting up to {@code timeoutMillis} for one; left queued. */
    synchronized List<InvalidationEvent> peek(int max, long timeoutMillis) throws InterruptedException {
        if (events.isEmpty() && timeoutMillis > 0) {
            wait(timeoutMillis);
        }
        List<InvalidationEvent> batch = new ArrayList<>(Math.min(max, events.size()));
        Iterator<InvalidationEvent> it = events.iterator();
        while (it.hasNext() && batch.size() < max) {
            batch.add(it.next());
        }
        return batch;
    }

    /** Removes {@code published} (a former {@link #peek}) unless the buffer was replaced since. */
    synchronized void remove(List<InvalidationEvent> published) {
        for (InvalidationEvent event : published) {
            if (events.peekFirst() != event) {
                break;
            }
            events.removeFirst();
            if (event == pendingClearAll) {
                pendingClearAll = null;
            }
        }
        notifyAll();
    }

    /** Waits up to {@code timeoutMillis} until nothing is queued or sent directly; returns whether that is so. */
    synchronized boolean awaitEmpty(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long left = timeoutMillis;
        while ((!events.isEmpty() || direct > 0) && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
        return events.isEmpty() && direct == 0;
    }

    /** Wakes threads waiting in {@link #peek} (used at close). */
    synchronized void wakeUp() {
        notifyAll();
    }

    /** Events queued plus direct sends under way. */
    synchronized int size() {
        return events.size() + direct;
    }

    /** How many times the buffer overflowed into a clear-all event. */
    synchronized long overflows() {
        return overflows;
    }

    /** Events not published because a clear-all replaced them. */
    synchronized long dropped() {
        return dropped;
    }
}
