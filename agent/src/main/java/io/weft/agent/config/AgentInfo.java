package io.weft.agent.config;

/**
 * What any part of the agent may ask about the agent itself: its version, and the system property by
 * which a JVM says that Weft has started in it (so that a second start, or an attach, can tell).
 */
public final class AgentInfo {

    /** Set to {@code true} once the agent has started in this JVM. */
    public static final String STARTED_PROPERTY = "weft.agent.started";

    private AgentInfo() {
    }

    /** The agent's version from its jar's manifest, or {@code dev} when run from classes. */
    public static String version() {
        String version = AgentInfo.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
