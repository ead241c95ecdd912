package io.weft.agent.events;

import java.time.Duration;

/**
 * Appends invalidation events where other instances read them (Redis Streams, or a database table),
 * never making {@link #publish} wait for the store; events that cannot be sent are kept, in order and
 * bounded, and sent once they can.
 */
public interface InvalidationPublisher extends AutoCloseable {

    /** Sends {@code event} without waiting for the store, or queues it; returns at once. */
    void publish(InvalidationEvent event);

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
