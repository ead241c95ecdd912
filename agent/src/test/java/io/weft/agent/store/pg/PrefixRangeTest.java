package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrefixRangeTest {

    @Test
    void theSuccessorIncrementsTheLastCodePoint() {
        assertEquals("ns:book;", PrefixRange.successor("ns:book:"));
        assertEquals("b", PrefixRange.successor("a"));
    }

    @Test
    void theSuccessorSkipsTheSurrogatesAndCarriesOverTheLastCodePoint() {
        assertEquals("a\uE000", PrefixRange.successor("a\uD7FF"));
        assertEquals("b", PrefixRange.successor("a" + new String(Character.toChars(Character.MAX_CODE_POINT))));
        assertEquals("a\uD800\uDC01", PrefixRange.successor("a\uD800\uDC00"));
    }

    @Test
    void aPrefixOfTheLastCodePointOnlyHasNoSuccessor() {
        assertNull(PrefixRange.successor(new String(Character.toChars(Character.MAX_CODE_POINT))));
    }

    @Test
    void everyKeyWithThePrefixSortsBelowTheSuccessorByCodePoint() {
        String successor = PrefixRange.successor("k\uFFFF");
        for (String key : new String[] {"k\uFFFF", "k\uFFFF\uFFFF", "k\uFFFF" + new String(Character.toChars(0x10FFFF))}) {
            assertTrue(key.codePoints().toArray().length > 0 && compareByCodePoint(key, successor) < 0, key);
        }
    }

    private static int compareByCodePoint(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
