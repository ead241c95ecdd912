package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {

    private static final Instant NOW = Instant.parse("2026-12-04T21:53:19.123Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Another instance of the fleet. */
    private static final String OTHER = InstanceIds.create();

    private final RecordingSink sink = new RecordingSink();
    private final EventDispatcher dispatcher = new EventDispatcher("me",
            ForeignEventMapping.parse(Map.of("book.updated", "storybook:book:{book_id}")), sink, CLOCK);

    private void dispatch(InvalidationEvent event) {
        dispatcher.dispatch("events:" + event.type(), "1-0", Map.of("type", event.type(), "event", EventJson.encode(event)));
    }

    @Test
    void eventsFromOtherInstancesEvictKeysAndPrefixesFromL1() {
        dispatch(InvalidationEvent.invalidation("book.updated", List.of("storybook:book:1"), List.of("storybook:pages:"),
                Map.of("bookId", 1), OTHER));

        assertEquals(List.of("keys [storybook:book:1]", "prefixes [storybook:pages:]"), sink.calls);
        assertEquals(1, dispatcher.applied());
    }

    @Test
    void theTagsOfWeftEventsAreEvictedFromL1AndThoseOfForeignEventsFromL2Too() {
        dispatch(InvalidationEvent.invalidation("user.updated", List.of(), List.of(), List.of("user:1"), Map.of(),
                OTHER));
        dispatch(new InvalidationEvent("library.closed", Map.of("tags", List.of("library:7")), null, null, null));
        dispatch(new InvalidationEvent("book.updated", Map.of("book_id", "b-1", "tags", List.of("shelf:2")), null, null,
                null));

        assertEquals(List.of("tags [user:1]", "tags+L2 [library:7]", "keys+L2 [storybook:book:b-1]",
                "tags+L2 [shelf:2]"), sink.calls);
        assertEquals(3, dispatcher.applied());
    }

    @Test
    void aForeignEventWithTagsIsNotAppliedOnAThreadThatMustNotWaitForRedis() {
        InvalidationEvent foreign = new InvalidationEvent("library.closed", Map.of("tags", List.of("library:7")), null,
                null, null);
        Map<String, String> fields = Map.of("type", foreign.type(), "event", EventJson.encode(foreign));

        assertFalse(dispatcher.dispatch("events:library.closed", "1-0", fields, false));
        assertTrue(sink.calls.isEmpty());
    }

    @Test
    void ownEventsAreSkipped() {
        dispatch(InvalidationEvent.invalidation("cache.invalidated", List.of("k"), List.of(), Map.of(), "me"));

        assertTrue(sink.calls.isEmpty());
        assertEquals(1, dispatcher.own());
    }

    @Test
    void anEventOfAnotherSourceThatEndsLikeAnOwnOneIsApplied() {
        // after the own ending, as many characters as a UUID's, but a later source (the one read) among them
        String idAndLaterSource = "0000000\",\"source\":\"weft:h-1-0a1b2c3d";
        assertEquals(36, idAndLaterSource.length());
        String json = "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"k\"]},\"source\":\"me\","
                + "\"event_id\":\"" + idAndLaterSource + "\"}";
        dispatcher.dispatch("events:cache.invalidated", "1-0", Map.of("type", "cache.invalidated", "event", json));

        assertEquals(List.of("keys [k]"), sink.calls);
        assertEquals(0, dispatcher.own());
    }

    @Test
    void aClearAllEventClearsL1() {
        dispatch(InvalidationEvent.clearAll(OTHER));

        assertEquals(List.of("clearAll"), sink.calls);
        assertTrue(sink.clearReasons.get(0).contains(OTHER));
        assertEquals(1, dispatcher.applied());
        assertEquals(0, dispatcher.ignored());
    }

    @Test
    void weftEventsAndClearAllAreAppliedOnAThreadThatMustNotWaitForRedis() {
        InvalidationEvent keys = InvalidationEvent.invalidation("book.updated", List.of("storybook:book:1"), List.of(),
                Map.of(), OTHER);
        InvalidationEvent clear = InvalidationEvent.clearAll(OTHER);

        assertTrue(dispatcher.dispatch("events:book.updated", "1-0", Map.of("event", EventJson.encode(keys)), false));
        assertTrue(dispatcher.dispatch("events:cache.invalidated", "2-0", Map.of("event", EventJson.encode(clear)), false));
        assertEquals(List.of("keys [storybook:book:1]", "clearAll"), sink.calls);
    }

    @Test
    void aForeignEventOfPrefixesOnlyIsAppliedInL1AndL2AndOneOfNothingIgnored() {
        dispatch(new InvalidationEvent("shelf.moved", Map.of("prefixes", List.of("storybook:shelf:")), null, null, null));
        assertEquals(1, dispatcher.applied());
        dispatch(new InvalidationEvent("shelf.moved", Map.of("prefixes", List.of()), null, null, null));
        assertEquals(1, dispatcher.ignored());
        assertEquals(List.of("prefixes+L2 [storybook:shelf:]"), sink.calls,
                "no writer deleted them from Redis: the reader does, as for a foreign event's keys and tags");
    }

    @Test
    void aForeignEventOfPrefixesOnlyIsNotAppliedOnAThreadThatMustNotWaitForRedis() {
        InvalidationEvent foreign = new InvalidationEvent("shelf.moved", Map.of("prefixes", List.of("storybook:shelf:")),
                null, null, null);

        assertFalse(dispatcher.dispatch("events:shelf.moved", "1-0", Map.of("event", EventJson.encode(foreign)), false));
        assertTrue(sink.calls.isEmpty());
    }

    @Test
    void foreignEventsOfAMappedTypeEvictTheRenderedKeysFromL1AndL2AndOthersAreIgnored() {
        dispatch(new InvalidationEvent("book.updated", Map.of("book_id", "b-1"), NOW.minusSeconds(2), null, "x"));
        dispatch(new InvalidationEvent("user.updated", Map.of("user_id", "u-1"), null, null, null));

        assertEquals(List.of("keys+L2 [storybook:book:b-1]"), sink.calls);
        assertEquals(1, dispatcher.ignored());
        assertEquals(2000, dispatcher.lagMillis(), "the event's age by the clock");
    }

    @Test
    void aForeignEventWithPrefixesButNoKeysStillHasItsMappedKeysRendered() {
        dispatch(new InvalidationEvent("book.updated", Map.of("book_id", "b-1", "prefixes", List.of("storybook:pages:")),
                null, null, null));

        assertEquals(List.of("keys+L2 [storybook:book:b-1]", "prefixes+L2 [storybook:pages:]"), sink.calls,
                "SPEC §6: an event without keys has the mapped templates rendered");
    }

    /**
     * The audit's event: a Python service's invalidation listing {@code keys}. Nobody deleted them in Redis (only Weft's
     * writers delete before publishing), so the reader does, whatever source the service writes, or none.
     */
    @Test
    void aForeignEventWithKeysEvictsThemFromL1AndRedis() {
        for (String source : new String[] {"py-svc", null, "host-1234-3f2a9c1d", "weft:py-svc"}) {
            dispatch(new InvalidationEvent("cache.invalidated", Map.of("keys", List.of("book:2")), NOW, source, "e-1"));
        }

        assertEquals(List.of("keys+L2 [book:2]", "keys+L2 [book:2]", "keys+L2 [book:2]", "keys+L2 [book:2]"),
                sink.calls, "only a source of Weft's form is another Weft instance");
        assertEquals(4, dispatcher.applied());
    }

    @Test
    void aForeignEventWithKeysIsNotAppliedOnAThreadThatMustNotWaitForRedis() {
        InvalidationEvent foreign = new InvalidationEvent("cache.invalidated", Map.of("keys", List.of("book:2")), null,
                "py-svc", null);

        assertFalse(dispatcher.dispatch("events:cache.invalidated", "1-0", Map.of("event", EventJson.encode(foreign)),
                false));
        assertTrue(sink.calls.isEmpty());
    }

    @Test
    void aMappedTypeHasItsTemplatesRenderedAlsoWhenThePayloadHasKeys() {
        dispatch(new InvalidationEvent("book.updated", Map.of("keys", List.of(), "book_id", "b-1"), null, "py-svc", null));
        dispatch(new InvalidationEvent("book.updated", Map.of("keys", List.of("storybook:books:u-1",
                "storybook:book:b-2"), "book_id", "b-2"), null, "py-svc", null));

        assertEquals(List.of("keys+L2 [storybook:book:b-1]", "keys+L2 [storybook:books:u-1, storybook:book:b-2]"),
                sink.calls, "the payload's keys, then the rendered ones, each once");
    }

    @Test
    void anEventOfAnotherWeftInstanceOfAMappedTypeEvictsItsKeysFromL1OnlyAndRendersNothing() {
        dispatch(InvalidationEvent.invalidation("book.updated", List.of("storybook:book:1"), List.of(),
                Map.of("book_id", "b-1"), InstanceIds.create()));

        assertEquals(List.of("keys [storybook:book:1]"), sink.calls, "its writer deleted in Redis: no second delete");
    }

    @Test
    void malformedEntriesAndFailingEvictionsAreCountedAndSkipped() {
        dispatcher.dispatch("events:cache.invalidated", "1-0", Map.of("type", "x"));
        dispatcher.dispatch("events:cache.invalidated", "2-0", Map.of("type", "x", "event", "{oops"));
        EventDispatcher failing = new EventDispatcher("me", ForeignEventMapping.parse(Map.of()), new RecordingSink() {
            @Override
            public void clearAll(String reason) {
                throw new IllegalStateException("boom");
            }
        }, CLOCK);
        failing.dispatch("s", "3-0", Map.of("event", EventJson.encode(InvalidationEvent.clearAll(OTHER))));

        assertEquals(2, dispatcher.malformed());
        assertEquals(1, failing.sinkFailures());
        assertTrue(sink.calls.isEmpty());
    }

    @Test
    void anEntryThatCannotBeAppliedClearsL1AndTheDispatcherGoesOn() {
        RecordingSink failing = new RecordingSink() {
            @Override
            public void evictKeys(List<String> keys, boolean alsoL2) {
                throw new StackOverflowError(); // an Error, as a render too deep for the stack would throw
            }
        };
        EventDispatcher dispatcher = new EventDispatcher("me", ForeignEventMapping.parse(Map.of()), failing, CLOCK);
        InvalidationEvent event = InvalidationEvent.invalidation("cache.invalidated", List.of("k"), List.of(), Map.of(),
                OTHER);

        dispatcher.dispatch("events:cache.invalidated", "1-0", Map.of("type", event.type(), "event",
                EventJson.encode(event)));

        assertEquals(1, dispatcher.sinkFailures());
        assertEquals(List.of("clearAll"), failing.calls, "what the entry invalidates may be in L1");
    }

    /**
     * The review's event: 80-odd bytes whose {@code book_id} nests a {@code ":"} 33 lists deep once rendered a key of
     * 2^33 characters (OutOfMemoryError on the reader). It is a malformed entry: counted, skipped, and the next one applied.
     */
    @Test
    void aForeignEventWhosePayloadCannotBeRenderedIsCountedAsMalformedAndSkipped() {
        String deep = "[".repeat(33) + "\":\"" + "]".repeat(33);
        String json = "{\"type\":\"book.updated\",\"payload\":{\"book_id\":" + deep + "}}";

        boolean done = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> dispatcher.dispatch("events:book.updated",
                "1-0", Map.of("type", "book.updated", "event", json), true));
        dispatch(new InvalidationEvent("book.updated", Map.of("book_id", "b-1"), null, null, null));

        assertTrue(done);
        assertEquals(1, dispatcher.malformed());
        assertEquals(0, dispatcher.sinkFailures());
        assertEquals(List.of("keys+L2 [storybook:book:b-1]"), sink.calls, "the next event is applied");
        assertEquals(1, dispatcher.applied());
    }
}
