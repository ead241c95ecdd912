package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValuesTest {

    enum Color { RED, GREEN }

    /** An enum whose {@code toString()} is a display text, as many legacy enums have. */
    enum Route {
        HOME("route:home"), NONE("null");

        private final String text;

        Route(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void uuidRendersUnchanged() {
        UUID id = UUID.fromString("3f2a0c1e-5b7d-4e8f-9a10-112233445566");
        assertEquals("3f2a0c1e-5b7d-4e8f-9a10-112233445566", Values.render(id));
    }

    @Test
    void integralNumbersAndBooleansRenderUnchanged() {
        assertEquals("42", Values.render(42));
        assertEquals("-7", Values.render(-7));
        assertEquals("9007199254740993", Values.render(9007199254740993L));
        assertEquals("3", Values.render((short) 3));
        assertEquals("-1", Values.render((byte) -1));
        assertEquals("true", Values.render(true));
    }

    @Test
    void otherScalarsRenderAsStringValueOf() {
        assertEquals("1.5", Values.render(1.5d));
        assertEquals("1.50", Values.render(new BigDecimal("1.50")));
        assertEquals("x", Values.render('x'));
    }

    @Test
    void plainIdentifierStringRendersUnchangedAndIsNotCopied() {
        String s = "storybook_books-3.v2";
        assertSame(s, Values.render(s));
    }

    @Test
    void enumRendersItsName() {
        assertEquals("GREEN", Values.render(Color.GREEN));
    }

    @Test
    void separatorsAndBackslashInAStringAreEscaped() {
        assertEquals("a\\:b\\,c\\\\d", Values.render("a:b,c\\d"));
    }

    @Test
    void escapedCharacterScalarIsEscapedToo() {
        assertEquals("\\:", Values.render(':'));
        assertEquals("\\,", Values.render(','));
    }

    @Test
    void toStringOfOtherObjectsIsEscaped() {
        Object weird = new Object() {
            @Override
            public String toString() {
                return "a:b";
            }
        };
        assertEquals("a\\:b", Values.render(weird));
    }

    @Test
    void nullRendersAsNull() {
        assertEquals("null", Values.render(null));
    }

    @Test
    void theStringNullRendersDifferentlyFromNull() {
        assertEquals("\\null", Values.render("null"));
        assertNotEquals(Values.render(null), Values.render("null"));
    }

    @Test
    void stringsThatMerelyContainNullAreNotMarked() {
        assertEquals("nullable", Values.render("nullable"));
        assertEquals("NULL", Values.render("NULL"));
    }

    @Test
    void emptyStringRendersEmpty() {
        assertEquals("", Values.render(""));
    }

    @Test
    void objectArrayIsJoinedWithCommas() {
        assertEquals("a,b\\,c,\\~", Values.render(new Object[] {"a", "b,c", null}));
    }

    @Test
    void primitiveArraysAreJoinedWithCommas() {
        assertEquals("1,2,3", Values.render(new int[] {1, 2, 3}));
        assertEquals("-1,9", Values.render(new long[] {-1L, 9L}));
        assertEquals("true,false", Values.render(new boolean[] {true, false}));
        assertEquals("a,\\:", Values.render(new char[] {'a', ':'}));
        assertEquals("0.5", Values.render(new double[] {0.5}));
    }

    @Test
    void collectionIsJoinedWithCommasInIterationOrder() {
        assertEquals("b,a\\:x", Values.render(List.of("b", "a:x")));
        assertEquals("3,1,2", Values.render(new LinkedHashSet<>(List.of(3, 1, 2))));
    }

    @Test
    void nullElementAndStringNullElementDiffer() {
        assertEquals("a,\\~", Values.render(Arrays.asList("a", null)));
        assertEquals("a,\\null", Values.render(Arrays.asList("a", "null")));
    }

    @Test
    void elementContainingACommaDiffersFromTwoElements() {
        assertNotEquals(Values.render(List.of("a,b")), Values.render(List.of("a", "b")));
    }

    @Test
    void nestedCollectionsKeepTheirBoundaries() {
        String ab_c = Values.render(List.of(List.of("a", "b"), List.of("c")));
        String a_bc = Values.render(List.of(List.of("a"), List.of("b", "c")));
        String abc = Values.render(List.of(List.of("a", "b", "c")));
        assertEquals("a\\,b,c", ab_c);
        assertEquals("a,b\\,c", a_bc);
        assertNotEquals(ab_c, abc);
        assertNotEquals(a_bc, abc);
    }

    @Test
    void nestedArraysInsideACollectionAreEscapedLikeNestedCollections() {
        assertEquals("1\\,2,3", Values.render(List.of(new int[] {1, 2}, new int[] {3})));
    }

    @Test
    void doublyNestedEscapesStack() {
        // [[["a","b"]]] : the inner comma is escaped once per level
        assertEquals("a\\\\\\,b", Values.render(List.of(List.of(List.of("a", "b")))));
    }

    @Test
    void appendAddsWhatRenderReturns() {
        Object[] samples = {null, "x:y", "null", 5, UUID.randomUUID(), List.of("a", "b,c"), new int[] {1, 2},
                List.of(List.of("p", "q")), ""};
        for (Object sample : samples) {
            StringBuilder sb = new StringBuilder("pre:");
            Values.append(sb, sample);
            assertEquals("pre:" + Values.render(sample), sb.toString(), String.valueOf(sample));
        }
    }

    @Test
    void escapeReturnsTheSameInstanceWhenNothingNeedsEscaping() {
        String s = "abc-123";
        assertSame(s, Values.escape(s));
    }

    // --- SPEC §3: different values must never render the same text ---------------------------------

    /** BUG: an empty collection and a collection holding one empty string both render "". */
    @Test
    void emptyCollectionDiffersFromCollectionOfOneEmptyString() {
        assertNotEquals(Values.render(List.of()), Values.render(List.of("")));
    }

    /** BUG: same root cause as above, for arrays. */
    @Test
    void emptyArrayDiffersFromArrayOfOneEmptyString() {
        assertNotEquals(Values.render(new String[0]), Values.render(new String[] {""}));
    }

    /** BUG: a null collection argument and a collection holding one null both render "null". */
    @Test
    void nullCollectionDiffersFromCollectionOfOneNull() {
        assertNotEquals(Values.render(null), Values.render(Collections.singletonList(null)));
    }

    /** BUG: an enum's toString() is used unescaped, so it can contain the ':' separator or read as null. */
    @Test
    void enumWithSeparatorInItsToStringIsEscaped() {
        assertEquals("route\\:home", Values.render(Route.HOME));
    }

    /** BUG: same root cause — an enum constant whose toString() is "null" renders like a null argument. */
    @Test
    void enumWhoseToStringIsNullDiffersFromNull() {
        assertNotEquals(Values.render(null), Values.render(Route.NONE));
    }
}
