package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PublishBufferTest {

    private final PublishBuffer buffer = new PublishBuffer(3, () -> InvalidationEvent.clearAll("me"));

    private static InvalidationEvent event(String key) {
        return InvalidationEvent.invalidation("cache.invalidated", List.of(key), List.of(), Map.of(), "me");
    }

    @Test
    void keepsEventsInOrderUntilTheyAreRemoved() throws Exception {
        InvalidationEvent a = event("a");
        InvalidationEvent b = event("b");
        buffer.add(a);
        buffer.add(b);

        List<InvalidationEvent> batch = buffer.peek(10, 0);
        assertEquals(List.of(a, b), batch);
        assertEquals(2, buffer.size());

        buffer.remove(batch);
        assertEquals(0, buffer.size());
        assertTrue(buffer.awaitEmpty(0));
    }

    @Test
    void anOverflowReplacesEverythingWithOneClearAllThatDropsNewEventsUntilItIsSent() throws Exception {
        buffer.add(event("a"));
        List<InvalidationEvent> inFlight = buffer.peek(10, 0);
        buffer.add(event("b"));
        buffer.add(event("c"));

        assertFalse(buffer.add(event("d")));
        assertTrue(buffer.add(event("e")));

        List<InvalidationEvent> pending = buffer.peek(10, 0);
        assertEquals(1, pending.size());
        assertTrue(pending.get(0).isClearAll());
        assertEquals(1, buffer.overflows());
        assertEquals(5, buffer.dropped());

        buffer.remove(inFlight);
        assertEquals(pending, buffer.peek(10, 0));

        buffer.remove(pending);
        InvalidationEvent f = event("f");
        buffer.add(f);
        assertEquals(List.of(f), buffer.peek(10, 0));
    }

    /** Overflows the buffer and hands its clear-all event to the sender. */
    private InvalidationEvent sendingClearAll() throws Exception {
        for (String key : List.of("a", "b", "c", "d")) {
            buffer.add(event(key));
        }
        List<InvalidationEvent> batch = buffer.peek(10, 0);
        assertEquals(1, batch.size());
        assertTrue(batch.get(0).isClearAll());
        return batch.get(0);
    }

    @Test
    void eventsAddedOnceTheClearAllIsBeingSentAreQueuedBehindIt() throws Exception {
        InvalidationEvent clearAll = sendingClearAll();
        // a receiver may have applied the clear-all and read E's key back already: E must reach it
        InvalidationEvent e = event("e");
        assertTrue(buffer.add(e));

        buffer.remove(List.of(clearAll));
        assertEquals(List.of(e), buffer.peek(10, 0));
        assertEquals(4, buffer.dropped());

        for (String key : List.of("f", "g", "h")) {
            buffer.add(event(key));
        }
        assertEquals(4 + 4, buffer.dropped(), "the next overflow drops all it replaces: the clear-all sent is gone");
    }

    @Test
    void aFailedSendOfTheClearAllKeepsItFirstAndAnOverflowBehindItReplacesBoth() throws Exception {
        InvalidationEvent clearAll = sendingClearAll();
        InvalidationEvent e = event("e");
        InvalidationEvent f = event("f");
        buffer.add(e);
        buffer.add(f);

        // the send failed: nothing removed, the clear-all goes again first
        assertEquals(List.of(clearAll, e, f), buffer.peek(10, 0));

        assertFalse(buffer.add(event("g")), "the clear-all counts as one of the capacity");
        List<InvalidationEvent> pending = buffer.peek(10, 0);
        assertEquals(1, pending.size());
        assertTrue(pending.get(0).isClearAll());
        assertNotSame(clearAll, pending.get(0));
        assertEquals(2, buffer.overflows());
        assertEquals(4 + 3, buffer.dropped(), "e, f and g; not the clear-all they replaced");

        buffer.remove(List.of(clearAll, e, f));
        assertEquals(pending, buffer.peek(10, 0), "a send that ended after the overflow removes nothing");
    }

    @Test
    void directSendsAreAllowedWhileNothingIsQueuedAndQueuedEventsWaitForAllOfThem() throws Exception {
        long first = buffer.startDirect();
        long second = buffer.startDirect();
        assertNotEquals(PublishBuffer.NOT_DIRECT, first);
        assertNotEquals(PublishBuffer.NOT_DIRECT, second, "beside another direct send (they ride one connection, in order)");
        InvalidationEvent queued = event("b");
        buffer.add(queued);
        assertEquals(PublishBuffer.NOT_DIRECT, buffer.startDirect(), "not while events are queued");
        assertEquals(List.of(), buffer.peek(10, 0), "queued events wait for the direct sends");
        assertEquals(3, buffer.size());

        buffer.endDirect(first, null);
        assertEquals(List.of(), buffer.peek(10, 0), "for every one of them");
        buffer.endDirect(second, null);
        assertEquals(List.of(queued), buffer.peek(10, 0));
        assertEquals(1, buffer.size());
    }

    @Test
    void failedDirectSendsGoBackBeforeTheQueuedEventsInTheOrderTheyWereStarted() throws Exception {
        for (boolean toldInOrder : new boolean[] {true, false}) {
            PublishBuffer buffer = new PublishBuffer(10, () -> event("clear"));
            InvalidationEvent first = event("a");
            InvalidationEvent second = event("b");
            InvalidationEvent third = event("c");
            InvalidationEvent queued = event("d");
            long[] started = {buffer.startDirect(), buffer.startDirect(), buffer.startDirect()};
            buffer.add(queued);

            // their failures may be told in any order (each reply's callback): the queue keeps the order they were made
            if (toldInOrder) {
                buffer.endDirect(started[0], first);
                buffer.endDirect(started[1], second);
                buffer.endDirect(started[2], third);
            } else {
                buffer.endDirect(started[1], second);
                buffer.endDirect(started[2], third);
                buffer.endDirect(started[0], first);
            }

            List<InvalidationEvent> batch = buffer.peek(10, 0);
            assertEquals(List.of(first, second, third, queued), batch, "failures told in order: " + toldInOrder);
            buffer.remove(batch);
            assertEquals(0, buffer.size());
        }
    }

    @Test
    void aFailedDirectSendGoesBeforeTheEventsQueuedMeanwhile() throws Exception {
        InvalidationEvent direct = event("a");
        InvalidationEvent queued = event("b");
        long started = buffer.startDirect();
        buffer.add(queued);

        buffer.endDirect(started, direct);

        assertEquals(List.of(direct, queued), buffer.peek(10, 0));
        assertFalse(buffer.awaitEmpty(0));
    }

    @Test
    void aDirectSendThatFailsAfterAnOverflowIsDroppedForTheClearAll() throws Exception {
        long started = buffer.startDirect();
        for (String key : List.of("a", "b", "c", "d")) {
            buffer.add(event(key));
        }

        buffer.endDirect(started, event("direct"));

        List<InvalidationEvent> pending = buffer.peek(10, 0);
        assertEquals(1, pending.size());
        assertTrue(pending.get(0).isClearAll());
        assertEquals(4 + 1, buffer.dropped());
    }

    @Test
    void aPeekTakesAtMostTheEventsAskedFor() throws Exception {
        InvalidationEvent a = event("a");
        InvalidationEvent b = event("b");
        buffer.add(a);
        buffer.add(b);
        buffer.add(event("c"));

        assertEquals(List.of(a, b), buffer.peek(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new PublishBuffer(0, () -> event("clear")));
        PublishBuffer one = new PublishBuffer(1, () -> event("clear"));
        assertTrue(one.add(a));
        assertFalse(one.add(b));
    }

    @Test
    void aFailedDirectSendOncePublishedLeavesTheOrderOfTheNextFailuresAlone() throws Exception {
        InvalidationEvent a = event("a");
        buffer.endDirect(buffer.startDirect(), a);
        buffer.remove(buffer.peek(10, 0));

        InvalidationEvent b = event("b");
        InvalidationEvent c = event("c");
        long first = buffer.startDirect();
        long second = buffer.startDirect();
        buffer.endDirect(second, c);
        buffer.endDirect(first, b);

        assertEquals(List.of(b, c), buffer.peek(10, 0));
    }

    /** A {@link PublishBuffer#peek} of up to a minute, on another thread, once it waits (or has returned). */
    private CompletableFuture<List<InvalidationEvent>> peekingThread() {
        CompletableFuture<List<InvalidationEvent>> peeked = new CompletableFuture<>();
        Thread peeker = new Thread(() -> {
            try {
                peeked.complete(buffer.peek(10, 60_000));
            } catch (Throwable t) {
                peeked.completeExceptionally(t);
            }
        }, "peeker");
        peeker.setDaemon(true);
        peeker.start();
        while (peeker.getState() != Thread.State.TIMED_WAITING && !peeked.isDone()) {
            Thread.onSpinWait();
        }
        return peeked;
    }

    @Test
    void aPeekReturnsQueuedEventsAtOnceAndOtherwiseWaitsForTheNextOne() throws Exception {
        InvalidationEvent a = event("a");
        buffer.add(a);
        assertEquals(List.of(a), peekingThread().get(10, TimeUnit.SECONDS), "queued: no wait");
        buffer.remove(List.of(a));

        CompletableFuture<List<InvalidationEvent>> waiting = peekingThread();
        assertFalse(waiting.isDone(), "nothing queued: it waits");
        InvalidationEvent b = event("b");
        buffer.add(b);
        assertEquals(List.of(b), waiting.get(10, TimeUnit.SECONDS), "woken by the event");
    }

    @Test
    void aPeekWaitsForTheDirectSendsToEndAndIsWokenAtClose() throws Exception {
        long started = buffer.startDirect();
        InvalidationEvent queued = event("q");
        buffer.add(queued);
        CompletableFuture<List<InvalidationEvent>> waiting = peekingThread();
        assertFalse(waiting.isDone(), "a direct send is under way: it waits");
        buffer.endDirect(started, null);
        assertEquals(List.of(queued), waiting.get(10, TimeUnit.SECONDS));
        buffer.remove(List.of(queued));

        CompletableFuture<List<InvalidationEvent>> closing = peekingThread();
        buffer.wakeUp();
        assertEquals(List.of(), closing.get(10, TimeUnit.SECONDS));
    }
}
