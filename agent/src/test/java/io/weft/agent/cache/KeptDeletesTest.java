package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How kept deletes stay within their bound: widened to covering prefixes, dropped only when that leaves no room. */
class KeptDeletesTest {

    private static KeptDeletes bounded(int bound) {
        return new KeptDeletes(bound, "test", "more than " + bound + " deletes wait");
    }

    private static void keepKey(KeptDeletes kept, String key) {
        kept.keep(List.of(key), List.of(), List.of());
    }

    @Test
    void keysSharingAHeadAreWidenedToTheirLongestCommonPrefixEndingWithASeparator() {
        KeptDeletes kept = bounded(3);
        keepKey(kept, "storybook:books:1");
        keepKey(kept, "storybook:books:2");
        keepKey(kept, "author:1");
        assertEquals(Set.of("storybook:books:1", "storybook:books:2", "author:1"), Set.copyOf(kept.keys()),
                "within the bound, kept as they are");

        keepKey(kept, "storybook:books:3");
        assertEquals(List.of("author:1"), kept.keys(), "a lone key of its head stays exact");
        assertEquals(List.of("storybook:books:"), kept.prefixes());
        assertTrue(kept.covers("storybook:books:3") && kept.covers("storybook:books:1"));
        assertFalse(kept.covers("storybook:book:7"), "no wider than the keys need");

        keepKey(kept, "storybook:book:7");
        keepKey(kept, "x:1");
        assertEquals(Set.of("author:1", "x:1"), Set.copyOf(kept.keys()));
        assertEquals(List.of("storybook:"), kept.prefixes(), "the common prefix of the prefix and the key");
        assertTrue(kept.covers("storybook:book:7") && kept.covers("storybook:books:2"));
    }

    @Test
    void whatCannotBeWidenedIsDroppedLatestFirstOnceThereIsNoRoom() {
        KeptDeletes kept = bounded(3);
        keepKey(kept, "a");
        kept.keep(List.of(), List.of(), List.of("tag-1"));
        keepKey(kept, "events:1"); // the head of Weft's own streams: never widened into

        keepKey(kept, "events:2");
        keepKey(kept, "b");
        kept.keep(List.of(), List.of(), List.of("tag-2"));
        kept.keep(List.of("c:1", "c:2"), List.of(), List.of()); // a prefix made of the latest deletes only
        assertEquals(Set.of("a", "events:1"), Set.copyOf(kept.keys()), "the earlier deletes stay");
        assertEquals(List.of("tag-1"), kept.tags());
        assertEquals(List.of(), kept.prefixes());
        assertFalse(kept.covers("b") || kept.covers("events:2") || kept.covers("c:1"), "the latest were dropped");
    }

    @Test
    void theLatestDeletesStayWhenWideningThemWithEarlierOnesMakesRoom() {
        KeptDeletes kept = bounded(2);
        keepKey(kept, "a");
        keepKey(kept, "c:1");
        kept.keep(List.of("c:2", "c:3"), List.of(), List.of());
        assertEquals(List.of("a"), kept.keys());
        assertEquals(List.of("c:"), kept.prefixes());
    }

    /** A delete kept while a retry of the prefix that now covers it is under way is not forgotten by that retry. */
    @Test
    void aRetryUnderWayDoesNotForgetAPrefixThatWideningKeptAgain() {
        KeptDeletes kept = bounded(2);
        kept.keep(List.of(), List.of("book:"), List.of());
        kept.retry(keys -> true, prefix -> {
            keepKey(kept, "book:1"); // meanwhile the deletes of two keys under it fail: they are widened into it
            keepKey(kept, "book:2");
            return true;
        }, tag -> true);
        assertEquals(List.of("book:"), kept.prefixes(), "the retry was sent before those deletes failed");
        assertTrue(kept.covers("book:2"));
        kept.retry(keys -> true, prefix -> true, tag -> true);
        assertTrue(kept.isEmpty());
    }
}
