package io.weft.agent.metrics;

/** Where an invalidation that evicted an L1 entry came from (SPEC §9: invalidations sent and received, per cache). */
public enum InvalidationOrigin {
    /** This instance's own {@code @InvalidateCache} call, whose event it sends to the others (or its replay). */
    SENT,
    /** An event read from the streams: another instance's, or another service's. */
    RECEIVED
}
