package io.weft.agent.ops.jmx;

import java.util.Map;

/** The agent over JMX: {@code io.weft:type=Agent}. Counters count since the JVM started. */
public interface AgentControlMXBean {

    String getVersion();

    /** UP, DEGRADED or DOWN, as {@code /health} says. */
    String getStatus();

    /** Why the status is not UP (empty when it is). */
    String[] getStatusReasons();

    /** The agent's switch: off turns every cache off; on restores each cache's own switch. Writable. */
    boolean isEnabled();

    void setEnabled(boolean enabled);

    String[] getCacheNames();

    int getWovenMethods();

    long getL1Size();

    long getL1MaxSize();

    long getInvalidationsSent();

    long getInvalidationsReceived();

    /** The port of the operations HTTP server, or -1 when it is off. */
    int getHttpPort();

    boolean isRedisConfigured();

    /** The Redis URI without its password, or null without Redis. */
    String getRedisUri();

    boolean isRedisUp();

    /** CLOSED, OPEN or HALF_OPEN (CLOSED without Redis). */
    String getRedisBreakerState();

    long getRedisFailures();

    /** Failed Redis calls by reason ({@code oom}, {@code noauth}, {@code timeout} …; empty without Redis). */
    Map<String, Long> getRedisErrors();

    long getRedisRejections();

    boolean isEventsReaderUp();

    boolean isEventsReaderPositioned();

    long getEventsLagMillis();

    long getEventsApplied();

    long getEventsMalformed();

    long getEventsGapClears();

    long getEventsReadFailures();

    long getEventsPublished();

    long getEventsPublishPending();

    long getEventsPublishFailures();

    long getEventsPublishOverflows();

    /** Empties this JVM's L1 (every cache; Redis keeps its copies); returns about how many entries it held. */
    long clearAll();
}
