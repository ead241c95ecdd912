package io.weft.agent.events;

import io.weft.agent.store.FollowUp;
import io.weft.agent.store.SharedStore;
import java.time.Duration;
import java.util.List;

/**
 * Appends invalidation events where other instances read them (Redis Streams, or a database table),
 * never making {@link #publish} wait for the store; events that cannot be sent are kept, in order and
 * bounded, and sent once they can.
 */
public interface InvalidationPublisher extends AutoCloseable {

    /** Sends {@code event} without waiting for the store, or queues it; returns at once. */
    void publish(InvalidationEvent event);

    /**
     * A send of {@code event} that the store makes right behind its delete of the event's keys, on its own
     * connection ({@link SharedStore#deleteWithLeases(List, FollowUp)}), or {@code null} (this default) when this
     * publisher cannot: then {@link #publish} it.
     */
    default FollowUp appendAfter(InvalidationEvent event) {
        return null;
    }

    /**
     * Holds every event back while {@code deletes} wait, retrying them before each send: an event never overtakes
     * the delete of its keys that failed. Events go out as soon as this is set when nothing waits.
     */
    default void sendAfter(PendingDeletes deletes) {
    }

    /** Waits up to {@code timeout} until every queued event is published; returns whether they are. */
    boolean awaitPublished(Duration timeout) throws InterruptedException;

    /** Events queued, not yet published. */
    int pending();

    /** Events published. */
    long published();

    /** Round trips that failed (each retried). */
    long failures();

    /** How many times the buffer overflowed into a clear-all event. */
    long overflows();

    /** Events not published because a clear-all event replaced them. */
    long dropped();

    /** Waits up to the timeout for queued events to go out, then stops and closes the connection. */
    @Override
    void close();
}
