package io.weft.agent.events;

import java.util.List;

/**
 * Reads the invalidation events of other instances (Redis Streams, or a database table) on its own
 * thread and applies them to this JVM's caches, resuming after the last event applied and clearing L1
 * when events may have been missed; what it has done, for metrics and health.
 */
public interface EventReader extends AutoCloseable {

    /** Where events are read from (stream or table names), in order. */
    List<String> streams();

    /** Whether the reader has found the end of the events: those appended from now on will be read. */
    boolean positioned();

    /** Whether the last read succeeded (false before the first one). */
    boolean connected();

    /** Events from other sources that evicted something. */
    long eventsApplied();

    /** This instance's own events, skipped. */
    long ownEventsSkipped();

    /** Events that asked for nothing. */
    long eventsIgnored();

    /** Entries skipped because they were not events. */
    long malformedEntries();

    /** Calls to the sink that threw. */
    long sinkFailures();

    /** Times L1 was cleared because events may have been missed. */
    long gapClears();

    /** Failed reads (each retried). */
    long readFailures();

    /** When the last event from another source was processed, how old it was (ms; 0 before any). */
    long lagMillis();

    /** Stops the thread and closes its connection. */
    @Override
    void close();
}
