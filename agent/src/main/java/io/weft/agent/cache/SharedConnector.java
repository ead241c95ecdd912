package io.weft.agent.cache;

import io.weft.agent.events.EventReader;
import io.weft.agent.events.InvalidationPublisher;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.store.SharedStore;

/**
 * A shared level connected to a {@link CacheRuntime}: its store, the event publisher and the event reader,
 * as operations (metrics, health, status page) read them; closed at exit.
 */
public interface SharedConnector extends AutoCloseable {

    /** What holds the shared level, as logs and health name it: {@code Redis} or {@code PostgreSQL}. */
    String kind();

    SharedStore store();

    EventReader reader();

    InvalidationPublisher publisher();

    /** Changes of the master seen (failovers); 0 where there are none to see. */
    long failovers();

    /** The store's URI without its password. */
    String redactedUri();

    /** The failed calls of the store, the publisher and the reader, by reason, and the last error reply. */
    RedisErrors errors();

    /** Stops reading, sends the events still queued (bounded) and closes the connections. */
    @Override
    void close();
}
