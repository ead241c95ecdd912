package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
                List.of(List.of("p", "q")), "", new Q("a", "b,c"), Map.of("k", List.of("v"))};
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
    // --- nesting stays linear (SPEC §3, §7): a small input never renders a huge key ---------------------------

    /** {@code [[[…[":"]…]]]}, {@code depth} lists deep. */
    static Object nested(int depth, Object innermost) {
        Object value = innermost;
        for (int i = 0; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }

    /** BUG (before): every level escaped the text of the levels inside it again: 2^40 backslashes, OutOfMemoryError. */
    @Test
    void fortyLevelsOfNestingAreRefusedAtOnce() {
        Object deep = nested(40, ":");
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(IllegalArgumentException.class, () -> Values.render(deep)));
        assertTrue(e.getMessage().contains("nested more than 8 levels"), e.getMessage());
        StringBuilder sb = new StringBuilder("pre:");
        assertThrows(IllegalArgumentException.class, () -> Values.append(sb, deep));
    }

    @Test
    void eightLevelsRenderAsBeforeAndNineAreRefused() {
        // each level escapes the one inside once more: 2^8 - 1 backslashes before the innermost ':'
        assertEquals("\\".repeat(255) + ":", Values.render(nested(8, ":")));
        assertEquals("a" + "\\".repeat(127) + ",b", Values.render(nested(7, List.of("a", "b"))));
        assertThrows(IllegalArgumentException.class, () -> Values.render(nested(9, ":")));
        assertThrows(IllegalArgumentException.class, () -> Values.render(nested(8, List.of("a"))));
        assertThrows(IllegalArgumentException.class, () -> Values.render(nested(7, Map.of("k", "v"))),
                "a map's entries are one level more");
    }

    @Test
    void aCompositeLongerThanTheBoundIsRefusedBeforeItIsBuilt() {
        // 8 levels deep, each ':' costs 256 characters: 1,000 of them would render 256,000
        List<String> colons = Collections.nCopies(1_000, ":");
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(IllegalArgumentException.class, () -> Values.render(nested(7, colons))));
        assertTrue(e.getMessage().contains("longer than 65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Values.render(Collections.nCopies(40_000, "ab")));
        assertEquals(65_536, Values.render(Collections.nCopies(65_536 / 2, "a")).length() + 1);
        String longScalar = "x".repeat(200_000);
        assertSame(longScalar, Values.render(longScalar), "a scalar renders at most twice its own length: unbounded");
    }

    @Test
    void aCollectionThatContainsItselfIsRefused() {
        List<Object> cycle = new ArrayList<>();
        cycle.add("a");
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> Values.render(cycle));
    }

    /** Flat collections and one level of nesting render exactly as they always did (a Python service computes them too). */
    @Test
    void flatAndOnceNestedCollectionsRenderExactlyAsBefore() {
        assertEquals("a,b\\:c,\\~,\\null,,\\\\", Values.render(Arrays.asList("a", "b:c", null, "null", "", "\\")));
        assertEquals("\\[]", Values.render(List.of()));
        assertEquals("a\\,b,\\\\~,\\\\[],x\\\\\\:y\\,\\\\null",
                Values.render(List.of(List.of("a", "b"), Collections.singletonList(null), List.of(), List.of("x:y", "null"))));
        assertEquals("1\\,2,3", Values.render(new int[][] {{1, 2}, {3}}));
        assertEquals("3f2a0c1e-5b7d-4e8f-9a10-112233445566,7",
                Values.render(List.of(UUID.fromString("3f2a0c1e-5b7d-4e8f-9a10-112233445566"), 7L)));
    }

    // --- composite values render as their parts, never by toString() ------------------------------------------

    record Q(String a, String b) {
    }

    record Page(Q query, List<Integer> numbers, Object missing) {
    }

    record Nothing() {
    }

    sealed interface Filter permits ByAuthor, ByTitle {
    }

    record ByAuthor(String name) implements Filter {
    }

    record ByTitle(String title) implements Filter {
    }

    /** BUG (before): both rendered Q[a=1\, b=2\, b=x] (toString() escaped as a whole). */
    @Test
    void recordsWhoseToStringsCoincideRenderDifferently() {
        String first = Values.render(new Q("1, b=2", "x"));
        String second = Values.render(new Q("1", "2, b=x"));
        assertNotEquals(first, second);
        assertEquals("Q[1\\, b=2,x]", first);
        assertEquals("Q[1,2\\, b=x]", second);
    }

    @Test
    void aRecordRendersItsComponentsInOrderLikeACollection() {
        assertEquals("Page[Q[a\\\\\\:1\\,\\\\null],1\\,2,\\~]",
                Values.render(new Page(new Q("a:1", "null"), List.of(1, 2), null)));
        assertEquals("Nothing[]", Values.render(new Nothing()));
        assertEquals("Q[a\\,b],Q[c\\,d]", Values.render(List.of(new Q("a", "b"), new Q("c", "d"))));
        assertNotEquals(Values.render(new ByAuthor("tolkien")), Values.render(new ByTitle("tolkien")),
                "records of one declared interface are told apart by their names");
    }

    /** BUG (before): both rendered {a=1\, b=2}. */
    @Test
    void mapsWhoseToStringsCoincideRenderDifferently() {
        Map<String, String> two = new LinkedHashMap<>();
        two.put("a", "1");
        two.put("b", "2");
        String one = Values.render(Map.of("a", "1, b=2"));
        assertNotEquals(one, Values.render(two));
        assertEquals("a\\,1\\\\\\, b=2", one);
        assertEquals("a\\,1,b\\,2", Values.render(two));
    }

    @Test
    void aMapRendersItsEntriesAsPairsInIterationOrder() {
        Map<String, Object> map = new TreeMap<>(Map.of("k", List.of("x", "y"), "e", List.of()));
        assertEquals("e\\,\\\\\\\\[],k\\,x\\\\\\,y", Values.render(map));
        assertEquals("\\[]", Values.render(Map.of()));
        assertNotEquals(Values.render(Map.of("a", "b")), Values.render(Map.of("a,b", "")));
        assertNotEquals(Values.render(List.of(Map.of("a", "b"))), Values.render(List.of(Map.of("a", "b"), Map.of())));
    }

    static final class Plain {
        final int id = 1;
    }

    /** BUG (before): Plain@1b6d3586, a key that no other call repeats, filling L1 and Redis. */
    @Test
    void aValueWithoutItsOwnToStringCannotBeRendered() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Values.render(new Plain()));
        assertTrue(e.getMessage().contains(Plain.class.getName()) && e.getMessage().contains("{plain.id}"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Values.render(List.of(new Plain())));
        assertThrows(IllegalArgumentException.class, () -> Values.render(new Object()));
        assertEquals("GREEN,1.5", Values.render(List.of(Color.GREEN, 1.5)), "classes with their own toString() still render");
    }

    /** A {@link java.util.Date}'s {@code toString()} drops its milliseconds: two dates of one second shared a key. */
    @Test
    void aDateRendersAsTheInstantItHolds() {
        java.util.Date first = new java.util.Date(1_796_551_043_123L);
        java.util.Date second = new java.util.Date(1_796_551_043_456L);

        assertNotEquals(Values.render(first), Values.render(second));
        assertEquals("2026-12-06T09:57:23.123Z", Values.render(first).replace("\\", ""));
    }
}
