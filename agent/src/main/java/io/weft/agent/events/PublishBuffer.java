package io.weft.agent.events;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Events waiting to be published, in order, at most {@code capacity} of them. When one more arrives
 * the buffer is replaced by a single clear-all event; until that is handed to the sender ({@link #peek}), new events
 * are dropped, because receivers clear everything when it arrives, after those invalidations happened. Once handed
 * out, a receiver may already have applied it and read a key back, so events added after that are queued behind it
 * (it counts as one of the {@code capacity}), and stay behind it if its send fails.
 *
 * <p>An event may instead be sent directly by the thread that made it, when nothing is queued
 * ({@link #startDirect}), also while other direct sends are under way: those ride one connection in the order they
 * were made, behind their deletes, and waiting for one's reply would send the next through the queue, on another
 * thread and a round trip later. Queued events wait until every direct send ended, and failed ones go back to the
 * front of the queue in the order they were started ({@link #endDirect}), whatever the order their failures are
 * told in; so events reach Redis in the order they were made (two direct sends of which only the first failed
 * excepted: the second is already there).
 */
public final class PublishBuffer {

    /** What {@link #startDirect} returns when the event must be queued instead. */
    public static final long NOT_DIRECT = -1;

    private final int capacity;
    private final Supplier<InvalidationEvent> clearAll;
    private final LinkedList<InvalidationEvent> events = new LinkedList<>();
    /** The clear-all event queued and not yet handed to the sender: events added meanwhile are dropped. */
    private InvalidationEvent pendingClearAll;
    /** The clear-all event handed to the sender and still queued (first) until removed: events queue behind it. */
    private InvalidationEvent sentClearAll;
    private int sendingDirectly;
    private long directSends;
    /** The start order ({@link #startDirect}) of the failed direct sends queued again at the front of the queue. */
    private final List<Long> retried = new ArrayList<>();
    private long overflows;
    private long dropped;

    /** @param clearAll makes the clear-all event that replaces the events when more than {@code capacity} wait */
    public PublishBuffer(int capacity, Supplier<InvalidationEvent> clearAll) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event buffer capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.clearAll = clearAll;
    }

    /** Queues {@code event}; returns false when the buffer overflowed just now. */
    public synchronized boolean add(InvalidationEvent event) {
        boolean overflowed = false;
        if (pendingClearAll != null) {
            dropped++;
        } else if (events.size() == capacity) {
            dropped += events.size() + 1 - (sentClearAll == null ? 0 : 1);
            events.clear();
            retried.clear();
            sentClearAll = null;
            pendingClearAll = clearAll.get();
            events.add(pendingClearAll);
            overflows++;
            overflowed = true;
        } else {
            events.add(event);
        }
        notifyAll();
        return !overflowed;
    }

    /**
     * Claims a send of the caller's own event when nothing is queued: its place in the order of direct sends, for
     * {@link #endDirect}; {@link #NOT_DIRECT} otherwise.
     */
    synchronized long startDirect() {
        if (!events.isEmpty()) {
            return NOT_DIRECT;
        }
        sendingDirectly++;
        return directSends++;
    }

    /**
     * Ends the direct send {@code started} ({@link #startDirect}); {@code failed} (or {@code null}) goes back to the
     * front of the queue, among the failed direct sends queued again, in the order they were started.
     */
    synchronized void endDirect(long started, InvalidationEvent failed) {
        sendingDirectly--;
        if (failed != null) {
            if (pendingClearAll != null) {
                dropped++;
            } else {
                int at = 0;
                while (at < retried.size() && retried.get(at) < started) {
                    at++;
                }
                events.add(at, failed);
                retried.add(at, started);
            }
        }
        notifyAll();
    }

    /**
     * The oldest events (at most {@code max}), waiting up to {@code timeoutMillis} for one; left queued.
     * Nothing while a direct send is under way.
     */
    public synchronized List<InvalidationEvent> peek(int max, long timeoutMillis) throws InterruptedException {
        if ((events.isEmpty() || sendingDirectly > 0) && timeoutMillis > 0) {
            wait(timeoutMillis);
        }
        if (sendingDirectly > 0) {
            return List.of();
        }
        List<InvalidationEvent> batch = new ArrayList<>(Math.min(max, events.size()));
        Iterator<InvalidationEvent> it = events.iterator();
        while (it.hasNext() && batch.size() < max) {
            batch.add(it.next());
        }
        if (pendingClearAll != null && !batch.isEmpty()) { // it is first: nothing is queued behind it
            sentClearAll = pendingClearAll;
            pendingClearAll = null;
        }
        return batch;
    }

    /** Removes {@code published} (a former {@link #peek}) unless the buffer was replaced since. */
    public synchronized void remove(List<InvalidationEvent> published) {
        for (InvalidationEvent event : published) {
            if (events.peekFirst() != event) {
                break;
            }
            events.removeFirst();
            if (!retried.isEmpty()) {
                retried.remove(0);
            }
            if (event == sentClearAll) {
                sentClearAll = null;
            }
        }
        notifyAll();
    }

    /** Waits up to {@code timeoutMillis} until nothing is queued or being sent; returns whether that is so. */
    public synchronized boolean awaitEmpty(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long left = timeoutMillis;
        while (size() > 0 && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
        return size() == 0;
    }

    /** Wakes threads waiting in {@link #peek} (used at close). */
    public synchronized void wakeUp() {
        notifyAll();
    }

    /** Events queued or being sent. */
    public synchronized int size() {
        return events.size() + sendingDirectly;
    }

    /** How many times the buffer overflowed into a clear-all event. */
    public synchronized long overflows() {
        return overflows;
    }

    /** Events not published because a clear-all replaced them. */
    public synchronized long dropped() {
        return dropped;
    }
}
