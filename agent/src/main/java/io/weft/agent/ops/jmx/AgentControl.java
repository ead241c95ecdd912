package io.weft.agent.ops.jmx;

import io.weft.agent.config.AgentInfo;
import io.weft.agent.ops.Ops;
import io.weft.agent.ops.Snapshot;
import io.weft.agent.ops.Snapshot.RedisView;
import java.util.Map;

/** {@link AgentControlMXBean}: each attribute read from a fresh {@link Snapshot}. */
public final class AgentControl implements AgentControlMXBean {

    private final Ops ops;

    AgentControl(Ops ops) {
        this.ops = ops;
    }

    private Snapshot now() {
        return ops.snapshotWithoutEntries();
    }

    private RedisView redis() {
        return now().redis;
    }

    @Override
    public String getVersion() {
        return AgentInfo.version();
    }

    @Override
    public String getStatus() {
        return now().status.name();
    }

    @Override
    public String[] getStatusReasons() {
        return now().reasons.toArray(new String[0]);
    }

    @Override
    public boolean isEnabled() {
        return ops.switches().agentEnabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        ops.setAgentEnabled(enabled, "over JMX");
    }

    @Override
    public String[] getCacheNames() {
        return now().caches.stream().map(c -> c.name).toArray(String[]::new);
    }

    @Override
    public int getWovenMethods() {
        return now().wovenMethods;
    }

    @Override
    public long getL1Size() {
        return now().l1Size;
    }

    @Override
    public long getL1MaxSize() {
        return now().l1MaxSize;
    }

    @Override
    public long getInvalidationsSent() {
        return now().invalidationsSent;
    }

    @Override
    public long getInvalidationsReceived() {
        return now().invalidationsReceived;
    }

    @Override
    public int getHttpPort() {
        return ops.httpPort();
    }

    @Override
    public boolean isRedisConfigured() {
        return redis() != null;
    }

    @Override
    public String getRedisUri() {
        RedisView r = redis();
        return r == null ? null : r.uri;
    }

    @Override
    public boolean isRedisUp() {
        RedisView r = redis();
        return r != null && r.up();
    }

    @Override
    public String getRedisBreakerState() {
        RedisView r = redis();
        return r == null ? "CLOSED" : r.breakerState;
    }

    @Override
    public long getRedisFailures() {
        RedisView r = redis();
        return r == null ? 0 : r.failures;
    }

    @Override
    public Map<String, Long> getRedisErrors() {
        RedisView r = redis();
        return r == null ? Map.of() : r.errors;
    }

    @Override
    public long getRedisRejections() {
        RedisView r = redis();
        return r == null ? 0 : r.rejections;
    }

    @Override
    public boolean isEventsReaderUp() {
        RedisView r = redis();
        return r != null && r.readerUp;
    }

    @Override
    public boolean isEventsReaderPositioned() {
        RedisView r = redis();
        return r != null && r.readerPositioned;
    }

    @Override
    public long getEventsLagMillis() {
        RedisView r = redis();
        return r == null ? 0 : r.lagMillis;
    }

    @Override
    public long getEventsApplied() {
        RedisView r = redis();
        return r == null ? 0 : r.eventsApplied;
    }

    @Override
    public long getEventsMalformed() {
        RedisView r = redis();
        return r == null ? 0 : r.malformedEntries;
    }

    @Override
    public long getEventsGapClears() {
        RedisView r = redis();
        return r == null ? 0 : r.gapClears;
    }

    @Override
    public long getEventsReadFailures() {
        RedisView r = redis();
        return r == null ? 0 : r.readFailures;
    }

    @Override
    public long getEventsPublished() {
        RedisView r = redis();
        return r == null ? 0 : r.published;
    }

    @Override
    public long getEventsPublishPending() {
        RedisView r = redis();
        return r == null ? 0 : r.publishPending;
    }

    @Override
    public long getEventsPublishFailures() {
        RedisView r = redis();
        return r == null ? 0 : r.publishFailures;
    }

    @Override
    public long getEventsPublishOverflows() {
        RedisView r = redis();
        return r == null ? 0 : r.publishOverflows;
    }

    @Override
    public long clearAll() {
        return ops.clearAll("over JMX");
    }
}
