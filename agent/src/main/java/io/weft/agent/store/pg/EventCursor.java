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
    /** The least id a read skipped since the last check ({@link #skippedGap}, {@link #gap}), or 0. */
    private long firstSkipped;

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
        if (id > last + 1 && firstSkipped == 0) {
            firstSkipped = last + 1;
        }
        for (long missing = Math.max(last + 1, id - MAX_HOLES); missing < id; missing++) {
            holes.put(missing, now);
        }
        while (holes.size() > MAX_HOLES) {
            holes.pollFirstEntry();
        }
        last = id;
    }

    /**
     * Whether a read skipped ids since the last check. They are awaited as holes, but they may be gone for good: a
     * reader held back while more than {@code weft.stream.maxlen} events were appended finds the table trimmed past
     * it and reads fewer than a full batch after it, so only the skipped ids show it ({@link #skippedGap}).
     */
    synchronized boolean skippedSinceGapCheck() {
        return firstSkipped != 0;
    }

    /**
     * Why events that reads skipped since the last check may be gone, given the table's least id now ({@code null}
     * when it is empty), or {@code null} when they cannot be: the table holds no event as old as the first of them.
     * They stay awaited as holes: an append that had not committed yet when a table held nothing older reads the
     * same (a needless clear of L1, its event still applied when it commits).
     */
    synchronized String skippedGap(String table, Long min) {
        long first = firstSkipped;
        firstSkipped = 0;
        if (first == 0 || min == null || min <= first) {
            return null;
        }
        return table + " holds no event before " + min + ", and event " + first + " was not read (trimmed while this"
                + " reader was held back)";
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
        firstSkipped = 0;
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
            last = Math.max(read, min - 1); // the ids before the oldest are gone: reading them again is no new skip
            return table + " was trimmed past event " + (unread - 1) + " (its oldest event is " + min + ")";
        }
        return null;
    }

    private void reset(long id) {
        last = id;
        holes.clear();
    }
}
