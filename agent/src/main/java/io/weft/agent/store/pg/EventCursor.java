package io.weft.agent.store.pg;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where the reader is in the events table: the greatest id read (0 before any), the lesser ids not read yet
 * (holes), and whether events after it may be gone, judged from the ids the table holds now.
 *
 * <p>Ids come from a sequence, taken when a row is inserted, but a row is seen only once its transaction
 * commits, so a row can appear after one with a greater id (two instances appending at once). Each id a read
 * skips is a hole, asked for again by every read until its row appears, or given up when {@link #HOLD_NANOS}
 * have passed since it was first found missing (an append rolled back, or lost in a crash, leaves a hole that
 * never fills). At most {@link #MAX_HOLES} are awaited, the oldest given up first. A hole is read at most once,
 * and ids above the greatest read only once, so no event is applied twice.
 *
 * <p>Ids may also skip for good (an append rolled back), so a gap found may be a false alarm, which costs one
 * needless clear of L1, never a missed invalidation. Its methods are called by the reading thread, and
 * {@link #reached} by others.
 */
final class EventCursor {

    /** How long a hole is awaited: far longer than Weft's appends take ({@code weft.store.timeout} each). */
    static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How many holes are awaited at most. */
    static final int MAX_HOLES = 1000;

    private final LongSupplier clock;
    /** Each id not read below {@link #last}, and when it was first found missing. */
    private final TreeMap<Long, Long> holes = new TreeMap<>();
    private long last;
    private boolean positioned;

    /** @param clock {@link System#nanoTime} but in tests */
    EventCursor(LongSupplier clock) {
        this.clock = clock;
    }

    /** Starts after event {@code id} (0: at the beginning). */
    synchronized void position(long id) {
        reset(id);
        positioned = true;
    }

    synchronized boolean positioned() {
        return positioned;
    }

    /** The greatest id read: the next read asks for the ids after it. */
    synchronized long last() {
        return last;
    }

    /** The holes still awaited, in order; those awaited for longer than {@link #HOLD_NANOS} are given up first. */
    synchronized Long[] holes() {
        long now = clock.getAsLong();
        while (!holes.isEmpty() && now - holes.firstEntry().getValue() > HOLD_NANOS) {
            holes.pollFirstEntry();
        }
        return holes.keySet().toArray(new Long[0]);
    }

    /** Records that event {@code id} was read: a hole filled, or the greatest id read (ids it skipped are holes). */
    synchronized void read(long id) {
        if (id < last) {
            holes.remove(id);
            return;
        }
        long now = clock.getAsLong();
        for (long skipped = Math.max(last + 1, id - MAX_HOLES); skipped < id; skipped++) {
            holes.put(skipped, now);
        }
        while (holes.size() > MAX_HOLES) {
            holes.pollFirstEntry();
        }
        last = id;
    }

    /** Whether every event up to {@code end} (the table's last id; 0: none) has been read or given up. */
    synchronized boolean reached(long end) {
        return positioned && last >= end && (holes.isEmpty() || holes.firstKey() > end);
    }

    /**
     * Why events not read yet may be gone, given the table's least and greatest ids now ({@code null} when it is
     * empty), or {@code null} when none can be: the table was trimmed past the first of them (the holes it took
     * are no longer awaited), emptied, or recreated (its ids start again below the last read; the reader then
     * goes on from its end).
     */
    synchronized String gap(String table, Long min, Long max) {
        long read = last;
        if (read == 0) {
            return null;
        }
        if (min == null) {
            reset(0);
            return table + " is empty (truncated, or dropped and created again)";
        }
        if (max < read) {
            reset(max);
            return table + " ends at event " + max + ", before event " + read + " read last (it was created again)";
        }
        long unread = holes.isEmpty() ? read + 1 : holes.firstKey();
        if (min > unread) {
            holes.headMap(min).clear();
            return table + " was trimmed past event " + (unread - 1) + " (its oldest event is " + min + ")";
        }
        return null;
    }

    private void reset(long id) {
        last = id;
        holes.clear();
    }
}
