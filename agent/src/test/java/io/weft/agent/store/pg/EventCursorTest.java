package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventCursorTest {

    private final AtomicLong nanos = new AtomicLong();

    private EventCursor at(long id) {
        EventCursor cursor = new EventCursor(nanos::get);
        cursor.position(id);
        return cursor;
    }

    @Test
    void noGapWhileTheEventAfterTheLastReadIsStillThere() {
        assertNull(at(10).gap("ev", 5L, 20L));
        assertNull(at(10).gap("ev", 11L, 20L), "trimmed up to the last event read: nothing missed");
        assertNull(at(0).gap("ev", 50L, 60L), "nothing read yet: reading starts at the oldest");
    }

    @Test
    void trimmedPastTheLastEventReadIsAGap() {
        EventCursor cursor = at(10);
        assertEquals("ev was trimmed past event 10 (its oldest event is 12)", cursor.gap("ev", 12L, 30L));
        assertEquals(11, cursor.last(), "reading goes on from the oldest event left");
        cursor.read(12);
        assertFalse(cursor.skippedSinceGapCheck(), "the ids trimmed are no new skip");
    }

    @Test
    void anEmptiedOrRecreatedTableIsAGapAndReadingGoesOnFromItsEnd() {
        EventCursor emptied = at(10);
        emptied.read(12);
        assertTrue(emptied.gap("ev", null, null).contains("is empty"));
        assertEquals(0, emptied.last());
        assertArrayEquals(new Long[0], emptied.holes(), "the holes of the former table are not awaited");
        EventCursor recreated = at(10);
        assertTrue(recreated.gap("ev", 1L, 3L).contains("ends at event 3"));
        assertEquals(3, recreated.last());
    }

    @Test
    void reachedOnlyOncePositionedAndPastTheEnd() {
        EventCursor cursor = new EventCursor(nanos::get);
        assertFalse(cursor.reached(0));
        cursor.position(5);
        assertTrue(cursor.reached(5));
        assertFalse(cursor.reached(6));
        cursor.read(6);
        assertTrue(cursor.reached(6));
    }

    @Test
    void idsSkippedByAReadAreAwaitedUntilTheirEventsAreRead() {
        EventCursor cursor = at(5);
        cursor.read(8);
        assertEquals(8, cursor.last());
        assertArrayEquals(new Long[] {6L, 7L}, cursor.holes());
        assertTrue(cursor.reached(5));
        assertFalse(cursor.reached(6), "event 6 may still commit");
        cursor.read(7);
        assertArrayEquals(new Long[] {6L}, cursor.holes(), "each hole is read once");
        assertEquals(8, cursor.last());
        cursor.read(6);
        assertArrayEquals(new Long[0], cursor.holes());
        assertTrue(cursor.reached(8));
    }

    @Test
    void aReadThatSkippedIdsAsksForAGapCheck() {
        EventCursor cursor = at(5);
        cursor.read(6);
        assertFalse(cursor.skippedSinceGapCheck(), "the next id: nothing skipped");
        cursor.read(9);
        assertTrue(cursor.skippedSinceGapCheck(), "7 and 8 may have been trimmed");
        cursor.read(7);
        assertTrue(cursor.skippedSinceGapCheck(), "until checked");
        assertNull(cursor.gap("ev", 1L, 9L));
        assertFalse(cursor.skippedSinceGapCheck());
        cursor.read(10);
        assertFalse(cursor.skippedSinceGapCheck());
    }

    @Test
    void idsSkippedBelowTheOldestEventAreAGapAndStillAwaited() {
        EventCursor cursor = at(5);
        cursor.read(20);
        cursor.read(22);
        assertEquals("ev holds no event before 15, and event 6 was not read (trimmed while this reader was held back)",
                cursor.skippedGap("ev", 15L));
        assertFalse(cursor.skippedSinceGapCheck(), "checked");
        assertNull(cursor.skippedGap("ev", 15L), "one clear for one gap");
        assertEquals(15, cursor.holes().length, "still awaited: an append not committed yet reads the same");
        cursor.read(25);
        assertNull(cursor.skippedGap("ev", 15L), "ids skipped above the oldest event: not trimmed");
        cursor.read(30);
        assertNull(cursor.skippedGap("ev", 26L), "the oldest event is the first id skipped");
        cursor.read(40);
        assertNull(cursor.skippedGap("ev", null), "an empty table is the full check's case");
    }

    @Test
    void aHoleIsGivenUpOnceAwaitedForTheHoldTime() {
        EventCursor cursor = at(5);
        cursor.read(7);
        nanos.addAndGet(EventCursor.HOLD_NANOS / 2);
        cursor.read(9);
        nanos.addAndGet(EventCursor.HOLD_NANOS / 2);
        assertArrayEquals(new Long[] {6L, 8L}, cursor.holes(), "awaited for the hold time, not longer");
        assertFalse(cursor.reached(9));
        nanos.incrementAndGet();
        assertArrayEquals(new Long[] {8L}, cursor.holes(), "the older given up (an append rolled back)");
        assertTrue(cursor.reached(7));
        nanos.addAndGet(EventCursor.HOLD_NANOS / 2);
        assertArrayEquals(new Long[0], cursor.holes());
        assertTrue(cursor.reached(9));
    }

    @Test
    void atMostMaxHolesAreAwaitedTheOldestGivenUpFirst() {
        EventCursor cursor = at(0);
        cursor.read(3);
        cursor.read(EventCursor.MAX_HOLES + 10);
        Long[] holes = cursor.holes();
        assertEquals(EventCursor.MAX_HOLES, holes.length);
        assertEquals(10, holes[0]);
        assertEquals(EventCursor.MAX_HOLES + 9, holes[holes.length - 1]);
    }

    @Test
    void trimmedPastAHoleIsAGapAndTheHolesTrimmedAreNoLongerAwaited() {
        EventCursor cursor = at(10);
        cursor.read(14);
        assertNull(cursor.gap("ev", 11L, 20L), "every hole is still in the table");
        assertEquals("ev was trimmed past event 10 (its oldest event is 13)", cursor.gap("ev", 13L, 20L));
        assertArrayEquals(new Long[] {13L}, cursor.holes());
        assertNull(cursor.gap("ev", 13L, 20L));
        cursor.read(13);
        assertNull(cursor.gap("ev", 14L, 20L), "trimmed up to the last event read");
    }
}
