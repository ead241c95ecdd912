package io.weft.agent.config;

/**
 * Every setting of the agent (SPEC §4): its name, its default as a value the setting's parser reads (or
 * {@code null} with the word the README shows instead), and its meaning in one line. {@link WeftConfig}
 * reads its defaults from here, and a test compares this table with the README's, row by row.
 */
public enum Setting {
    ENABLED("weft.enabled", "true", "`false`: nothing is transformed"),
    TTL("weft.ttl", "5m", "default TTL (`300`, `300s`, `5m`, `1h`, `1d`, `PT5M`)"),
    L1_MAX_SIZE("weft.l1.maxSize", "10000", "L1 entries per JVM, across caches; `0`: no L1 at all (every call goes to L2)"),
    L1_TTL("weft.l1.ttl", "1m", "upper bound of an L1 entry's life"),
    LOAD_MAX_WAIT("weft.load.maxWait", "5s",
            "longest a call waits for another call's load of the same key before running the method itself"),
    LEASE_WAIT("weft.lease.wait", "1s", "longest a miss waits for the value of another instance that is loading the"
            + " same key (it holds the key's lease) before running the method itself"),
    INCLUDE("weft.include", null, "all", "package prefixes to weave (comma-separated); unset: every package but those"
            + " of common libraries (`org.springframework.`, `org.apache.`, `com.google.` …, see docs/design.md)"),
    EXCLUDE("weft.exclude", null, "none", "package prefixes never to weave (comma-separated)"),
    CACHE_ENABLED("weft.cache.<name>.enabled", "true", "per-cache switch"),
    CACHE_TTL("weft.cache.<name>.ttl", null, "annotation", "per-cache TTL override"),
    CACHE_L1("weft.cache.<name>.l1", "true",
            "`false`: this cache skips L1 (L2 only: large values, or data that must never be served from a stale copy)"),
    CACHE_REFRESH_AFTER("weft.cache.<name>.refreshAfter", null, "annotation",
            "per-cache `refreshAfter` override: a hit on an older entry reloads it in the background"),
    CACHE_STALE_IF_ERROR("weft.cache.<name>.staleIfError", null, "annotation", "per-cache `staleIfError` override"),
    CACHE_SLIDING("weft.cache.<name>.sliding", null, "annotation", "per-cache `sliding` override (`true` or `false`)"),
    STRICT("weft.strict", "false", "a configuration error stops the JVM (exit status 78)"),
    LOG_LEVEL("weft.log.level", "info", "`error`, `warn`, `info` or `debug`; the agent logs to standard error with `[weft]`"),
    CONFIG_FILE("weft.config", null, "unset", "a properties file of settings; system properties and environment variables take precedence over it"),
    REDIS_URI("weft.redis.uri", null, "unset",
            "`redis://[user:pass@]host:port/db`, `rediss://…`, `redis-sentinel://…`; unset = L1 only"),
    REDIS_CLUSTER("weft.redis.cluster", "false", "`true`: `weft.redis.uri` names seed nodes of a Redis Cluster,"
            + " `redis://[user:pass@]host:port[,host:port…]` (`rediss://` for TLS; one scheme and one user for all,"
            + " database 0); the topology is read from any seed that answers and refreshed every 10 s and on"
            + " redirections and reconnects"),
    REDIS_TIMEOUT("weft.redis.timeout", "250ms", "bound on any Redis command on a caller's path"),
    REDIS_MAX_VALUE_BYTES("weft.redis.maxValueBytes", "1048576", "larger values are not stored in Redis (L1 only)"),
    REDIS_COMPRESS_MIN_BYTES("weft.redis.compress.minBytes", "0", "unset", "values whose JSON is at least this many"
            + " bytes are stored gzip-compressed (the gzip magic bytes come first); `0`: none, as unset; values are read"
            + " either way"),
    WARM("weft.warm", "false", "`true`: every `weft.warm.interval` each instance records the most-hit keys of each"
            + " cache in Redis (`<namespace>weft-warm:<cache>`), and at a method's first miss a starting instance fills"
            + " its L1 from Redis for those keys, without calling the method"),
    WARM_KEYS("weft.warm.keys", "1000", "most-hit keys recorded, and filled at a warm start, per cache"),
    WARM_INTERVAL("weft.warm.interval", "5s", "how often the most-hit keys are recorded (`weft.warm`)"),
    STORE_URI("weft.store.uri", null, "unset", "`jdbc:postgresql://host:port/db?user=…&password=…`: the shared level"
            + " and its events in PostgreSQL tables instead of Redis (not with `weft.redis.uri`)"),
    STORE_TABLE("weft.store.table", "weft_cache_entries", "the entries table (created if missing; the events and tag"
            + " tables are named after it, `<table>_events`, `<table>_tags`); `[schema.]name`, letters, digits and `_`"),
    STORE_TIMEOUT("weft.store.timeout", "250ms", "bound on any database call on a caller's path, waiting for a"
            + " pooled connection included"),
    STORE_CLEANUP("weft.store.cleanup", "1h", "how often expired rows are deleted from the entries table"),
    NAMESPACE("weft.namespace", "", "prefix of every Redis key and stream"),
    STREAM_MAXLEN("weft.stream.maxlen", "10000", "approximate length bound of each event stream"),
    EVENTS("weft.events.<type>", null, "unset", "key templates (comma-separated) rendered against the payload of"
            + " foreign events of that type, e.g. `weft.events.book.updated=storybook:book:{book_id}`; `,,` is a comma"
            + " inside a template, and a single `,` between two placeholders (`k:{a},{b}`) stays in the template, with"
            + " a warning (write `k:{a},,{b}`, or `k:{a}, {b}` for two templates)"),
    EVENT_PAYLOAD_NAMES("weft.events.payloadNames", "declared", "`declared`: the scalar arguments in an event's payload"
            + " keep their parameter names (`bookId`); `snake_case`: `book_id`, for consumers in Python and other languages"),
    HTTP_PORT("weft.http.port", null, "unset", "serve the status page, `/metrics`, `/health` and the switches on"
            + " this port of 127.0.0.1 (`0`: any free port); unset = no server, no thread"),
    HTTP_TOKEN("weft.http.token", null, "unset", "bearer token that management calls (`POST`) need; unset = they are refused");

    private final String key;
    private final String defaultValue;
    private final String shownDefault;
    private final String meaning;

    Setting(String key, String defaultValue, String meaning) {
        this(key, defaultValue, "`" + (defaultValue.isEmpty() ? "\"\"" : defaultValue) + "`", meaning);
    }

    Setting(String key, String defaultValue, String shownDefault, String meaning) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.shownDefault = shownDefault;
        this.meaning = meaning;
    }

    /** The property name; per-cache and per-event settings hold a {@code <name>} or {@code <type>} placeholder. */
    public String key() {
        return key;
    }

    /** The default as the setting's parser reads it, or {@code null} when there is none (unset). */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as the README shows it. */
    public String shownDefault() {
        return shownDefault;
    }

    /** What the setting does, in one line (Markdown). */
    public String meaning() {
        return meaning;
    }

    /** Whether the name holds a placeholder ({@code weft.cache.<name>.ttl}) rather than being one property. */
    public boolean isPattern() {
        return key.indexOf('<') >= 0;
    }

    /** The setting named exactly {@code key} (not a pattern), or {@code null}. */
    public static Setting named(String key) {
        for (Setting setting : values()) {
            if (!setting.isPattern() && setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }
}
