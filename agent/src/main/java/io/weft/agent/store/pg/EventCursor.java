package io.weft.agent.store.pg;

/**
 * Where the reader is in the events table: the id of the last event processed (0 before any), and whether
 * events after it may be gone, judged from the ids the table holds now. Ids come from a sequence: they
 * increase, and may skip (an append rolled back), so a gap found may be a false alarm, which costs one
 * needless clear of L1, never a missed invalidation.
 */
final class EventCursor {

    private volatile long last;
    private volatile boolean positioned;

    /** Starts after event {@code id} (0: at the beginning). */
    void position(long id) {
        last = id;
        positioned = true;
    }

    boolean positioned() {
        return positioned;
    }

    long last() {
        return last;
    }

    void advance(long id) {
        last = id;
    }

    /** Whether every event up to {@code end} (the table's last id; 0: none) has been processed. */
    boolean reached(long end) {
        return positioned && last >= end;
    }

    /**
     * Why events after the last one processed may be gone, given the table's least and greatest ids now
     * ({@code null} when it is empty), or {@code null} when none can be: the table was trimmed past it, emptied,
     * or recreated (its ids start again below it; the reader then goes on from its end).
     */
    String gap(String table, Long min, Long max) {
        long read = last;
        if (read == 0) {
            return null;
        }
        if (min == null) {
            last = 0;
            return table + " is empty (truncated, or dropped and created again)";
        }
        if (max < read) {
            last = max;
            return table + " ends at event " + max + ", before event " + read + " read last (it was created again)";
        }
        if (min > read + 1) {
            return table + " was trimmed past event " + read + " (its oldest event is " + min + ")";
        }
        return null;
    }
}
