package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.LeaseKeys;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which rendered keys are Weft's own Redis names, and so never reach the shared level. */
class ReservedNamesTest {

    @Test
    void theHeadsOfStreamsTagSetsAndWarmSetsAreReserved() {
        for (String key : List.of("events:cache.invalidated", "events:book.updated", "events:", "weft-tag:user:1",
                "weft-tag:", "weft-warm:books", "weft-warm:")) {
            assertTrue(ReservedNames.isReserved(key), key);
        }
    }

    @Test
    void leaseKeysAreReservedInEachOfTheirForms() {
        LeaseKeys cluster = LeaseKeys.of(true);
        for (String key : List.of("books:1", "user:{42}:profile", "a{}b", "a}b{c", "noColon")) {
            String standalone = LeaseKeys.of(false).leaseKey(key);
            String onCluster = cluster.leaseKey(key);
            assertTrue(ReservedNames.isReserved(standalone), standalone);
            assertTrue(ReservedNames.isReserved(onCluster), onCluster);
            assertFalse(ReservedNames.isReserved(key), key);
        }
        // the three forms: <key>:weft-lease, <key>:weft-lease{tag}, {tag}<key>:weft-lease
        assertTrue(ReservedNames.isReserved("books:1:weft-lease"));
        assertTrue(ReservedNames.isReserved("books:1:weft-lease{a1}"));
        assertTrue(ReservedNames.isReserved("{a1}a{}b:weft-lease"));
    }

    @Test
    void ordinaryKeysAreNot() {
        for (String key : List.of("event:1", "myevents:1", "weft:1", "events", "Events:1", "weft-tags", "weft-warm",
                "books:events:1", "tag:weft-tag:1", "weft-lease", "books:1:weft", "e", "w", "")) {
            assertFalse(ReservedNames.isReserved(key), key);
        }
    }

    @Test
    void aTemplateWhoseLiteralsMakeEveryKeyReservedIsToldApart() {
        assertTrue(ReservedNames.everyKeyReserved(List.of("events:", "")), "events:{id}");
        assertTrue(ReservedNames.everyKeyReserved(List.of("weft-tag:user:", ":x")), "weft-tag:user:{id}:x");
        assertTrue(ReservedNames.everyKeyReserved(List.of("books:", ":weft-lease")), "books:{id}:weft-lease");
        assertTrue(ReservedNames.everyKeyReserved(List.of("events:cache.invalidated")), "no placeholder");
        assertFalse(ReservedNames.everyKeyReserved(List.of("", "")), "{path}: only some keys are");
        assertFalse(ReservedNames.everyKeyReserved(List.of("event", "")), "event{id}: only some keys are");
        assertFalse(ReservedNames.everyKeyReserved(List.of("books:", ":events:")), "books:{id}:events:");
    }

    @Test
    void ownStructuresAreTheStreamsAndSetsOfTheNamespaceNotLeasesNorValues() {
        Predicate<String> own = ReservedNames.ownStructures("ns:");
        for (String key : List.of("ns:events:t", "ns:weft-tag:x", "ns:weft-warm:c")) {
            assertTrue(own.test(key), key);
        }
        for (String key : List.of("ns:e1", "ns:events-x", "ns:e1:weft-lease", "ns:weft-x", "events:t", "other:events:t",
                "ns:books:events:t")) {
            assertFalse(own.test(key), key);
        }
        assertTrue(ReservedNames.ownStructures("").test("events:t"), "the empty namespace");
    }
}
