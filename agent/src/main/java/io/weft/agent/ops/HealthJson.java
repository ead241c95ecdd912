package io.weft.agent.ops;

import io.weft.agent.ops.Snapshot.CacheView;
import io.weft.agent.ops.Snapshot.RedisView;
import io.weft.agent.ops.Snapshot.Status;

/**
 * {@code /health}: the agent, each cache, Redis and the event reader as JSON. {@code status} is
 * {@code UP}, {@code DEGRADED} (caching works but not fully: switched off, or Redis unreachable and
 * the JVM on L1 alone) or {@code DOWN} (caching could not start); a part may also be {@code OFF}
 * (switched off, or Redis not configured).
 */
final class HealthJson {

    private HealthJson() {
    }

    static String render(Snapshot s, int httpPort) {
        Json json = new Json().object();
        json.field("status", s.status.name());
        json.field("reasons", s.reasons);
        json.object("agent")
                .field("status", s.weavingFailure != null && !s.started ? Status.DOWN.name()
                        : s.agentEnabled ? Status.UP.name() : Status.OFF.name())
                .field("version", s.version)
                .field("java", s.javaFeature)
                .field("enabled", s.agentEnabled)
                .field("started", s.started)
                .field("weavingFailure", s.weavingFailure)
                .field("wovenMethods", s.wovenMethods)
                .field("l1Size", s.l1Size)
                .field("l1MaxSize", s.l1MaxSize)
                .field("invalidationsSent", s.invalidationsSent)
                .field("invalidationsReceived", s.invalidationsReceived)
                .field("invalidationsReplayed", s.invalidationsReplayed)
                .field("httpPort", httpPort)
                .end();
        json.array("caches");
        for (CacheView c : s.caches) {
            json.object()
                    .field("name", c.name)
                    .field("status", c.active ? Status.UP.name() : Status.OFF.name())
                    .field("active", c.active)
                    .field("enabled", c.enabled)
                    .field("hitRatio", c.hitRatio)
                    .field("l1Hits", c.l1Hits)
                    .field("l2Hits", c.l2Hits)
                    .field("misses", c.misses)
                    .field("loads", c.loads)
                    .field("loadFailures", c.loadFailures)
                    .field("loadMeanMillis", c.loadMeanNanos() / 1e6)
                    .field("loadP50Millis", c.loadP50Nanos / 1e6)
                    .field("loadP95Millis", c.loadP95Nanos / 1e6)
                    .field("loadP99Millis", c.loadP99Nanos / 1e6)
                    .field("l1Entries", c.l1Entries)
                    .field("hotKeys", c.hotKeys)
                    .field("evictedBySize", c.evictedBySize)
                    .field("expired", c.expired)
                    .field("invalidated", c.invalidated)
                    .field("invalidationsSent", c.invalidatedBySent)
                    .field("invalidationsReceived", c.invalidatedByReceived)
                    .field("l2Unreadable", c.l2Unreadable)
                    .field("l2NotStored", c.l2NotStored)
                    .field("staleStoresDiscarded", c.staleStoresDiscarded)
                    .field("loadWaitTimeouts", c.loadWaitTimeouts)
                    .end();
        }
        json.endArray();
        RedisView r = s.redis;
        if (r == null) {
            json.object("redis").field("status", Status.OFF.name()).field("configured", false).end();
            json.object("events").field("status", Status.OFF.name()).end();
        } else {
            json.object("redis")
                    .field("status", r.status.name())
                    .field("configured", true)
                    .field("kind", r.kind)
                    .field("uri", r.uri)
                    .field("connected", r.connected)
                    .field("reason", r.reason)
                    .field("breaker", r.breakerState)
                    .field("failures", r.failures)
                    .field("rejections", r.rejections)
                    .field("failovers", r.failovers)
                    .field("errors", r.errors)
                    .end();
            json.object("events")
                    .field("status", r.readerUp ? Status.UP.name() : Status.DOWN.name())
                    .field("positioned", r.readerPositioned)
                    .field("streams", r.streams)
                    .field("lagMillis", r.lagMillis)
                    .field("applied", r.eventsApplied)
                    .field("malformed", r.malformedEntries)
                    .field("gapClears", r.gapClears)
                    .field("readFailures", r.readFailures)
                    .field("published", r.published)
                    .field("publishPending", r.publishPending)
                    .field("publishFailures", r.publishFailures)
                    .field("publishOverflows", r.publishOverflows)
                    .end();
        }
        if (s.store != null) {
            json.object("store")
                    .field("entries", s.store.entries)
                    .field("bytes", s.store.bytes)
                    .field("expiredDeleted", s.store.expiredDeleted)
                    .field("cleanups", s.store.cleanups)
                    .field("lastCleanupMillis", s.store.lastCleanupMillis)
                    .field("writesDropped", s.store.writesDropped)
                    .end();
        }
        return json.end().toString();
    }
}
