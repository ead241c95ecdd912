package io.weft.agent.config;

/**
 * Checks of the settings written in a syntax that the agent's core parses: {@code weft.redis.uri} (Lettuce's URI
 * parser), {@code weft.store.uri} (pgjdbc's) and {@code weft.events.<type>} (key templates). The configuration is in the small jar the JVM opens, which
 * does not hold those parsers (docs/design.md §1), so the core hands them to {@link WeftConfig}, and a value they
 * refuse is a problem at start rather than when Redis is connected. Each check answers why a value cannot be used,
 * or {@code null} when it can.
 */
public interface SettingChecks {

    /** No checks: the values are taken as written (and refused, if they are, where they are used). */
    SettingChecks NONE = new SettingChecks() {
        @Override
        public String redisUriProblem(String uri, boolean cluster) {
            return null;
        }

        @Override
        public String storeUriProblem(String uri) {
            return null;
        }

        @Override
        public String eventTemplatesProblem(String type, String templates) {
            return null;
        }
    };

    /**
     * Why {@code uri}, which has a scheme, names no Redis server, Sentinel-managed master or (with {@code cluster})
     * seed nodes of a Redis Cluster; the answer names {@code weft.redis.uri} and never holds the password.
     */
    String redisUriProblem(String uri, boolean cluster);

    /**
     * Why {@code uri}, a {@code jdbc:postgresql://} URL, is not one the PostgreSQL driver reads; the answer names
     * {@code weft.store.uri} and never quotes the URL.
     */
    String storeUriProblem(String uri);

    /** Why {@code templates}, the value of {@code weft.events.<type>}, are not key templates; the answer names the setting. */
    String eventTemplatesProblem(String type, String templates);
}
