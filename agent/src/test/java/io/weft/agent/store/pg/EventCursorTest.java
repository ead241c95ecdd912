package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventCursorTest {

    private static EventCursor at(long id) {
        EventCursor cursor = new EventCursor();
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
        assertEquals(10, cursor.last(), "reading goes on after it: from the oldest event left");
    }

    @Test
    void anEmptiedOrRecreatedTableIsAGapAndReadingGoesOnFromItsEnd() {
        EventCursor emptied = at(10);
        assertTrue(emptied.gap("ev", null, null).contains("is empty"));
        assertEquals(0, emptied.last());
        EventCursor recreated = at(10);
        assertTrue(recreated.gap("ev", 1L, 3L).contains("ends at event 3"));
        assertEquals(3, recreated.last());
    }

    @Test
    void reachedOnlyOncePositionedAndPastTheEnd() {
        EventCursor cursor = new EventCursor();
        assertFalse(cursor.reached(0));
        cursor.position(5);
        assertTrue(cursor.reached(5));
        assertFalse(cursor.reached(6));
        cursor.advance(6);
        assertTrue(cursor.reached(6));
    }
}
