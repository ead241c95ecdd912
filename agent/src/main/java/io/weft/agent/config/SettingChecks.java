package io.weft.agent.config;

/**
 * Checks of the settings written in a syntax that the agent's core parses: {@code weft.redis.uri} (Lettuce's URI
 * parser), {@code weft.store.uri} (pgjdbc's) and {@code weft.events.<type>} (key templates). The configuration is in the small jar the JVM opens, which
 * does not hold those parsers (docs/design.md §1), so the core hands them to {@link WeftConfig}, and a value they
 * refuse is a problem at start rather than when Redis is connected. Each check answers why a value cannot be used,
 * or {@code null} when it can (what each check answers unless implemented: no check).
 */
public interface SettingChecks {

    /** No checks: the values are taken as written (and refused, if they are, where they are used). */
    SettingChecks NONE = new SettingChecks() {
    };

    /**
     * Why {@code uri}, which has a scheme, names no Redis server, Sentinel-managed master or (with {@code cluster})
     * seed nodes of a Redis Cluster; the answer names {@code weft.redis.uri} and never holds the password.
     */
    default String redisUriProblem(String uri, boolean cluster) {
        return null;
    }

    /**
     * Why {@code uri}, a {@code jdbc:postgresql://} URL, is not one the PostgreSQL driver reads; the answer names
     * {@code weft.store.uri} and never quotes the URL.
     */
    default String storeUriProblem(String uri) {
        return null;
    }

    /** Why {@code templates}, the value of {@code weft.events.<type>}, are not key templates; the answer names the setting. */
    default String eventTemplatesProblem(String type, String templates) {
        return null;
    }

    /**
     * What may not be meant in {@code templates}, usable key templates of {@code weft.events.<type>} (a comma read one
     * way that could be read another), or {@code null}; the answer names the setting and how to write it plainly.
     */
    default String eventTemplatesWarning(String type, String templates) {
        return null;
    }
}
